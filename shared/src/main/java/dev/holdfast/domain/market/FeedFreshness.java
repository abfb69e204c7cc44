package dev.holdfast.domain.market;

import java.time.Duration;
import java.time.Instant;

/**
 * How old a price may get (thresholds from the risk config; defaults 3 s and 10 s). A price's age
 * is measured from when Holdfast received it ({@code receivedAt}, our clock), so a provider's
 * clock skew cannot make every price stale or fresh.
 *
 * @param keepSeconds         orders are taken while the price is at most this old
 * @param suspendAfterSeconds past this age the market is suspended with {@code FEED_STALE}
 */
public record FeedFreshness(int keepSeconds, int suspendAfterSeconds) {

    public static final FeedFreshness DEFAULT = new FeedFreshness(3, 10);

    public FeedFreshness {
        if (keepSeconds < 1 || suspendAfterSeconds < keepSeconds) {
            throw new IllegalArgumentException("need 1 <= keepSeconds <= suspendAfterSeconds");
        }
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
