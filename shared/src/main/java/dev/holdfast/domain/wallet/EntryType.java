package dev.holdfast.domain.wallet;

/**
 * Why a ledger entry moved money. The sign of an entry's amount says which way: credits to a fund
 * are positive, debits negative.
 */
public enum EntryType {
    /** Money added by an admin (deposits, goodwill, promotions): positive. */
    CREDIT,
    /** An accepted order's stake taken from a fund: negative. */
    STAKE,
    /** A won order's payout: positive. */
    PAYOUT,
    /** A voided order's stake given back: positive. */
    REFUND,
    /** Cash set aside for a pending withdrawal: negative on CASH. */
    WITHDRAWAL_HOLD,
    /** A refused withdrawal's hold given back: positive on CASH. */
    WITHDRAWAL_RELEASE,
    /** A withdrawal the bank confirmed (the held cash has left). */
    WITHDRAWAL_PAID
}
