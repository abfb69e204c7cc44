package dev.holdfast.domain.waitingroom;

/**
 * How a cohort hands out queue positions without a single counter item.
 *
 * <p>A cohort has {@code S} stripes, each a counter on its own partition key. The {@code n}-th
 * allocation (1-based) on stripe {@code s} (0-based) is position {@code (n-1)·S + s + 1}, so stripes
 * interleave: stripe 0 owns 1, S+1, 2S+1 …, stripe 1 owns 2, S+2 …. Positions are therefore unique by
 * construction (each comes from exactly one atomic {@code ADD} on exactly one stripe), and the write
 * rate a cohort sustains is S times one partition's. A position whose stripe has not reached it yet is a
 * <em>gap</em>: it is skipped when counting people, never admitted as a person.
 *
 * <p>Ordering: on one stripe, positions follow the order in which the {@code ADD}s were applied, which is
 * real-time order (an enter that finished before another started has the smaller number). Across stripes,
 * order holds up to the stripes' spread: with stripe counts {@code c}, a position is behind at most
 * {@code S·(max c − min c)} positions it would not be behind with one counter. Entrances are dealt to
 * stripes round-robin, so the spread stays at about the number of enters in flight at once.
 */
public final class PositionStripes {
    private final int stripes;

    public PositionStripes(int stripes) {
        if (stripes < 1) {
            throw new IllegalArgumentException("at least one stripe");
        }
        this.stripes = stripes;
    }

    public int stripes() {
        return stripes;
    }

    /** The position of the {@code n}-th (1-based) allocation on stripe {@code stripe}. */
    public long position(int stripe, long n) {
        if (stripe < 0 || stripe >= stripes || n < 1) {
            throw new IllegalArgumentException("stripe " + stripe + ", n " + n);
        }
        return (n - 1) * stripes + stripe + 1;
    }

    /** The stripe that owns {@code position}. */
    public int stripeOf(long position) {
        return (int) ((position - 1) % stripes);
    }

    /** Whether {@code position} has been handed out, given each stripe's count. */
    public boolean allocated(long position, long[] counts) {
        if (position < 1) {
            return false;
        }
        return (position - 1) / stripes + 1 <= counts[stripeOf(position)];
    }

    /** How many positions from 1 to {@code upTo} (inclusive) have been handed out. */
    public long countUpTo(long upTo, long[] counts) {
        check(counts);
        long total = 0;
        for (int s = 0; s < stripes; s++) {
            if (upTo < s + 1) {
                continue;
            }
            long onStripe = (upTo - s - 1) / stripes + 1;
            total += Math.min(onStripe, counts[s]);
        }
        return total;
    }

    /** Every position handed out so far. */
    public long total(long[] counts) {
        check(counts);
        long t = 0;
        for (long c : counts) {
            t += c;
        }
        return t;
    }

    /** The highest position handed out so far (0 if none). */
    public long highest(long[] counts) {
        check(counts);
        long h = 0;
        for (int s = 0; s < stripes; s++) {
            if (counts[s] > 0) {
                h = Math.max(h, position(s, counts[s]));
            }
        }
        return h;
    }

    /**
     * The serving position after admitting up to {@code people} more from {@code serving}: the
     * position of the last person admitted, passing over gaps. Returns {@code serving} when nobody is
     * waiting.
     */
    public long advance(long serving, long people, long[] counts) {
        check(counts);
        long highest = highest(counts);
        long p = serving;
        long admitted = 0;
        while (admitted < people && p < highest) {
            p++;
            if (allocated(p, counts)) {
                admitted++;
            }
        }
        return p;
    }

    private void check(long[] counts) {
        if (counts.length != stripes) {
            throw new IllegalArgumentException("expected " + stripes + " stripe counts, got " + counts.length);
        }
    }
}
