package dev.holdfast.domain.risk;

import dev.holdfast.domain.money.Amount;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlagRulesTest {
    private static final Instant T = Instant.parse("2026-11-21T09:07:30Z");
    private static final RiskConfig.PostTrade CFG = RiskConfig.PostTrade.DEFAULT;
    private static final Amount MAX = Amount.of(10_000_000);

    private static FlagRules.OrderFacts order(Amount stake, Optional<Instant> opened, Optional<String> ip, Optional<String> device) {
        return new FlagRules.OrderFacts("o-1", "u-1", "m-1", stake, T, opened, ip, device);
    }

    @Test
    void aMaximumStakeFromANewAccountCountsInItsMarketsBurstWindow() {
        List<FlagRules.Count> c = FlagRules.countsFor(order(MAX, Optional.of(T.minusSeconds(3600)), Optional.empty(), Optional.empty()), CFG, MAX);
        assertEquals(1, c.size());
        FlagRules.Count burst = c.get(0);
        assertEquals(FlagPattern.MAX_STAKE_BURST_NEW_ACCOUNTS, burst.pattern());
        assertEquals("m-1", burst.key());
        assertEquals("o-1", burst.member(), "orders are counted");
        assertEquals(Optional.of("m-1"), burst.marketId());
        assertEquals(new FlagRules.Window(Instant.parse("2026-11-21T09:00:00Z"), 600), burst.window());
        assertEquals(5, burst.threshold());
    }

    @Test
    void oldAccountsAndSmallerStakesDoNotCount() {
        assertTrue(FlagRules.countsFor(order(MAX, Optional.of(T.minusSeconds(24 * 3600)), Optional.empty(), Optional.empty()), CFG, MAX).isEmpty(),
                "exactly 24 h old is not new");
        assertTrue(FlagRules.countsFor(order(MAX.minus(Amount.of(1)), Optional.of(T), Optional.empty(), Optional.empty()), CFG, MAX).isEmpty());
        assertTrue(FlagRules.isNewAccount(Optional.empty(), T, 24), "no ledger yet: new");
        assertTrue(FlagRules.isNewAccount(Optional.of(T.minusSeconds(24 * 3600 - 1)), T, 24));
        assertFalse(FlagRules.isNewAccount(Optional.of(T), T, 0), "age 0 hours: no account is new");
    }

    @Test
    void devicesAndAddressesCountAccounts() {
        List<FlagRules.Count> c = FlagRules.countsFor(order(Amount.of(1000), Optional.empty(), Optional.of("203.0.113.7"), Optional.of("d-1")), CFG, MAX);
        assertEquals(List.of(FlagPattern.SHARED_DEVICE, FlagPattern.SHARED_ADDRESS), c.stream().map(FlagRules.Count::pattern).toList());
        assertEquals("d-1", c.get(0).key());
        assertEquals("u-1", c.get(0).member(), "accounts are counted");
        assertEquals(5, c.get(0).threshold());
        assertEquals("203.0.113.7", c.get(1).key());
        assertEquals(50, c.get(1).threshold());
        assertEquals(Optional.empty(), c.get(1).marketId());
        assertEquals(new FlagRules.Window(Instant.parse("2026-11-21T09:00:00Z"), 3600), c.get(1).window());
    }

    @Test
    void aFlagIdIsTheSameForTheSamePatternKeyAndWindowOnly() {
        FlagRules.Window w = FlagRules.Window.of(T, 600);
        String id = FlagRules.flagId(FlagPattern.SHARED_DEVICE, "d-1", w);
        assertEquals(id, FlagRules.flagId(FlagPattern.SHARED_DEVICE, "d-1", FlagRules.Window.of(T.plusSeconds(60), 600)));
        assertNotEquals(id, FlagRules.flagId(FlagPattern.SHARED_ADDRESS, "d-1", w));
        assertNotEquals(id, FlagRules.flagId(FlagPattern.SHARED_DEVICE, "d-2", w));
        assertNotEquals(id, FlagRules.flagId(FlagPattern.SHARED_DEVICE, "d-1", FlagRules.Window.of(T.plusSeconds(600), 600)));
        assertTrue(id.matches("f-[0-9a-f]{24}"), id);
        assertTrue(FlagRules.raises(5, 5) && !FlagRules.raises(4, 5));
    }

    @Property
    void everyInstantIsInExactlyOneAlignedWindow(@ForAll @LongRange(min = 0, max = 4_000_000_000L) long epochMillis,
                                                 @ForAll @IntRange(min = 1, max = RiskConfig.MAX_WINDOW_SECONDS) int seconds) {
        Instant at = Instant.ofEpochMilli(epochMillis);
        FlagRules.Window w = FlagRules.Window.of(at, seconds);
        assertTrue(!at.isBefore(w.start()) && at.isBefore(w.end()), at + " in " + w);
        assertEquals(0, w.start().getEpochSecond() % seconds);
        assertEquals(w, FlagRules.Window.of(w.start(), seconds), "a redelivery lands in the same window");
    }
}
