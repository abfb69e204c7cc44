package dev.holdfast.domain.market;

import java.time.Duration;
import java.time.Instant;

/**
 * How old a price may get (thresholds from the risk config; defaults 3 s and 10 s). A price's age
 * is measured from when Holdfast received it ({@code receivedAt}, our clock), so a provider's
 * clock skew cannot make every price stale or fresh.
 *
 * @param keepSeconds          orders are taken while the price is at most this old
 * @param suspendAfterSeconds  past this age the market is suspended with {@code FEED_STALE}
 * @param maxSequenceJump      a message whose sequence is more than this past the market's last one
 *                             is quarantined ({@code SEQUENCE_JUMP}) instead of wedging the market
 * @param maxFutureSkewSeconds a message whose source time is more than this ahead of our clock is
 *                             quarantined ({@code SOURCE_TIME_IN_FUTURE})
 */
public record FeedFreshness(int keepSeconds, int suspendAfterSeconds, long maxSequenceJump, int maxFutureSkewSeconds) {

    public static final long DEFAULT_MAX_SEQUENCE_JUMP = 1_000_000;
    public static final long MAX_MAX_SEQUENCE_JUMP = 1_000_000_000_000L;
    public static final int DEFAULT_MAX_FUTURE_SKEW_SECONDS = 300;
    public static final int MAX_MAX_FUTURE_SKEW_SECONDS = 24 * 3600;
    public static final FeedFreshness DEFAULT = new FeedFreshness(3, 10);

    public FeedFreshness {
        if (keepSeconds < 1 || suspendAfterSeconds < keepSeconds) {
            throw new IllegalArgumentException("need 1 <= keepSeconds <= suspendAfterSeconds");
        }
        if (maxSequenceJump < 1 || maxSequenceJump > MAX_MAX_SEQUENCE_JUMP) {
            throw new IllegalArgumentException("maxSequenceJump is 1 to " + MAX_MAX_SEQUENCE_JUMP);
        }
        if (maxFutureSkewSeconds < 0 || maxFutureSkewSeconds > MAX_MAX_FUTURE_SKEW_SECONDS) {
            throw new IllegalArgumentException("maxFutureSkewSeconds is 0 to " + MAX_MAX_FUTURE_SKEW_SECONDS);
        }
    }

    /** With the default sequence and skew bounds. */
    public FeedFreshness(int keepSeconds, int suspendAfterSeconds) {
        this(keepSeconds, suspendAfterSeconds, DEFAULT_MAX_SEQUENCE_JUMP, DEFAULT_MAX_FUTURE_SKEW_SECONDS);
    }

    /** Whether {@code sequence} after {@code lastSequence} is a jump past the plausible bound. */
    public boolean implausibleJump(long lastSequence, long sequence) {
        return sequence > lastSequence && sequence - lastSequence > maxSequenceJump;
    }

    /** Whether a provider time is further ahead of {@code now} than the allowed skew. */
    public boolean tooFarAhead(Instant sourceTimestamp, Instant now) {
        return sourceTimestamp != null && sourceTimestamp.isAfter(now.plusSeconds(maxFutureSkewSeconds));
    }

    public boolean fresh(Instant receivedAt, Instant now) {
        return !receivedAt.plus(Duration.ofSeconds(keepSeconds)).isBefore(now);
    }

    public boolean staleEnoughToSuspend(Instant receivedAt, Instant now) {
        return receivedAt.plus(Duration.ofSeconds(suspendAfterSeconds)).isBefore(now);
    }

    /** The oldest {@code receivedAt} an order may still be filled against at {@code now}. */
    public Instant oldestFresh(Instant now) {
        return now.minus(Duration.ofSeconds(keepSeconds));
    }
}
