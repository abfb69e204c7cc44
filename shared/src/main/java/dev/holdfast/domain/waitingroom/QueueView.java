package dev.holdfast.domain.waitingroom;

/**
 * What a waiting person is told: how many people are ahead, when they may expect to be admitted, and
 * when to ask again. Pure arithmetic over the cohort's stripe counts and serving position.
 */
public final class QueueView {
    private QueueView() {}

    /** Polling never faster than this, never slower than {@link #MAX_POLL_SECONDS}. */
    public static final int MIN_POLL_SECONDS = 1;
    public static final int MAX_POLL_SECONDS = 30;

    /**
     * People holding positions after {@code serving} and before {@code position}. Every place below
     * one's own is taken to be handed out even where the last tick's stripe counts do not show it yet:
     * stripes are dealt round-robin, so those places are filled, or about to be.
     */
    public static long ahead(PositionStripes stripes, long position, long serving, long[] counts) {
        if (position <= serving + 1) {
            return 0;
        }
        long[] filled = counts.clone();
        for (int s = 0; s < filled.length; s++) {
            long below = position - 1 < s + 1 ? 0 : (position - 1 - s - 1) / stripes.stripes() + 1;
            filled[s] = Math.max(filled[s], below);
        }
        return Math.max(0, position - 1 - stripes.countUpTo(serving, filled));
    }

    /** The same, right after entering, before any tick has counted the stripes. */
    public static long aheadOnEntry(long position, long serving) {
        return Math.max(0, position - 1 - serving);
    }

    /** Seconds until {@code ahead} people are admitted at {@code rateMilli} thousandths per second. */
    public static long etaSeconds(long ahead, long rateMilli) {
        if (ahead <= 0) {
            return 0;
        }
        long rate = Math.max(1, rateMilli);
        return (ahead * 1000 + rate - 1) / rate;
    }

    /** About a tenth of the wait: people far back poll rarely, people near the front often. */
    public static int pollAfterSeconds(long etaSeconds) {
        return (int) Math.max(MIN_POLL_SECONDS, Math.min(MAX_POLL_SECONDS, etaSeconds / 10));
    }
}
