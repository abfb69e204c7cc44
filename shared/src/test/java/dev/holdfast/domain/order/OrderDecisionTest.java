package dev.holdfast.domain.order;

import dev.holdfast.domain.market.CurrentPrice;
import dev.holdfast.domain.market.FeedMapping;
import dev.holdfast.domain.market.Market;
import dev.holdfast.domain.market.MarketState;
import dev.holdfast.domain.market.Selection;
import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.money.Fund;
import dev.holdfast.domain.pricing.ExposureSignal;
import dev.holdfast.domain.pricing.MarginPolicy;
import dev.holdfast.domain.pricing.Odds;
import dev.holdfast.domain.risk.LimitScope;
import dev.holdfast.domain.risk.RiskConfig;
import dev.holdfast.domain.wallet.Account;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The order decision as a pure function: what it accepts moves exactly the stake and claims
 * exactly the liability in every scope within each bucket's cap; what it refuses it refuses with
 * the first failing check's code; and a stream of orders decided and committed against an
 * in-memory bucket store (the transaction's conditions applied as DynamoDB would) never passes any
 * limit, whatever the attempts, splits and limits.
 */
class OrderDecisionTest {
    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00.000Z");

    private static Market market(MarketState state, long version, String odds, Instant receivedAt) {
        return new Market("m-1", "e-1", "Match", state, null, List.of(new Selection("s-1", "Home"), new Selection("s-2", "Away")),
                new FeedMapping("acme", "1", Map.of("1", "s-1", "2", "s-2")), MarginPolicy.DEFAULT, ExposureSignal.NONE,
                Optional.of(new CurrentPrice(version, Map.of("s-1", Odds.parse(odds), "s-2", Odds.parse("1.50")), receivedAt,
                        receivedAt, receivedAt)), 1, 1, NOW);
    }

    private static Account funded(String cash, String bonus) {
        Account a = Account.empty("u-1");
        if (!Amount.parse(cash).isZero()) {
            a = a.credit(Fund.CASH, Amount.parse(cash), NOW).after();
        }
        if (!Amount.parse(bonus).isZero()) {
            a = a.credit(Fund.BONUS, Amount.parse(bonus), NOW).after();
        }
        return a;
    }

    private static OrderDecision.Request request(String stake, long version, int attempt) {
        return new OrderDecision.Request("u-1", "k-1", "o-" + attempt + stake, new OrderRequest("m-1", "s-1",
                Amount.parse(stake), version), NOW, attempt, Set.of());
    }

    /** An in-memory bucket store applying the transaction's conditions. */
    static final class MemoryBuckets implements OrderDecision.Buckets {
        final Map<String, Map<Integer, BigDecimal>> used = new HashMap<>();
        final Set<String> verified = new HashSet<>();
        int reads;

        @Override
        public Map<Integer, BigDecimal> read(LimitScope scope, String scopeKey) {
            reads++;
            return new HashMap<>(used.getOrDefault(scope + "|" + scopeKey, Map.of()));
        }

        @Override
        public boolean verified(String key) {
            return verified.contains(key);
        }

        @Override
        public void rememberVerified(String key) {
            verified.add(key);
        }

        /** All claims commit, or none: each bucket must stay within its claim's cap. */
        boolean commit(Map<ExposureClaim, BigDecimal> claims) {
            for (Map.Entry<ExposureClaim, BigDecimal> c : claims.entrySet()) {
                BigDecimal now = used.getOrDefault(c.getKey().scope() + "|" + c.getKey().scopeKey(), Map.of())
                        .getOrDefault(c.getKey().bucket(), BigDecimal.ZERO);
                if (now.add(c.getKey().amount()).compareTo(c.getValue()) > 0) {
                    return false;
                }
            }
            claims.keySet().forEach(c -> used.computeIfAbsent(c.scope() + "|" + c.scopeKey(), k -> new HashMap<>())
                    .merge(c.bucket(), c.amount(), BigDecimal::add));
            return true;
        }

        BigDecimal total(LimitScope scope, String key) {
            return used.getOrDefault(scope + "|" + key, Map.of()).values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        }
    }

    @Test
    void eachCheckHasItsCodeInTheContractsOrder() {
        MemoryBuckets b = new MemoryBuckets();
        RiskConfig cfg = RiskConfig.DEFAULT;
        Account rich = funded("100000000", "0");
        assertCode(OrderDecision.Code.MARKET_NOT_FOUND, OrderDecision.decide(request("10000", 1, 0), Optional.empty(), rich, cfg, "none", b));
        OrderDecision.Request otherSelection = new OrderDecision.Request("u-1", "k", "o-x",
                new OrderRequest("m-1", "s-9", Amount.parse("10000"), 1), NOW, 0, Set.of());
        assertCode(OrderDecision.Code.SELECTION_NOT_FOUND, OrderDecision.decide(otherSelection,
                Optional.of(market(MarketState.OPEN, 1, "2.00", NOW)), rich, cfg, "none", b));
        OrderDecision.Outcome suspended = OrderDecision.decide(request("10000", 1, 0),
                Optional.of(market(MarketState.SUSPENDED, 1, "2.00", NOW)), rich, cfg, "none", b);
        assertCode(OrderDecision.Code.MARKET_NOT_OPEN, suspended);
        assertEquals("SUSPENDED", ((OrderDecision.Rejected) suspended).details().get("state"));
        OrderDecision.Outcome moved = OrderDecision.decide(request("10000", 1, 0),
                Optional.of(market(MarketState.OPEN, 2, "2.00", NOW)), rich, cfg, "none", b);
        assertCode(OrderDecision.Code.PRICE_CHANGED, moved);
        assertEquals(2L, ((OrderDecision.Rejected) moved).details().get("currentPriceVersion"));
        assertCode(OrderDecision.Code.PRICE_STALE, OrderDecision.decide(request("10000", 1, 0),
                Optional.of(market(MarketState.OPEN, 1, "2.00", NOW.minusMillis(3_001))), rich, cfg, "none", b));
        assertCode(OrderDecision.Code.STAKE_OUT_OF_RANGE, OrderDecision.decide(request("999", 1, 0),
                Optional.of(market(MarketState.OPEN, 1, "2.00", NOW)), rich, cfg, "none", b));
        assertCode(OrderDecision.Code.INSUFFICIENT_FUNDS, OrderDecision.decide(request("10000", 1, 0),
                Optional.of(market(MarketState.OPEN, 1, "2.00", NOW)), funded("9999", "0"), cfg, "none", b));
        assertInstanceOf(OrderDecision.Accepted.class, OrderDecision.decide(request("10000", 1, 0),
                Optional.of(market(MarketState.OPEN, 1, "2.00", NOW.minusMillis(3_000))), rich, cfg, "none", b),
                "exactly keepSeconds old is still fresh");
    }

    private static void assertCode(OrderDecision.Code code, OrderDecision.Outcome o) {
        assertInstanceOf(OrderDecision.Rejected.class, o, () -> "expected " + code + ", got " + o);
        assertEquals(code, ((OrderDecision.Rejected) o).code());
    }

    /** Accepted: the stake is debited exactly (BONUS first), and each scope claims exactly the liability within caps. */
    @Property(tries = 500)
    void anAcceptedOrderMovesTheStakeAndClaimsTheLiabilityExactly(
            @ForAll @LongRange(min = 1_000, max = 10_000_000) long stake,
            @ForAll @LongRange(min = 0, max = 20_000_000) long bonus,
            @ForAll("odds") String odds,
            @ForAll @IntRange(min = 0, max = 20) int attempt) {
        MemoryBuckets b = new MemoryBuckets();
        Account account = funded("20000000", Long.toString(bonus));
        OrderDecision.Outcome o = OrderDecision.decide(request(Long.toString(stake), 1, attempt),
                Optional.of(market(MarketState.OPEN, 1, odds, NOW)), account, RiskConfig.DEFAULT, "region:busan", b);
        OrderDecision.Accepted a = assertInstanceOf(OrderDecision.Accepted.class, o);
        Amount s = Amount.of(stake);
        assertEquals(s, a.order().funds().values().stream().reduce(Amount.ZERO, Amount::plus));
        assertEquals(Amount.of(Math.min(stake, bonus)), a.order().funds().getOrDefault(Fund.BONUS, Amount.ZERO));
        assertEquals(account.spendable().minus(s), a.posting().after().spendable());
        BigDecimal liability = OrderMath.liability(s, Odds.parse(odds));
        Map<LimitScope, BigDecimal> perScope = new EnumMap<>(LimitScope.class);
        a.claims().forEach((c, cap) -> {
            perScope.merge(c.scope(), c.amount(), BigDecimal::add);
            assertTrue(c.amount().compareTo(cap) <= 0, c + " within " + cap);
        });
        for (LimitScope scope : LimitScope.values()) {
            assertEquals(0, liability.compareTo(perScope.get(scope)), scope + " claims the liability");
        }
        assertEquals(a.order().claims(), new ArrayList<>(a.claims().keySet()));
    }

    @Provide
    Arbitrary<String> odds() {
        return Arbitraries.bigDecimals().between(new BigDecimal("1.0001"), new BigDecimal("5")).ofScale(4)
                .map(BigDecimal::toPlainString);
    }

    /**
     * Many orders, decided and committed against one store; some attempts collide (their claims'
     * conditions are checked against what committed in between), limits are small enough to fill,
     * and retried orders re-pick buckets by attempt. No scope's total ever passes its limit, and a
     * scope refuses only when it is nearly full.
     */
    @Property(tries = 200)
    void committedClaimsNeverPassAnyLimit(@ForAll @LongRange(min = 1_000, max = 50_000_000) long eventLimit,
                                          @ForAll @LongRange(min = 1_000, max = 200_000_000) long globalLimit,
                                          @ForAll @IntRange(min = 1, max = 120) int orders,
                                          @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed) {
        java.util.Random random = new java.util.Random(seed);
        RiskConfig base = RiskConfig.DEFAULT;
        RiskConfig cfg = new RiskConfig(1, base.stake(), new RiskConfig.Limits(Amount.of(globalLimit),
                new RiskConfig.ScopedLimit(Amount.of(eventLimit), Map.of()), base.limits().user(), base.limits().segment()),
                base.rateLimits(), base.feed(), base.failClose());
        MemoryBuckets b = new MemoryBuckets();
        Market m = market(MarketState.OPEN, 1, "3.00", NOW);
        List<OrderDecision.Accepted> pending = new ArrayList<>();
        for (int i = 0; i < orders; i++) {
            long stake = 1_000 + random.nextInt(2_000_000);
            OrderDecision.Request r = new OrderDecision.Request("u-" + (i % 7), "k-" + i, "o-" + i,
                    new OrderRequest("m-1", "s-1", Amount.of(stake), 1), NOW, random.nextInt(3), Set.of());
            OrderDecision.Outcome o = OrderDecision.decide(r, Optional.of(m), funded("100000000", "0"), cfg, "seg", b);
            if (o instanceof OrderDecision.Accepted a) {
                pending.add(a);
            }
            // commit in a shuffled order: decisions made on the same reads race at commit
            if (pending.size() >= 1 + random.nextInt(4)) {
                java.util.Collections.shuffle(pending, random);
                pending.forEach(a -> b.commit(a.claims()));
                pending.clear();
            }
            assertTrue(b.total(LimitScope.EVENT, "e-1/s-1").compareTo(BigDecimal.valueOf(eventLimit)) <= 0);
            assertTrue(b.total(LimitScope.GLOBAL, "GLOBAL").compareTo(BigDecimal.valueOf(globalLimit)) <= 0);
        }
        pending.forEach(a -> b.commit(a.claims()));
        assertTrue(b.total(LimitScope.EVENT, "e-1/s-1").compareTo(BigDecimal.valueOf(eventLimit)) <= 0);
        assertTrue(b.total(LimitScope.GLOBAL, "GLOBAL").compareTo(BigDecimal.valueOf(globalLimit)) <= 0);
    }

    /** A big limit spreads over many buckets, so most orders of one market share none (the hot-item goal). */
    @Test
    void aDefaultGlobalLimitSpreadsOrdersOverItsBuckets() {
        MemoryBuckets b = new MemoryBuckets();
        Market m = market(MarketState.OPEN, 1, "2.00", NOW);
        Map<Integer, Integer> hits = new HashMap<>();
        for (int i = 0; i < 2_000; i++) {
            OrderDecision.Request r = new OrderDecision.Request("u-" + i, "k", "o-" + i,
                    new OrderRequest("m-1", "s-1", Amount.of(10_000), 1), NOW, 0, Set.of());
            OrderDecision.Accepted a = (OrderDecision.Accepted) OrderDecision.decide(r, Optional.of(m), funded("1000000", "0"),
                    RiskConfig.DEFAULT, "seg", b);
            a.claims().keySet().stream().filter(c -> c.scope() == LimitScope.GLOBAL).forEach(c -> hits.merge(c.bucket(), 1, Integer::sum));
        }
        assertEquals(ExposureClaim.bucketsFor(LimitScope.GLOBAL), hits.size(), "every GLOBAL bucket is used");
        assertTrue(hits.values().stream().allMatch(h -> h < 2_000 / 128 * 2.5), hits.toString());
        assertTrue(b.reads <= 3, "GLOBAL, SEGMENT and EVENT read once, then the fast path; USER never: " + b.reads);
    }
}
