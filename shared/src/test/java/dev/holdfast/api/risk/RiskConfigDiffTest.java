package dev.holdfast.api.risk;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.market.FeedFreshness;
import dev.holdfast.domain.risk.RiskConfig;
import dev.holdfast.domain.money.Amount;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RiskConfigDiffTest {

    private static RiskConfig change(RiskConfig base, String path, String jsonValue) {
        ObjectNode n = RiskConfigJsonTest.with(RiskConfigJson.toJson(base), path, jsonValue);
        return RiskConfigJson.fromJson(n, base.version() + 1);
    }

    @Example
    void sameConfigUnderAnotherVersionHasNoChanges() {
        assertEquals(List.of(), RiskConfigDiff.diff(RiskConfig.DEFAULT, RiskConfig.DEFAULT.withVersion(9)));
    }

    @Example
    void namesEachChangedLeafWithItsJsonValues() {
        RiskConfig after = change(change(RiskConfig.DEFAULT, "stake.max", "\"20000000\""),
                "rateLimits.ordersPerUserPerMinute", "30");
        List<RiskConfigDiff.Change> d = RiskConfigDiff.diff(RiskConfig.DEFAULT, after);
        assertEquals(2, d.size(), d.toString());
        assertEquals("stake.max", d.get(0).path());
        assertEquals("10000000", d.get(0).before().textValue());
        assertEquals("20000000", d.get(0).after().textValue());
        assertEquals("rateLimits.ordersPerUserPerMinute", d.get(1).path());
        assertEquals(60, d.get(1).before().intValue());
        assertEquals(30, d.get(1).after().intValue());
    }

    @Example
    void overridesAddedChangedAndRemovedAreLeaves() {
        RiskConfig a = change(RiskConfig.DEFAULT, "limits.event.overrides", "{\"e-1\":\"300000000\",\"e-2\":\"5\"}");
        RiskConfig b = change(a, "limits.event.overrides", "{\"e-2\":\"6\",\"e-3\":\"7\"}");
        List<RiskConfigDiff.Change> added = RiskConfigDiff.diff(RiskConfig.DEFAULT, a);
        assertEquals(2, added.size());
        assertEquals("limits.event.overrides.e-1", added.get(0).path());
        assertTrue(added.get(0).before().isNull());
        assertEquals("300000000", added.get(0).after().textValue());

        ArrayNode json = RiskConfigDiff.toJson(RiskConfigDiff.diff(a, b));
        assertEquals(Json.parseTrusted("""
                [{"path":"limits.event.overrides.e-1","before":"300000000","after":null},
                 {"path":"limits.event.overrides.e-2","before":"5","after":"6"},
                 {"path":"limits.event.overrides.e-3","before":null,"after":"7"}]"""), json);
    }

    @Property(tries = 200)
    void jsonRoundTripsAndTheDiffIsEmptyExactlyWhenEqual(@ForAll("configs") RiskConfig a, @ForAll("configs") RiskConfig b) {
        assertEquals(a, RiskConfigJson.fromJson(RiskConfigJson.toJson(a), a.version()));
        assertEquals(List.of(), RiskConfigDiff.diff(a, a));
        boolean same = a.withVersion(1).equals(b.withVersion(1));
        assertEquals(same, RiskConfigDiff.diff(a, b).isEmpty());
        for (RiskConfigDiff.Change c : RiskConfigDiff.diff(a, b)) {
            assertTrue(!c.path().startsWith("version"), c.path());
            assertTrue(!c.before().equals(c.after()), c.toString());
        }
    }

    @Provide
    Arbitrary<RiskConfig> configs() {
        Arbitrary<Amount> amounts = Arbitraries.longs().between(0, 999_999_999_999_999L)
                .edgeCases(e -> e.add(999_999_999_999_999L)).map(Amount::of);
        Arbitrary<Amount> small = Arbitraries.of(0L, 1L, 1000L).map(Amount::of);
        Arbitrary<Amount> amount = Arbitraries.oneOf(amounts, small);
        Arbitrary<Map<String, Amount>> overrides = Arbitraries.maps(
                Arbitraries.of("e-1", "e-2", "u-1", "region:busan", "x.y"), amount).ofMaxSize(3);
        Arbitrary<RiskConfig.ScopedLimit> scoped = Combinators.combine(amount, overrides).as(RiskConfig.ScopedLimit::new);
        Arbitrary<RiskConfig.StakeRange> stake = Combinators.combine(amount, amount)
                .as((x, y) -> new RiskConfig.StakeRange(x.min(y), x.compareTo(y) >= 0 ? x : y));
        Arbitrary<RiskConfig.Limits> limits = Combinators.combine(amount, scoped, scoped, scoped).as(RiskConfig.Limits::new);
        Arbitrary<RiskConfig.RateLimits> rates = Combinators.combine(
                Arbitraries.integers().between(1, 100_000), Arbitraries.integers().between(1, 100_000)).as(RiskConfig.RateLimits::new);
        Arbitrary<FeedFreshness> feed = Combinators.combine(
                Arbitraries.integers().between(1, 3600), Arbitraries.integers().between(1, 3600))
                .as((x, y) -> new FeedFreshness(Math.min(x, y), Math.max(x, y)));
        Arbitrary<RiskConfig.FailClose> fail = Arbitraries.integers().between(1, 3600).map(RiskConfig.FailClose::new);
        return Combinators.combine(Arbitraries.longs().between(1, 1000), stake, limits, rates, feed, fail)
                .as(RiskConfig::new);
    }
}
