package dev.holdfast.domain.withdrawal;

import dev.holdfast.domain.money.Amount;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One withdrawal: cash held on its account at creation, paid out by the bank transfer whose id is
 * {@link #withdrawalId()}. The status item only moves forward ({@link WithdrawalStatus}); the money
 * itself moves in the append-only ledger (HOLD at creation, then PAID or RELEASE in the same
 * transaction as the status change). What its key replays is kept by persistence with the
 * withdrawal, not here.
 *
 * @param finishedAt     when it became COMPLETED or FAILED, else {@code null}
 * @param failureReason  the bank's reason for a FAILED withdrawal, else {@code null}
 */
public record Withdrawal(String withdrawalId, String accountId, String idempotencyKey, String fingerprint,
                         Amount amount, Destination destination, WithdrawalStatus status, String failureReason,
                         Instant createdAt, Instant finishedAt) {

    public Withdrawal {
        Objects.requireNonNull(withdrawalId);
        Objects.requireNonNull(accountId);
        Objects.requireNonNull(amount);
        Objects.requireNonNull(destination);
        Objects.requireNonNull(status);
        Objects.requireNonNull(createdAt);
    }

    public Optional<String> failure() {
        return Optional.ofNullable(failureReason);
    }
}
