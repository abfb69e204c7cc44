package dev.holdfast.domain.reconciliation;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * An account's stored balances exactly as read (any number, even one no code path could write:
 * reconciliation must be able to see a tampered or corrupted view).
 *
 * @param ledgerSeq the sequence number of the newest entry the view includes
 */
public record AccountView(String accountId, BigDecimal cash, BigDecimal bonus, BigDecimal heldForWithdrawal,
                          BigDecimal openExposure, long ledgerSeq) {
    public AccountView {
        Objects.requireNonNull(accountId);
        cash = orZero(cash);
        bonus = orZero(bonus);
        heldForWithdrawal = orZero(heldForWithdrawal);
        openExposure = orZero(openExposure);
    }

    private static BigDecimal orZero(BigDecimal v) {
        return v == null ? BigDecimal.ZERO : v;
    }

    /** The stored item's key. */
    public String item() {
        return "ACCOUNT#" + accountId;
    }
}
