package dev.holdfast.domain.surge;

/** What causes a surge: the kinds of day the platform is told about in advance. */
public enum SurgeKind {
    /** A live broadcast or promotion that sends order traffic (booked by sales). */
    BROADCAST,
    /** A listing (here or at a partner) that sends withdrawals and transfers. */
    LISTING,
    /** A staged rollout's cohort opening: waiting-room enters and signups (registered by the rollout itself). */
    COHORT,
    /** A recharge or bonus campaign: credits and orders. */
    RECHARGE,
    /** Anything else ops know is coming. */
    OTHER
}
