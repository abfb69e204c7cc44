package dev.holdfast.resources;

import java.util.List;

/** Every SQS queue of Holdfast, defined once. Each has a FIFO dead-letter queue beside it. */
public final class Queues {
    private Queues() {}

    /** Odds-feed updates: group = provider market, dedup = provider:market:sequence. */
    public static final QueueDef FEED = new QueueDef("feed", 60, 5, false);
    /** Settlement commands: group = market. */
    public static final QueueDef SETTLEMENT = new QueueDef("settlement", 900, 5, false);
    /** Withdrawal payouts: group = account. */
    public static final QueueDef WITHDRAWALS = new QueueDef("withdrawals", 180, 10, false);
    /**
     * Signups waiting for identity verification: group = signup. Every receive during a verifier
     * outage is a failed one, so the queue allows 50 (2.5 hours of outage at the visibility timeout)
     * before a message is dead-lettered; the signup re-drive sends any PENDING signup again anyway.
     */
    public static final QueueDef SIGNUPS = new QueueDef("signups", 180, 50, false);

    public static final List<QueueDef> ALL = List.of(FEED, SETTLEMENT, WITHDRAWALS, SIGNUPS);
}
