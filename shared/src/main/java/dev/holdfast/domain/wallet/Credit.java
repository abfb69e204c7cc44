package dev.holdfast.domain.wallet;

import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.money.Fund;

import java.util.Objects;

/**
 * An admin's credit request ({@code POST /admin/accounts/{accountId}/credits}), validated.
 *
 * @param reason why (shown in the audit trail), at most 500 characters
 */
public record Credit(String accountId, Fund fund, Amount amount, String reason) {

    public Credit {
        Objects.requireNonNull(accountId);
        Objects.requireNonNull(fund);
        Objects.requireNonNull(amount);
        Objects.requireNonNull(reason);
        if (amount.isNegative() || amount.isZero()) {
            throw new IllegalArgumentException("a credit must be more than 0");
        }
    }

    /**
     * What an idempotency key remembers of its request: the same key with the same fingerprint is a
     * replay, with another one a reuse ({@code 422 IDEMPOTENCY_KEY_REUSED}).
     */
    public String fingerprint() {
        return LedgerIds.fingerprint("credit/v1", accountId, amount.text(), fund.name(), reason);
    }
}
