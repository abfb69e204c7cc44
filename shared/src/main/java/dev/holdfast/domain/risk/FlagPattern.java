package dev.holdfast.domain.risk;

/** The post-trade patterns that raise a flag at {@code GET /admin/risk/flags}. */
public enum FlagPattern {
    /** Several orders at the maximum stake on one market within a window, from new accounts. */
    MAX_STAKE_BURST_NEW_ACCOUNTS,
    /** Many distinct accounts ordering from one device id ({@code X-Device-Id}) within a window. */
    SHARED_DEVICE,
    /** Many distinct accounts ordering from one source address within a window. */
    SHARED_ADDRESS
}
