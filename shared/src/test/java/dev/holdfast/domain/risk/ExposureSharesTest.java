package dev.holdfast.domain.risk;

import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.pricing.ExposureSignal;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExposureSharesTest {
    private static final Amount LIMIT = Amount.of(10_000);

    @Test
    void theSignalIsEachSelectionsShareOfTheEventLimitRoundedDown() {
        Map<String, BigDecimal> l = new LinkedHashMap<>();
        l.put("s-1", new BigDecimal("4523.5"));
        l.put("s-2", new BigDecimal("0.99"));
        l.put("s-3", new BigDecimal("-5"));
        ExposureSignal s = ExposureShares.signal(l, LIMIT);
        assertEquals(new BigDecimal("0.4523"), s.level("s-1"));
        assertEquals(0, s.level("s-2").signum(), "noise below a ten-thousandth leaves the price alone");
        assertEquals(0, s.level("s-3").signum(), "a negative counter (settled first) is no exposure");
        assertEquals(new BigDecimal("1.0000"), ExposureShares.share(new BigDecimal("20000"), LIMIT), "clamped");
        assertEquals(new BigDecimal("1.0000"), ExposureShares.share(BigDecimal.ONE, Amount.ZERO), "a zero limit is full");
        assertEquals(0, ExposureShares.share(BigDecimal.ZERO, Amount.ZERO).signum());
    }

    @Test
    void theThresholdIsReachedAtExactlyItsShare() {
        BigDecimal point9 = new BigDecimal("0.9");
        assertEquals(Optional.empty(), ExposureShares.overThreshold(Map.of("s-1", new BigDecimal("8999.9999")), LIMIT, point9));
        assertEquals(Optional.of("s-1"), ExposureShares.overThreshold(Map.of("s-1", new BigDecimal("9000")), LIMIT, point9));
        assertEquals(Optional.of("s-1"), ExposureShares.overThreshold(Map.of("s-1", new BigDecimal("9047")), LIMIT, point9));
        assertEquals(Optional.empty(), ExposureShares.overThreshold(Map.of("s-1", BigDecimal.ZERO), Amount.ZERO, point9),
                "nothing open is never over");
        assertEquals(Optional.of("s-1"), ExposureShares.overThreshold(Map.of("s-1", new BigDecimal("10000")), LIMIT, BigDecimal.ONE));
    }

    @Property
    void theSignalIsInRangeMonotoneAndNeverOverstates(@ForAll @LongRange(min = -1_000_000, max = 2_000_000_000L) long tenths,
                                                      @ForAll @LongRange(min = 0, max = 1_000_000_000L) long limit,
                                                      @ForAll @LongRange(min = 0, max = 1_000_000) long more) {
        BigDecimal l = BigDecimal.valueOf(tenths, 1);
        Amount lim = Amount.of(limit);
        BigDecimal s = ExposureShares.share(l, lim);
        assertTrue(s.signum() >= 0 && s.compareTo(BigDecimal.ONE) <= 0, s.toPlainString());
        assertTrue(s.scale() == ExposureShares.SCALE);
        assertTrue(ExposureShares.share(l.add(BigDecimal.valueOf(more)), lim).compareTo(s) >= 0, "more liability, no smaller signal");
        if (limit > 0 && l.signum() > 0) {
            BigDecimal exact = l.divide(BigDecimal.valueOf(limit), 20, RoundingMode.DOWN).min(BigDecimal.ONE);
            assertTrue(s.compareTo(exact) <= 0 && exact.subtract(s).compareTo(new BigDecimal("0.0001")) < 0,
                    "rounded down by less than a ten-thousandth: " + s + " vs " + exact);
        }
    }

    @Property
    void overThresholdAgreesWithTheExactShare(@ForAll @LongRange(min = 1, max = 1_000_000) long liability,
                                              @ForAll @LongRange(min = 1, max = 1_000_000) long limit,
                                              @ForAll @IntRange(min = 1, max = 1000) int thousandths) {
        BigDecimal t = BigDecimal.valueOf(thousandths, 3);
        boolean over = ExposureShares.overThreshold(Map.of("s", BigDecimal.valueOf(liability)), Amount.of(limit), t).isPresent();
        assertEquals(BigDecimal.valueOf(liability).compareTo(BigDecimal.valueOf(limit).multiply(t)) >= 0, over);
    }
}
