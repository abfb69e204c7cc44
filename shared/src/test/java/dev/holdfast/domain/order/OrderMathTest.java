package dev.holdfast.domain.order;

import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.pricing.Odds;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrderMathTest {
    @Provide
    Arbitrary<Amount> stakes() {
        return Arbitraries.longs().between(1, 999_999_999_999_999L).map(Amount::of);
    }

    @Provide
    Arbitrary<Odds> odds() {
        return Arbitraries.longs().between(10_001, 10_000_000).map(n -> new Odds(BigDecimal.valueOf(n, 4)));
    }

    @Property(tries = 2000)
    void payoutIsStakeTimesOddsRoundedDown(@ForAll("stakes") Amount stake, @ForAll("odds") Odds odds) {
        Amount payout = OrderMath.potentialPayout(stake, odds);
        BigDecimal exact = stake.value().multiply(odds.value());
        assertTrue(payout.value().compareTo(exact) <= 0, "never more than stake x odds");
        assertTrue(payout.value().add(BigDecimal.ONE).compareTo(exact) > 0, "less than one unit below");
        assertTrue(payout.compareTo(stake) >= 0, "odds above 1 never pay less than the stake");
    }

    @Property(tries = 2000)
    void liabilityPlusStakeIsExactlyStakeTimesOdds(@ForAll("stakes") Amount stake, @ForAll("odds") Odds odds) {
        BigDecimal liability = OrderMath.liability(stake, odds);
        assertEquals(0, liability.add(stake.value()).compareTo(stake.value().multiply(odds.value())));
        assertTrue(liability.signum() > 0);
        assertTrue(liability.scale() <= 4, "at most 4 decimals, so sums stay exact");
    }

    @Test
    void fifteenDigitAmounts() {
        Amount max = Amount.parse("999999999999999");
        assertEquals("999999999999999000", OrderMath.potentialPayout(max, Odds.parse("1000")).text());
        assertEquals("1000099999999998", OrderMath.potentialPayout(max, Odds.parse("1.0001")).text());
        assertThrows(IllegalArgumentException.class, () -> Amount.parse("1000000000000000"));
        assertThrows(IllegalArgumentException.class, () -> Amount.parse("1.5"));
        assertThrows(IllegalArgumentException.class, () -> Amount.parse("-1"));
        assertThrows(IllegalArgumentException.class, () -> Amount.parse("1e3"));
        assertThrows(IllegalArgumentException.class, () -> Amount.parse("01"));
    }

    @Test
    void idsAndFingerprints() {
        assertEquals(OrderIds.of("u-1", "k"), OrderIds.of("u-1", "k"));
        assertNotEquals(OrderIds.of("u-1", "k"), OrderIds.of("u-2", "k"), "keys are scoped to the caller");
        assertNotEquals(OrderIds.of("u-1", "k2"), OrderIds.of("u-1k", "2"));
        OrderRequest a = new OrderRequest("m", "s", Amount.of(1000), 3);
        assertEquals(a.fingerprint(), new OrderRequest("m", "s", Amount.parse("1000"), 3).fingerprint());
        assertNotEquals(a.fingerprint(), new OrderRequest("m", "s", Amount.of(1001), 3).fingerprint());
        assertNotEquals(a.fingerprint(), new OrderRequest("m", "s", Amount.of(1000), 4).fingerprint());
    }
}
