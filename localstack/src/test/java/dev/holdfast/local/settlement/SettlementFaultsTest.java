package dev.holdfast.local.settlement;

import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;

import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.FaultPoint;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.functions.settlement.Settler;
import dev.holdfast.local.faults.Throttling;
import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.Api.Reply;
import dev.holdfast.local.testing.Trading;
import dev.holdfast.local.testing.ZeroDrift;
import dev.holdfast.resources.Queues;
import dev.holdfast.resources.Triggers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Settlement under faults. The settlement queue has no consumer in this environment: each test
 * drives the {@link Settler} itself, makes it fail at one step boundary (an exception after a
 * write, or an {@link Error} standing in for a Lambda timeout that kills the invocation), under
 * DynamoDB throttling, with duplicate concurrent deliveries, or with trading halted midway — then
 * lets a fresh instance (a new container, the redelivered command) carry on, and checks that every
 * order was paid exactly once: its settlement record, the ledger entries that name it, each
 * account's balance against its stakes and payouts, and all exposure released.
 */
class SettlementFaultsTest {
    private static final int ORDERS = 24;
    private static final int PAGE = 5;
    private static LocalHoldfast env;
    private static Trading trading;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        Triggers.TriggerSet defined = Triggers.DEFINED;
        Triggers.TriggerSet noSettler = new Triggers.TriggerSet(
                defined.queues().stream().filter(q -> q.queue() != Queues.SETTLEMENT).toList(),
                defined.streams(), defined.schedules());
        env = LocalHoldfast.start(LocalOptions.defaults().withPort(0), noSettler);
        trading = new Trading(env);
        api = trading.api();
        trading.changeRiskConfig(Trading::forVolume);
    }

    @AfterAll
    static void stop() {
        try {
            ZeroDrift.assertZero(env, "SettlementFaultsTest");
        } finally {
            env.close();
        }
    }

    /** A CLOSED market whose result is declared, with {@link #ORDERS} accepted orders from a few users. */
    record Fixture(String marketId, String winningSelectionId, Map<String, String> tokens, Map<String, JsonNode> orders) {}

    static Fixture fixture() throws Exception {
        JsonNode market = trading.openMarket();
        String marketId = market.path("marketId").asText();
        Map<String, String> tokens = new HashMap<>();
        for (int u = 0; u < 4; u++) {
            String sub = "faults-" + u + "-" + UUID.randomUUID();
            tokens.put(sub, trading.fundedUser(sub, "1000000", "CASH"));
            if (u == 0) {
                trading.credit(sub, "4000", "BONUS"); // one user stakes bonus first
            }
        }
        List<String> subs = new ArrayList<>(tokens.keySet());
        Map<String, JsonNode> orders = new java.util.concurrent.ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> jobs = new ArrayList<>();
        for (int i = 0; i < ORDERS; i++) {
            int n = i;
            jobs.add(pool.submit(() -> {
                String sub = subs.get(n % subs.size());
                Reply r = trading.order(tokens.get(sub), "o" + n, Trading.orderBody(market, n % 2, Integer.toString(1000 + n)));
                assertEquals(201, r.status(), r.raw());
                orders.put(r.json().path("orderId").asText(), r.json());
                return null;
            }));
        }
        for (Future<?> f : jobs) {
            f.get();
        }
        pool.shutdown();
        assertEquals(200, api.post("/admin/markets/" + marketId + "/state", trading.admin(), "{\"state\":\"CLOSED\"}").status());
        String winning = market.path("selections").get(0).path("selectionId").asText();
        Reply d = api.send("POST", "/admin/markets/" + marketId + "/result", trading.admin(),
                "{\"winningSelectionId\":\"" + winning + "\"}", "Idempotency-Key", "result-" + UUID.randomUUID());
        assertEquals(202, d.status(), d.raw());
        return new Fixture(marketId, winning, tokens, orders);
    }

    /** A fault point that fires {@code kind} the {@code nth} time {@code step} is reached. */
    static FaultPoint failAt(String step, int nth, String kind) {
        AtomicInteger seen = new AtomicInteger();
        return s -> {
            if (s.equals(step) && seen.incrementAndGet() == nth) {
                if ("TIMEOUT".equals(kind)) {
                    throw new SimulatedTimeout(step);
                }
                throw new IllegalStateException("injected failure after " + step);
            }
        };
    }

    /** Stands in for Lambda killing the invocation at its timeout: nothing after this point runs. */
    static final class SimulatedTimeout extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedTimeout(String step) {
            super("simulated Lambda timeout after " + step, null, false, false);
        }
    }

    static Settler settler(Deployment d, FaultPoint faults) {
        // a zero budget hands over to a continuation message after every page, so each run covers that path too
        return new Settler(d, faults, Duration.ZERO, PAGE);
    }

    static SQSEvent command(String marketId) {
        SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
        m.setMessageId(UUID.randomUUID().toString());
        m.setBody(Settler.command(marketId));
        m.setAttributes(Map.of("MessageGroupId", marketId));
        SQSEvent e = new SQSEvent();
        e.setRecords(List.of(m));
        return e;
    }

    /** Delivers the command to {@code s} until the market is finished, as the queue would redeliver it. */
    static void carryOn(Settler s, String marketId) {
        for (int delivery = 0; delivery < 200; delivery++) {
            SQSBatchResponse r = s.handleRequest(command(marketId), null);
            String state = api.get("/markets/" + marketId, trading.admin()).json().path("state").asText();
            if (r.getBatchItemFailures().isEmpty() && ("SETTLED".equals(state) || "VOIDED".equals(state))) {
                return;
            }
        }
        throw new AssertionError("market " + marketId + " did not finish settling");
    }

    /** Every order paid exactly once, every balance equal to stakes and payouts, all exposure released. */
    static void assertSettledExactlyOnce(Fixture f) {
        assertEquals("SETTLED", api.get("/markets/" + f.marketId(), trading.admin()).json().path("state").asText());
        Map<String, BigInteger> paidByEntries = new HashMap<>();
        for (Map.Entry<String, String> user : f.tokens().entrySet()) {
            String token = user.getValue();
            BigInteger entriesSum = BigInteger.ZERO;
            String cursor = null;
            do {
                JsonNode page = api.get("/wallet/ledger?limit=200" + (cursor == null ? "" : "&cursor=" + cursor), token).json();
                for (JsonNode e : page.path("entries")) {
                    BigInteger amount = new BigInteger(e.path("amount").asText());
                    entriesSum = entriesSum.add(amount);
                    String type = e.path("type").asText();
                    if ("PAYOUT".equals(type) || "REFUND".equals(type)) {
                        paidByEntries.merge(e.path("orderId").asText(), amount, BigInteger::add);
                    }
                }
                cursor = page.path("nextCursor").isNull() || page.path("nextCursor").isMissingNode()
                        ? null : page.path("nextCursor").asText();
            } while (cursor != null);
            JsonNode wallet = api.get("/wallet", token).json();
            BigInteger balance = new BigInteger(wallet.path("cash").asText()).add(new BigInteger(wallet.path("bonus").asText()));
            assertEquals(entriesSum, balance, "balance = sum of its entries for " + user.getKey());
            assertEquals("0", wallet.path("openExposure").asText(), "open exposure released for " + user.getKey());
            JsonNode exposure = api.get("/admin/exposure?scope=USER&id=" + user.getKey(), trading.admin()).json();
            assertEquals(0, exposure.path("exposure").decimalValue().signum(), exposure.toString());
        }
        BigInteger expectedTotal = BigInteger.ZERO;
        for (JsonNode o : f.orders().values()) {
            String orderId = o.path("orderId").asText();
            String owner = f.tokens().entrySet().stream().filter(t -> api.get("/orders/" + orderId, t.getValue()).status() == 200)
                    .map(Map.Entry::getValue).findFirst().orElseThrow();
            JsonNode view = api.get("/orders/" + orderId, owner).json();
            boolean won = o.path("selectionId").asText().equals(f.winningSelectionId());
            assertEquals(won ? "WON" : "LOST", view.path("settlement").path("outcome").asText(), view.toString());
            BigInteger expected = won ? new BigInteger(o.path("potentialPayout").asText()) : BigInteger.ZERO;
            assertEquals(expected, paidByEntries.getOrDefault(orderId, BigInteger.ZERO), "paid exactly once: " + orderId);
            expectedTotal = expectedTotal.add(expected);
        }
        assertEquals(expectedTotal, paidByEntries.values().stream().reduce(BigInteger.ZERO, BigInteger::add),
                "no payment names an order that is not this market's");
    }

    /** The fault points: every write boundary of the worker, each as an exception and as a timeout. */
    @ParameterizedTest(name = "{2} after {0} #{1}")
    @CsvSource({
            "order-settled,1,EXCEPTION", "order-settled,1,TIMEOUT",
            "order-settled,13,EXCEPTION", "order-settled,13,TIMEOUT",
            "page-settled,1,EXCEPTION", "page-settled,1,TIMEOUT",
            "page-settled,6,EXCEPTION", "page-settled,6,TIMEOUT",
            "progress-saved,1,EXCEPTION", "progress-saved,1,TIMEOUT",
            "progress-saved,5,EXCEPTION", "progress-saved,5,TIMEOUT",
            "continuation-sent,1,EXCEPTION", "continuation-sent,1,TIMEOUT",
            "market-finished,1,EXCEPTION", "market-finished,1,TIMEOUT"})
    void aFailureAtAnyStepBoundaryResumesWithoutPayingTwice(String step, int nth, String kind) throws Exception {
        Fixture f = fixture();
        Settler faulty = settler(env.deployment(), failAt(step, nth, kind));
        boolean failed = false;
        for (int delivery = 0; delivery < 200 && !failed; delivery++) {
            try {
                SQSBatchResponse r = faulty.handleRequest(command(f.marketId()), null);
                failed = !r.getBatchItemFailures().isEmpty();
            } catch (SimulatedTimeout timeout) {
                failed = true;
            }
        }
        assertTrue(failed, "the fault fired");
        carryOn(settler(env.deployment(), FaultPoint.NONE), f.marketId());
        assertSettledExactlyOnce(f);
        // a late redelivery of the command changes nothing
        carryOn(settler(env.deployment(), FaultPoint.NONE), f.marketId());
        assertSettledExactlyOnce(f);
    }

    @Test
    void duplicateDeliveriesRunningAtOnceSettleEachOrderOnce() throws Exception {
        Fixture f = fixture();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<?>> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            runs.add(pool.submit(() -> carryOn(settler(env.deployment(), FaultPoint.NONE), f.marketId())));
        }
        for (Future<?> r : runs) {
            r.get();
        }
        pool.shutdown();
        assertSettledExactlyOnce(f);
    }

    @Test
    void throttledDynamoDbOnlyDelaysSettlement() throws Exception {
        Fixture f = fixture();
        Throttling throttling = Throttling.exhaustingRetries(42, 0.3, Set.of());
        Settler throttled = settler(env.deploymentWith(List.of(throttling)), FaultPoint.NONE);
        int failures = 0;
        for (int delivery = 0; delivery < 20; delivery++) {
            SQSBatchResponse r = throttled.handleRequest(command(f.marketId()), null);
            failures += r.getBatchItemFailures().size();
        }
        assertTrue(throttling.injected() > 0, "throttling was injected");
        assertTrue(failures > 0, "some deliveries failed under throttling: " + throttling.injected() + " injected");
        carryOn(settler(env.deployment(), FaultPoint.NONE), f.marketId());
        assertSettledExactlyOnce(f);
    }

    @Test
    void haltingTradingMidwayPausesSettlementUntilItResumes() throws Exception {
        Fixture f = fixture();
        String admin = trading.admin();
        FaultPoint haltAtThird = new FaultPoint() {
            final AtomicInteger n = new AtomicInteger();

            @Override
            public void reached(String step) {
                if ("order-settled".equals(step) && n.incrementAndGet() == 3) {
                    assertEquals(200, api.post("/admin/maintenance", admin, "{\"mode\":\"TRADING_HALTED\",\"notice\":\"deploy\"}").status());
                }
            }
        };
        try {
            Settler s = settler(env.deployment(), haltAtThird);
            assertEquals(Settler.Run.HALTED, runUntilNot(s, f.marketId(), Settler.Run.CONTINUED));
            assertEquals(Settler.Run.HALTED, s.settle(f.marketId()), "nothing moves while halted");
            assertEquals("SETTLING", api.get("/markets/" + f.marketId(), admin).json().path("state").asText());
            long settled = f.orders().keySet().stream().filter(id -> f.tokens().values().stream()
                    .map(t -> api.get("/orders/" + id, t).json()).anyMatch(v -> v.has("settlement"))).count();
            assertNotEquals(ORDERS, settled, "halting stopped the run midway");
        } finally {
            assertEquals(200, api.post("/admin/maintenance", admin, "{\"mode\":\"NORMAL\"}").status());
        }
        carryOn(settler(env.deployment(), FaultPoint.NONE), f.marketId());
        assertSettledExactlyOnce(f);
    }

    @Test
    void aMarketWithoutADeclaredResultIsNotTouched() {
        JsonNode market = trading.openMarket();
        Settler s = settler(env.deployment(), FaultPoint.NONE);
        assertEquals(Settler.Run.NOT_SETTLING, s.settle(market.path("marketId").asText()));
        assertThrows(IllegalArgumentException.class, () -> s.settle("m-unknown"));
    }

    private static Settler.Run runUntilNot(Settler s, String marketId, Settler.Run keepGoing) {
        Settler.Run r;
        int guard = 0;
        do {
            r = s.settle(marketId);
        } while (r == keepGoing && ++guard < 200);
        return r;
    }
}
