package dev.holdfast.domain.withdrawal;

import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.wallet.LedgerIds;

import java.util.Objects;

/** A validated {@code POST /wallet/withdrawals} body. */
public record WithdrawalRequest(Amount amount, Destination destination) {
    public WithdrawalRequest {
        Objects.requireNonNull(amount);
        Objects.requireNonNull(destination);
    }

    /** What makes two requests "the same" for one idempotency key. */
    public String fingerprint() {
        return LedgerIds.fingerprint("withdrawal", amount.text(), destination.bank(), destination.account());
    }
}
