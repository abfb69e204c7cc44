package dev.holdfast.local.orders;

import dev.holdfast.local.LocalHoldfast;

import dev.holdfast.persistence.exposure.RiskLagStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.Api.Reply;
import dev.holdfast.local.testing.Markets;
import dev.holdfast.local.testing.SharedEnvironment;
import dev.holdfast.local.testing.Trading;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Order execution over real HTTP against the local environment: atomic, idempotent, inside every
 * limit, with every error code of the contract's table.
 */
class OrdersTest {
    private static LocalHoldfast env;
    private static Trading trading;
    private static Api api;
    private static JsonNode originalConfig;

    @BeforeAll
    static void start() {
        env = SharedEnvironment.get();
        trading = new Trading(env);
        api = trading.api();
        // these tests place many orders from one address (the rate-limit test lowers it on purpose),
        // and some take longer than a price stays fresh without a feed
        originalConfig = trading.changeRiskConfig(c -> {
            ((ObjectNode) c.path("feed")).put("keepSeconds", 600);
            ((ObjectNode) c.path("feed")).put("suspendAfterSeconds", 900);
            ((ObjectNode) c.path("rateLimits")).put("ordersPerUserPerMinute", 100_000);
            ((ObjectNode) c.path("rateLimits")).put("ordersPerAddressPerMinute", 100_000);
        });
    }

    @AfterAll
    static void restore() {
        trading.restoreRiskConfig(originalConfig);
    }

    private static String user() {
        return "u-" + UUID.randomUUID();
    }

    private static void assertError(Reply r, int status, String code) {
        assertEquals(status, r.status(), r.raw());
        assertEquals(code, r.code(), r.raw());
        assertNotNull(r.header("X-Request-Id"));
    }

    private static <T> List<T> concurrently(int n, Callable<T> job) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(n, 32));
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(job));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdown();
        }
    }

    private static BigDecimal exposure(String scope, String id, String extra) {
        Reply r = api.get("/admin/exposure?scope=" + scope + "&id=" + id + extra, trading.admin());
        assertEquals(200, r.status(), r.raw());
        return new BigDecimal(r.json().path("exposure").asText());
    }

    @Test
    void anAcceptedOrderMovesExactMoneyAndIsListed() {
        JsonNode market = trading.openMarket();
        String sub = user();
        trading.credit(sub, "600", "BONUS");
        String token = trading.fundedUser(sub, "10000", "CASH");
        Reply r = trading.order(token, "k1", Trading.orderBody(market, 0, "1000"));
        assertEquals(201, r.status(), r.raw());
        JsonNode o = r.json();
        assertEquals("ACCEPTED", o.path("status").asText());
        assertEquals("1000", o.path("stake").asText());
        assertEquals("1.9047", o.path("odds").asText());
        assertEquals("1904", o.path("potentialPayout").asText(), "stake x odds, rounded down");
        assertEquals("KRW", o.path("currency").asText());
        assertEquals("k1", o.path("idempotencyKey").asText());
        assertEquals(1, o.path("priceVersion").asLong());
        assertEquals("600", o.path("funds").path("BONUS").asText(), "bonus pays first");
        assertEquals("400", o.path("funds").path("CASH").asText());

        JsonNode wallet = trading.wallet(token);
        assertEquals("9600", wallet.path("cash").asText());
        assertEquals("0", wallet.path("bonus").asText());
        JsonNode ledger = api.get("/wallet/ledger", token).json().path("entries");
        long stakes = 0;
        for (JsonNode e : ledger) {
            if (e.path("type").asText().equals("STAKE")) {
                stakes++;
                assertEquals(o.path("orderId").asText(), e.path("orderId").asText());
            }
        }
        assertEquals(2, stakes, "one STAKE entry per fund debited");

        Reply read = api.get("/orders/" + o.path("orderId").asText(), token);
        assertEquals(200, read.status());
        assertEquals(o, read.json());
        JsonNode list = api.get("/orders?limit=10", token).json();
        assertEquals(o.path("orderId").asText(), list.path("orders").get(0).path("orderId").asText());
        assertError(api.get("/orders/" + o.path("orderId").asText(), api.token(user())), 404, "ORDER_NOT_FOUND");
        assertEquals(0, new BigDecimal("904.7").compareTo(exposure("USER", sub, "")));
    }

    @Test
    void fiftyConcurrentDuplicatesMakeOneOrderOneDebitOneExposure() throws Exception {
        JsonNode market = trading.openMarket();
        String sub = user();
        String token = trading.fundedUser(sub, "100000", "CASH");
        String body = Trading.orderBody(market, 1, "2000");
        List<Reply> replies = concurrently(50, () -> trading.order(token, "dup-key", body));
        Set<String> bodies = replies.stream().map(Reply::raw).collect(Collectors.toSet());
        assertEquals(1, bodies.size(), "all 50 got the same body");
        assertTrue(replies.stream().allMatch(r -> r.status() == 201), replies.get(0).raw());
        assertEquals(49, replies.stream().filter(r -> "true".equals(r.header("Idempotent-Replayed"))).count(),
                replies.stream().map(r -> r.status() + ":" + r.header("Idempotent-Replayed")).toList().toString());
        assertEquals("98000", trading.wallet(token).path("cash").asText(), "one debit");
        assertEquals(1, api.get("/orders?limit=100", token).json().path("orders").size(), "one order");
        BigDecimal liability = new BigDecimal("2000").multiply(new BigDecimal(replies.get(0).json().path("odds").asText())
                .subtract(BigDecimal.ONE));
        assertEquals(0, liability.compareTo(exposure("USER", sub, "")), "one exposure increment");
    }

    @Test
    void theBalanceNeverGoesNegative() throws Exception {
        JsonNode market = trading.openMarket();
        String token = trading.fundedUser(user(), "5000", "CASH");
        String body = Trading.orderBody(market, 0, "1000");
        List<Reply> replies = concurrently(20, () -> trading.order(token, "k-" + UUID.randomUUID(), body));
        long accepted = replies.stream().filter(r -> r.status() == 201).count();
        assertEquals(5, accepted);
        assertTrue(replies.stream().filter(r -> r.status() != 201).allMatch(r -> "INSUFFICIENT_FUNDS".equals(r.code())));
        assertEquals("0", trading.wallet(token).path("cash").asText());
    }

    @Test
    void replaysRejectionsAndRefusesAReusedKey() {
        JsonNode market = trading.openMarket();
        String sub = user();
        String token = api.token(sub);
        String body = Trading.orderBody(market, 0, "1000");
        Reply poor = trading.order(token, "r1", body);
        assertError(poor, 422, "INSUFFICIENT_FUNDS");
        String orderId = poor.json().path("error").path("details").path("orderId").asText();
        trading.credit(sub, "5000", "CASH");
        Reply again = trading.order(token, "r1", body);
        assertEquals(poor.raw(), again.raw(), "a rejection is an outcome: replayed, not retried");
        assertEquals("true", again.header("Idempotent-Replayed"));
        JsonNode rejected = api.get("/orders/" + orderId, token).json();
        assertEquals("REJECTED", rejected.path("status").asText());
        assertEquals("INSUFFICIENT_FUNDS", rejected.path("rejection").path("code").asText());

        assertError(trading.order(token, "r1", Trading.orderBody(market, 0, "2000")), 422, "IDEMPOTENCY_KEY_REUSED");
        Reply fresh = trading.order(token, "r2", body);
        assertEquals(201, fresh.status(), fresh.raw());
        Reply other = trading.order(api.token(user()), "r2", body);
        assertError(other, 422, "INSUFFICIENT_FUNDS"); // keys are per caller: another user's r2 is its own
    }

    @Test
    void badRequestsAre400AndRecordNothing() {
        JsonNode market = trading.openMarket();
        String token = trading.fundedUser(user(), "10000", "CASH");
        String good = Trading.orderBody(market, 0, "1000");
        Map<String, String> bodies = Map.of(
                "stake", good.replace("\"1000\"", "1000"),
                "priceVersion", good.replace("\"priceVersion\":1", "\"priceVersion\":\"1\""),
                "marketId", good.replace("\"marketId\"", "\"market\""));
        for (Map.Entry<String, String> e : bodies.entrySet()) {
            Reply r = trading.order(token, "v1", e.getValue());
            assertError(r, 400, "VALIDATION_ERROR");
        }
        for (String stake : List.of("1.5", "-1000", "1e3", "0", "1000000000000000", "01000", "")) {
            Reply r = trading.order(token, "v1", good.replace("\"1000\"", "\"" + stake + "\""));
            assertError(r, 400, "VALIDATION_ERROR");
            assertEquals("stake", r.json().path("error").path("details").path("field").asText(), stake);
        }
        assertError(trading.order(token, "v1", "{"), 400, "VALIDATION_ERROR");
        assertEquals("Idempotency-Key", api.send("POST", "/orders", token, good).json().path("error").path("details").path("field").asText());
        assertError(trading.order(token, "bad key!", good), 400, "VALIDATION_ERROR");
        assertError(trading.order(token, "x".repeat(65), good), 400, "VALIDATION_ERROR");
        assertError(trading.order(null, "v1", good), 401, "UNAUTHENTICATED");
        Reply ok = trading.order(token, "v1", good);
        assertEquals(201, ok.status(), "nothing was recorded for the key: " + ok.raw());
    }

    @Test
    void aPriceUpdateBetweenReadAndOrderIsPriceChangedNeverAFill() {
        JsonNode market = trading.openMarket();
        String token = trading.fundedUser(user(), "10000", "CASH");
        String body = Trading.orderBody(market, 0, "1000"); // the client saw version 1
        String id = market.path("marketId").asText();
        trading.markets().send(market.path("providerMarketId").asText(), 2, "0.6", "0.3", "0.1");
        trading.markets().await(id, m -> m.path("price").path("priceVersion").asLong() == 2);
        Reply r = trading.order(token, "pc", body);
        assertError(r, 409, "PRICE_CHANGED");
        assertEquals(2, r.json().path("error").path("details").path("currentPriceVersion").asLong());
        assertTrue(r.json().path("error").path("details").path("currentOdds").size() == 3);
        assertEquals("10000", trading.wallet(token).path("cash").asText(), "nothing debited");
    }

    @Test
    void everyBusinessCodeIsProduced() {
        JsonNode market = trading.openMarket();
        String token = trading.fundedUser(user(), "100000000", "CASH");
        String body = Trading.orderBody(market, 0, "1000");
        assertError(trading.order(token, "c1", body.replace(market.path("marketId").asText(), "m-nope")), 404, "MARKET_NOT_FOUND");
        assertError(trading.order(token, "c2", body.replace(market.path("selections").get(0).path("selectionId").asText(), "s-nope")),
                404, "SELECTION_NOT_FOUND");
        assertError(trading.order(token, "c3", Trading.orderBody(market, 0, "999")), 422, "STAKE_OUT_OF_RANGE");
        assertError(trading.order(token, "c4", Trading.orderBody(market, 0, "10000001")), 422, "STAKE_OUT_OF_RANGE");

        String path = "/admin/markets/" + market.path("marketId").asText() + "/state";
        assertEquals(200, api.post(path, trading.admin(), "{\"state\":\"SUSPENDED\"}").status());
        Reply closed = trading.order(token, "c5", body);
        assertError(closed, 409, "MARKET_NOT_OPEN");
        assertEquals("SUSPENDED", closed.json().path("error").path("details").path("state").asText());
        assertEquals(200, api.post(path, trading.admin(), "{\"state\":\"OPEN\"}").status());

        try {
            assertEquals(200, api.post("/admin/maintenance", trading.admin(), "{\"mode\":\"TRADING_HALTED\",\"notice\":\"back at 10\"}").status());
            Reply halted = trading.order(token, "c6", body);
            assertError(halted, 503, "TRADING_HALTED");
            assertEquals("back at 10", halted.json().path("error").path("details").path("notice").asText());
        } finally {
            api.post("/admin/maintenance", trading.admin(), "{\"mode\":\"NORMAL\"}");
        }
        Reply after = trading.order(token, "c6", body);
        assertEquals(201, after.status(), "a 503 recorded nothing: " + after.raw());

        RiskLagStore lag = new RiskLagStore(env.deployment());
        try {
            // stamped ahead, so the running processor's own reports (older) don't replace it while the
            // order path's view of the lag (at most TradingGate's bound old) catches up
            lag.report(Duration.ofSeconds(45), Instant.now().plusSeconds(3));
            dev.holdfast.local.drill.ModeBound.await();
            Reply backlog = trading.order(token, "c7", body);
            assertError(backlog, 503, "TRADING_HALTED");
            assertEquals("RISK_BACKLOG", backlog.json().path("error").path("details").path("reason").asText());
        } finally {
            lag.clear();
            dev.holdfast.local.drill.ModeBound.await();
        }
        assertEquals(201, trading.order(token, "c7", body).status());
    }

    @Test
    void concurrentOrdersNeverOvershootAnyLimit() throws Exception {
        // liability of a 1000 stake at 1.9047 is 904.7; each limit below fits exactly ten
        BigDecimal one = new BigDecimal("904.7");
        BigDecimal ten = one.multiply(BigDecimal.TEN);
        String userCapped = user();
        String segment = "seg-" + UUID.randomUUID().toString().substring(0, 8);
        String eventCapped = trading.markets().event();
        JsonNode before = trading.changeRiskConfig(c -> {
            ((ObjectNode) c.path("limits").path("user").path("overrides")).put(userCapped, "9047");
            ((ObjectNode) c.path("limits").path("segment").path("overrides")).put(segment, "9047");
            ((ObjectNode) c.path("limits").path("event").path("overrides")).put(eventCapped, "9047");
            // the burst fills the event limit: risk must not suspend the market midway (MARKET_NOT_OPEN)
            ((ObjectNode) c.path("postTrade")).put("suspendMarkets", false);
        });
        try {
            // USER: one user, ten orders' worth
            JsonNode m1 = trading.openMarket();
            String userToken = trading.fundedUser(userCapped, "1000000", "CASH");
            checkLimit("USER", 200, () -> trading.order(userToken, "k-" + UUID.randomUUID(), Trading.orderBody(m1, 0, "1000")),
                    () -> exposure("USER", userCapped, ""), ten);

            // EVENT (per selection): a market on the capped event
            JsonNode m2 = marketOn(eventCapped, "region:busan");
            String t2 = trading.fundedUser(user(), "1000000", "CASH");
            String sel = m2.path("selections").get(0).path("selectionId").asText();
            checkLimit("EVENT", 200, () -> trading.order(t2, "k-" + UUID.randomUUID(), Trading.orderBody(m2, 0, "1000")),
                    () -> exposure("EVENT", eventCapped, "&selectionId=" + sel), ten);

            // SEGMENT: an event in the capped segment
            JsonNode m3 = marketOn(trading.markets().event(segment), segment);
            String t3 = trading.fundedUser(user(), "1000000", "CASH");
            checkLimit("SEGMENT", 200, () -> trading.order(t3, "k-" + UUID.randomUUID(), Trading.orderBody(m3, 0, "1000")),
                    () -> exposure("SEGMENT", segment, ""), ten);
        } finally {
            trading.restoreRiskConfig(before);
        }
    }

    private JsonNode marketOn(String eventId, String segment) {
        String pm = Markets.newProviderMarketId();
        Reply r = api.post("/admin/markets", trading.admin(), "{\"eventId\":\"" + eventId + "\",\"name\":\"capped\","
                + "\"selections\":[{\"name\":\"Home\"},{\"name\":\"Draw\"},{\"name\":\"Away\"}],"
                + "\"feed\":{\"provider\":\"acme\",\"providerMarketId\":\"" + pm + "\",\"selections\":{\"1\":0,\"2\":1,\"3\":2}}}");
        assertEquals(201, r.status(), r.raw());
        String id = r.json().path("marketId").asText();
        trading.markets().send(pm, 1, "0.5", "0.3", "0.2");
        trading.markets().await(id, m -> !m.path("price").isNull());
        Reply open = api.post("/admin/markets/" + id + "/state", trading.admin(), "{\"state\":\"OPEN\"}");
        assertEquals(200, open.status(), open.raw() + segment);
        return open.json();
    }

    static void checkLimit(String scope, int n, Callable<Reply> order, Callable<BigDecimal> exposureNow,
                                   BigDecimal limit) throws Exception {
        List<Reply> replies = concurrently(n, order);
        long accepted = replies.stream().filter(r -> r.status() == 201).count();
        BigDecimal exp = exposureNow.call();
        assertTrue(exp.compareTo(limit) <= 0, scope + ": exposure " + exp + " passed the limit " + limit);
        assertEquals(0, exp.compareTo(new BigDecimal("904.7").multiply(BigDecimal.valueOf(accepted))),
                scope + ": exposure is exactly the accepted orders'");
        assertTrue(accepted >= 1 && accepted <= 10, scope + ": accepted " + accepted);
        Set<String> codes = new HashSet<>();
        replies.stream().filter(r -> r.status() != 201).forEach(r -> codes.add(r.code()));
        assertTrue(Set.of("LIMIT_EXCEEDED", "SERVICE_UNAVAILABLE").containsAll(codes), scope + ": " + codes);
        assertTrue(codes.contains("LIMIT_EXCEEDED"), scope);
        Reply limited = replies.stream().filter(r -> "LIMIT_EXCEEDED".equals(r.code())).findFirst().orElseThrow();
        assertEquals(scope, limited.json().path("error").path("details").path("scope").asText());
    }

    @Test
    void tooManyOrdersAreRateLimitedWithRetryAfter() {
        JsonNode market = trading.openMarket();
        String token = trading.fundedUser(user(), "100000", "CASH");
        JsonNode before = trading.changeRiskConfig(c -> ((ObjectNode) c.path("rateLimits")).put("ordersPerUserPerMinute", 3));
        try {
            List<Reply> replies = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                replies.add(trading.order(token, "rl-" + i, Trading.orderBody(market, 0, "1000")));
            }
            List<Reply> limited = replies.stream().filter(r -> r.status() == 429).toList();
            assertTrue(limited.size() >= 4, "at most two windows' worth got through");
            Reply r = limited.get(0);
            assertEquals("RATE_LIMITED", r.code());
            int retryAfter = Integer.parseInt(r.header("Retry-After"));
            assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
            Reply retried = trading.order(token, "rl-9", Trading.orderBody(market, 0, "1000"));
            assertTrue(retried.status() == 429 || retried.status() == 201, "a 429 recorded nothing for its key");
        } finally {
            trading.restoreRiskConfig(before);
        }
    }
}
