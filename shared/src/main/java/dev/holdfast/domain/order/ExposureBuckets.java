package dev.holdfast.domain.order;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A limit's headroom split over {@code n} buckets on separate partition keys, so that no single
 * item caps the platform at one partition's write rate (lessons: ~500 transactional orders/s per
 * item) and concurrent orders rarely touch the same item.
 *
 * <p><b>The scheme.</b> Bucket {@code i} may hold at most {@code share(i)} of exposure, where the
 * shares are the limit divided into {@code n} parts (to 4 decimals, the remainder on bucket 0), so
 * {@code Σ share(i) = limit} exactly. An order adds its liability to one bucket, picked by hashing
 * the order id, with the condition {@code used ≤ share(i) − liability} computed here (DynamoDB
 * conditions have no arithmetic). Because every bucket stays within its share at every commit, the
 * sum of all buckets, the scope's exposure, can never pass the limit, whatever the concurrency.
 * When the picked bucket is too full, the order reads all buckets and splits its liability across
 * those with room, in the same transaction ({@link #split}); only when the whole scope lacks room
 * is it {@code LIMIT_EXCEEDED}. Shares are computed from the limit in force, so a limit change needs
 * no rebalancing. A lowered limit can leave buckets holding more than their new share; while any
 * does, the scope takes no new exposure ({@link #caps}), so the sum still cannot pass the limit.
 * An order path may skip reading the buckets (the fast path above) only once it has seen, under
 * the same config version, that no bucket is over its share: orders never push a bucket over its
 * share, so that stays true until the limit changes again.
 */
public final class ExposureBuckets {
    private ExposureBuckets() {}

    /** The most bucket {@code i} of {@code n} may hold under {@code limit}. */
    public static BigDecimal share(BigDecimal limit, int n, int i) {
        BigDecimal base = limit.divide(BigDecimal.valueOf(n), 4, RoundingMode.DOWN);
        if (i == 0) {
            return limit.subtract(base.multiply(BigDecimal.valueOf(n - 1L)));
        }
        return base;
    }

    /** The bucket an order tries first. */
    public static int pick(String orderId, int n) {
        return Math.floorMod(orderId.hashCode(), n);
    }

    /**
     * What each bucket may hold for new claims, given every bucket's current use: its share — or
     * nothing at all while any bucket holds more than its share, which only happens after the limit
     * was lowered below what is open. The per-bucket conditions keep the sum within the limit only
     * while every bucket is within its share, so until releases bring every bucket back under its
     * share the scope takes no new exposure (it fails closed rather than overshoot).
     *
     * @return bucket → cap (empty while the scope is over-full somewhere)
     */
    public static Map<Integer, BigDecimal> caps(BigDecimal limit, int n, Map<Integer, BigDecimal> used) {
        Map<Integer, BigDecimal> caps = new LinkedHashMap<>();
        if (!withinShares(limit, n, used)) {
            return caps;
        }
        for (int i = 0; i < n; i++) {
            caps.put(i, share(limit, n, i));
        }
        return caps;
    }

    /**
     * Whether every bucket holds at most its share (no limit was lowered below the current use). A
     * bucket at or past {@code n} has no share: it may hold something only from before the limit
     * was lowered far enough to use fewer buckets ({@link #bucketsInUse}), and until that is
     * released the scope takes nothing new.
     */
    public static boolean withinShares(BigDecimal limit, int n, Map<Integer, BigDecimal> used) {
        for (int i = 0; i < n; i++) {
            if (used.getOrDefault(i, BigDecimal.ZERO).compareTo(share(limit, n, i)) > 0) {
                return false;
            }
        }
        for (Map.Entry<Integer, BigDecimal> u : used.entrySet()) {
            if (u.getKey() >= n && u.getValue().signum() > 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The smallest share worth a bucket of its own: a share should hold a good number of ordinary
     * orders' liabilities, or most orders would have to split over many buckets — and concurrent
     * splits meet on the same buckets.
     */
    public static final BigDecimal MIN_SHARE = new BigDecimal("1000000");

    /**
     * How many of a scope's {@code max} buckets a limit uses: one per {@link #MIN_SHARE} of the
     * limit, at least one, at most {@code max}. A function of the limit alone, so every container
     * agrees; a changed limit may use fewer buckets, and what the others still hold keeps the scope
     * closed until it is released ({@link #withinShares}).
     */
    public static int bucketsInUse(BigDecimal limit, int max) {
        BigDecimal n = limit.divide(MIN_SHARE, 0, RoundingMode.DOWN);
        return n.compareTo(BigDecimal.valueOf(max)) >= 0 ? max : Math.max(1, n.intValue());
    }

    /**
     * Splits {@code liability} over buckets with room under {@code caps} (see {@link #caps}),
     * most room first, given each bucket's current use.
     *
     * @return bucket → part, or empty when the scope as a whole lacks room
     */
    public static Optional<Map<Integer, BigDecimal>> split(BigDecimal liability, Map<Integer, BigDecimal> caps,
                                                           Map<Integer, BigDecimal> used) {
        Map<Integer, BigDecimal> room = new LinkedHashMap<>();
        BigDecimal total = BigDecimal.ZERO;
        for (Map.Entry<Integer, BigDecimal> c : caps.entrySet()) {
            BigDecimal r = c.getValue().subtract(used.getOrDefault(c.getKey(), BigDecimal.ZERO));
            if (r.signum() > 0) {
                room.put(c.getKey(), r);
                total = total.add(r);
            }
        }
        if (total.compareTo(liability) < 0) {
            return Optional.empty();
        }
        List<Map.Entry<Integer, BigDecimal>> order = room.entrySet().stream()
                .sorted((a, b) -> b.getValue().compareTo(a.getValue())).toList();
        Map<Integer, BigDecimal> parts = new LinkedHashMap<>();
        BigDecimal left = liability;
        for (Map.Entry<Integer, BigDecimal> e : order) {
            if (left.signum() <= 0) {
                break;
            }
            BigDecimal part = left.min(e.getValue());
            parts.put(e.getKey(), part);
            left = left.subtract(part);
        }
        return Optional.of(parts);
    }
}
