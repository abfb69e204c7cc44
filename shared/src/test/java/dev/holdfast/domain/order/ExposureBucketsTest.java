package dev.holdfast.domain.order;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The limit arithmetic: shares add up to the limit exactly, and whatever sequence of claims is
 * admitted by the per-bucket conditions, the sum of the buckets never passes the limit.
 */
class ExposureBucketsTest {

    @Property(tries = 1000)
    void sharesSumToTheLimitExactly(@ForAll @LongRange(min = 0, max = 999_999_999_999_999L) long limit,
                                    @ForAll @IntRange(min = 1, max = 64) int n) {
        BigDecimal l = BigDecimal.valueOf(limit);
        BigDecimal sum = BigDecimal.ZERO;
        for (int i = 0; i < n; i++) {
            BigDecimal s = ExposureBuckets.share(l, n, i);
            assertTrue(s.signum() >= 0);
            sum = sum.add(s);
        }
        assertEquals(0, sum.compareTo(l));
    }

    /**
     * Simulates the order path against the store: a claim commits only if each bucket it touches
     * stays within the cap its order computed; the limit is lowered and raised mid-way; the fast
     * path skips reading the buckets only for a limit version it has seen with no bucket over its
     * share. Whatever happens, no admitted claim leaves the scope above the limit in force.
     */
    @Property(tries = 1000)
    void admittedClaimsNeverPassTheLimitEvenWhenItChanges(
            @ForAll @LongRange(min = 1, max = 1_000_000) long firstLimit,
            @ForAll @LongRange(min = 0, max = 1_000_000) long secondLimit,
            @ForAll @IntRange(min = 1, max = 16) int n,
            @ForAll @Size(max = 200) List<@LongRange(min = -100_000, max = 200_000) Long> steps) {
        Map<Integer, BigDecimal> used = new HashMap<>();
        List<Map<Integer, BigDecimal>> claims = new java.util.ArrayList<>();
        java.util.Set<Integer> verifiedVersions = new java.util.HashSet<>();
        int k = 0;
        for (long step : steps) {
            int version = k < steps.size() / 2 ? 1 : 2; // the limit changes half-way
            BigDecimal l = BigDecimal.valueOf(version == 1 ? firstLimit : secondLimit);
            k++;
            if (step < 0) { // a release of an earlier claim
                if (!claims.isEmpty()) {
                    Map<Integer, BigDecimal> c = claims.remove((int) (Math.abs(step) % claims.size()));
                    c.forEach((b, x) -> used.merge(b, x.negate(), BigDecimal::add));
                }
                continue;
            }
            BigDecimal liability = BigDecimal.valueOf(step + 1, 1);
            int pick = ExposureBuckets.pick("o-" + k, n);
            BigDecimal share = ExposureBuckets.share(l, n, pick);
            Map<Integer, BigDecimal> parts;
            Map<Integer, BigDecimal> caps;
            if (verifiedVersions.contains(version) && liability.compareTo(share) <= 0) {
                parts = Map.of(pick, liability);
                caps = Map.of(pick, share);
            } else {
                if (ExposureBuckets.withinShares(l, n, used)) {
                    verifiedVersions.add(version);
                }
                caps = ExposureBuckets.caps(l, n, used);
                Optional<Map<Integer, BigDecimal>> split = ExposureBuckets.split(liability, caps, used);
                if (split.isEmpty()) {
                    continue;
                }
                parts = split.get();
            }
            boolean fits = parts.entrySet().stream().allMatch(p -> caps.containsKey(p.getKey())
                    && used.getOrDefault(p.getKey(), BigDecimal.ZERO).add(p.getValue()).compareTo(caps.get(p.getKey())) <= 0);
            if (!fits) {
                continue; // the store's condition refuses it
            }
            BigDecimal before = total(used);
            parts.forEach((b, x) -> used.merge(b, x, BigDecimal::add));
            claims.add(parts);
            BigDecimal sum = parts.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
            assertEquals(0, sum.compareTo(liability), "the parts are the whole liability");
            assertTrue(total(used).compareTo(l) <= 0 || total(used).compareTo(before) <= 0,
                    "an admitted claim never leaves the scope above its limit: " + total(used) + " > " + l);
        }
    }

    private static BigDecimal total(Map<Integer, BigDecimal> used) {
        return used.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    @Property(tries = 500)
    void anOverfullScopeTakesNothingAndAnyOtherIsCappedByShares(@ForAll @LongRange(min = 0, max = 1_000_000) long limit,
                                                               @ForAll @IntRange(min = 1, max = 16) int n,
                                                               @ForAll @Size(max = 16) List<@LongRange(min = 0, max = 300_000) Long> use) {
        BigDecimal l = BigDecimal.valueOf(limit);
        Map<Integer, BigDecimal> used = new HashMap<>();
        for (int i = 0; i < Math.min(n, use.size()); i++) {
            used.put(i, BigDecimal.valueOf(use.get(i)));
        }
        Map<Integer, BigDecimal> caps = ExposureBuckets.caps(l, n, used);
        if (ExposureBuckets.withinShares(l, n, used)) {
            BigDecimal sum = caps.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
            assertEquals(0, sum.compareTo(l), "the caps are the shares, adding up to the limit");
        } else {
            assertTrue(caps.isEmpty(), "no new exposure while a bucket is over its share");
        }
    }
}
