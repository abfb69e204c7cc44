package dev.holdfast.resources;

import java.util.List;

/**
 * Every SQS queue of Holdfast, defined once. Each has a FIFO dead-letter queue beside it.
 *
 * <p><b>Resumption within a minute.</b> A message whose invocation crashed, timed out or failed
 * comes back after its queue's visibility timeout, so every timeout here is under 60 s: six times
 * its consumer's (short) function timeout, as AWS advises. Consumers are shaped to fit: the settler
 * works in pages for a few seconds and hands over to a continuation message; the workers stop
 * starting messages when the rest of their time would not cover a provider call. A message that
 * never arrives (a send lost after its commit) is covered by a watchdog or re-drive that looks every
 * 10 s ({@code Triggers}). The README's pipeline table lists each worst case.
 */
public final class Queues {
    private Queues() {}

    /** Odds-feed updates: group = provider market, dedup = provider:market:sequence. */
    public static final QueueDef FEED = new QueueDef("feed", 30, 5, false);
    /** Settlement commands: group = market. */
    public static final QueueDef SETTLEMENT = new QueueDef("settlement", 48, 5, false);
    /** Withdrawal payouts: group = account. */
    public static final QueueDef WITHDRAWALS = new QueueDef("withdrawals", 54, 10, false);
    /**
     * Signups waiting for identity verification: group = signup. Every receive during a verifier
     * outage is a failed one, so the queue allows 50 (45 minutes of outage at the visibility timeout)
     * before a message is dead-lettered; the signup re-drive sends any PENDING signup again anyway.
     */
    public static final QueueDef SIGNUPS = new QueueDef("signups", 54, 50, false);

    public static final List<QueueDef> ALL = List.of(FEED, SETTLEMENT, WITHDRAWALS, SIGNUPS);
}
