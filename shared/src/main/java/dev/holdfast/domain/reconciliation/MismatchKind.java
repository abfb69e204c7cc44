package dev.holdfast.domain.reconciliation;

/** Which stored view, and which of its values, differs from what its source rebuilds. */
public enum MismatchKind {
    /** An account's {@code cash} ≠ the sum of its CASH entries' amounts. */
    ACCOUNT_CASH,
    /** An account's {@code bonus} ≠ the sum of its BONUS entries' amounts. */
    ACCOUNT_BONUS,
    /** An account's {@code heldForWithdrawal} ≠ the sum of its entries' {@code heldChange}. */
    ACCOUNT_HELD,
    /** An account's {@code openExposure} ≠ the sum of the stakes of its open orders. */
    ACCOUNT_OPEN_EXPOSURE,
    /** An exposure bucket's {@code used} ≠ the sum of the open orders' claims on it. */
    EXPOSURE_BUCKET
}
