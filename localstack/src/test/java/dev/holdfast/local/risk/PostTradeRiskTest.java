package dev.holdfast.local.risk;

import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;
import dev.holdfast.local.StreamPoller;

import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.persistence.exposure.PostTradeStore;
import dev.holdfast.persistence.markets.MarketStore;
import dev.holdfast.local.testing.ZeroDrift;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.domain.market.Market;
import dev.holdfast.domain.market.Transition;
import dev.holdfast.functions.risk.RiskProcessor;
import dev.holdfast.local.testing.Api.Reply;
import dev.holdfast.local.testing.Markets;
import dev.holdfast.local.testing.Trading;
import dev.holdfast.resources.Tables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The post-trade risk processor end to end, over real HTTP and DynamoDB Local's real orders stream,
 * in an environment of its own (it lowers thresholds and suspends markets): orders move the
 * exposure signal and the next feed price; passing the threshold suspends with cause {@code risk};
 * bursts of maximum stakes from new accounts and many accounts on one device raise flags once;
 * redelivered order and settlement records count once.
 */
class PostTradeRiskTest {
    private static final String MAX_STAKE = "20000";
    private static LocalHoldfast env;
    private static Trading trading;
    private static MarketStore markets;
    private static PostTradeStore postTrade;

    @BeforeAll
    static void start() throws Exception {
        env = LocalHoldfast.start(LocalOptions.defaults().withPort(0));
        trading = new Trading(env);
        markets = new MarketStore(env.deployment(), new AuditLog(env.deployment()));
        postTrade = new PostTradeStore(env.deployment());
        trading.changeRiskConfig(c -> {
            ((ObjectNode) c.path("stake")).put("max", MAX_STAKE);
            ((ObjectNode) c.path("rateLimits")).put("ordersPerUserPerMinute", 100_000);
            ((ObjectNode) c.path("rateLimits")).put("ordersPerAddressPerMinute", 100_000);
            ((ObjectNode) c.path("feed")).put("keepSeconds", 600);
            ((ObjectNode) c.path("feed")).put("suspendAfterSeconds", 900);
            ObjectNode p = (ObjectNode) c.path("postTrade");
            ((ObjectNode) p.path("maxStakeBurst")).put("orders", 3);
            ((ObjectNode) p.path("sharedDevice")).put("accounts", 3);
        });
    }

    @AfterAll
    static void stop() {
        try {
            ZeroDrift.assertZero(env, "PostTradeRiskTest");
        } finally {
            env.close();
        }
    }

    private static String user() {
        return "u-" + UUID.randomUUID();
    }

    private static <T> T await(String what, Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Optional<T> v = probe.get();
            if (v.isPresent()) {
                return v.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Markets.sleep(50);
        }
    }

    private static BigDecimal liability(String marketId, String selectionId) {
        return postTrade.liabilities(marketId).getOrDefault(selectionId, BigDecimal.ZERO);
    }

    private static String selection(JsonNode market, int i) {
        return market.path("selections").get(i).path("selectionId").asText();
    }

    private static void capEvent(String eventId, String limit) {
        trading.changeRiskConfig(c -> ((ObjectNode) c.path("limits").path("event").path("overrides")).put(eventId, limit));
    }

    private static Reply order(String token, JsonNode market, int selection, String stake, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Idempotency-Key";
        all[1] = "k-" + UUID.randomUUID();
        System.arraycopy(headers, 0, all, 2, headers.length);
        Reply r = trading.api().send("POST", "/orders", token, Trading.orderBody(market, selection, stake), all);
        assertEquals(201, r.status(), r.raw());
        return r;
    }

    private static List<JsonNode> flags() {
        List<JsonNode> out = new ArrayList<>();
        String cursor = null;
        do {
            Reply r = trading.api().get("/admin/risk/flags?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), trading.admin());
            assertEquals(200, r.status(), r.raw());
            r.json().path("flags").forEach(out::add);
            cursor = r.json().path("nextCursor").isNull() ? null : r.json().path("nextCursor").asText();
        } while (cursor != null);
        return out;
    }

    @Test
    void ordersRaiseTheSignalAndTheNextFeedPriceShortensOnThatSelection() {
        JsonNode market = trading.openMarket();
        String id = market.path("marketId").asText();
        capEvent(market.path("eventId").asText(), "10000");
        String sel = selection(market, 0);
        JsonNode before = market.path("price").path("odds");
        assertEquals("1.9047", before.path(sel).asText());

        order(trading.fundedUser(user(), "100000", "CASH"), market, 0, "5000");

        // 5000 × 0.9047 = 4523.5 of an event limit of 10000
        Market m = await("the exposure signal", () -> markets.market(id).filter(x -> x.exposure().level(sel).signum() > 0));
        assertEquals(0, new BigDecimal("0.4523").compareTo(m.exposure().level(sel)), m.exposure().toString());
        assertEquals(0, liability(id, sel).compareTo(new BigDecimal("4523.5")));
        assertEquals("OPEN", m.state().name(), "under the threshold: still open");

        trading.markets().send(market.path("providerMarketId").asText(), 2, "0.5", "0.3", "0.2");
        JsonNode repriced = trading.markets().await(id, x -> x.path("price").path("priceVersion").asLong() == 2);
        JsonNode after = repriced.path("price").path("odds");
        assertTrue(new BigDecimal(after.path(sel).asText()).compareTo(new BigDecimal(before.path(sel).asText())) < 0,
                "the exposed selection's price shortened: " + before + " -> " + after);
        for (int i = 1; i < 3; i++) {
            assertEquals(before.path(selection(market, i)).asText(), after.path(selection(market, i)).asText(),
                    "the other selections keep their price");
        }
    }

    @Test
    void passingTheThresholdSuspendsTheMarketWithCauseRisk() {
        JsonNode market = trading.openMarket();
        String id = market.path("marketId").asText();
        capEvent(market.path("eventId").asText(), "10000");
        // 10000 × 0.9047 = 9047: 90.47% of the event limit, past the default 0.9
        order(trading.fundedUser(user(), "100000", "CASH"), market, 0, "10000");

        JsonNode suspended = trading.markets().await(id, x -> x.path("state").asText().equals("SUSPENDED"));
        assertEquals(Transition.EXPOSURE_THRESHOLD, suspended.path("stateReason").asText());
        JsonNode transitions = trading.api().get("/admin/markets/" + id + "/transitions", trading.admin()).json().path("transitions");
        JsonNode last = transitions.get(transitions.size() - 1);
        assertEquals("SUSPENDED", last.path("to").asText(), transitions.toString());
        assertEquals(Transition.RISK, last.path("cause").asText(), transitions.toString());
        assertEquals(Transition.EXPOSURE_THRESHOLD, last.path("reason").asText(), transitions.toString());

        Reply refused = trading.order(trading.fundedUser(user(), "100000", "CASH"), "k-" + UUID.randomUUID(),
                Trading.orderBody(market, 1, "1000"));
        assertEquals(409, refused.status(), refused.raw());
        assertEquals("MARKET_NOT_OPEN", refused.code());
    }

    @Test
    void aBurstOfMaximumStakesFromNewAccountsRaisesOneFlag() {
        JsonNode market = trading.openMarket();
        String id = market.path("marketId").asText();
        TreeSet<String> accounts = new TreeSet<>();
        for (int i = 0; i < 3; i++) {
            String sub = user();
            accounts.add(sub);
            order(trading.fundedUser(sub, "100000", "CASH"), market, i % 3, MAX_STAKE);
        }
        JsonNode flag = await("the burst flag", () -> flags().stream()
                .filter(f -> f.path("pattern").asText().equals("MAX_STAKE_BURST_NEW_ACCOUNTS") && f.path("marketId").asText().equals(id))
                .findFirst());
        List<String> flagged = new ArrayList<>();
        flag.path("accounts").forEach(a -> flagged.add(a.asText()));
        assertEquals(new ArrayList<>(accounts), flagged);
        assertTrue(flag.path("flagId").asText().startsWith("f-"));
        assertFalse(flag.path("detail").asText().isBlank());
        assertTrue(flag.path("raisedAt").asText().endsWith("Z"));

        // a fourth one in the same window raises nothing more
        order(trading.fundedUser(user(), "100000", "CASH"), market, 0, MAX_STAKE);
        await("the fourth order processed", () -> Optional.of(liability(id, selection(market, 0)))
                .filter(l -> l.compareTo(new BigDecimal("20000").multiply(new BigDecimal("0.9047")).multiply(BigDecimal.valueOf(2))) == 0));
        assertEquals(1, flags().stream().filter(f -> f.path("pattern").asText().equals("MAX_STAKE_BURST_NEW_ACCOUNTS")
                && f.path("marketId").asText().equals(id)).count());
        // a stake under the maximum does not count
        JsonNode other = trading.openMarket();
        for (int i = 0; i < 3; i++) {
            order(trading.fundedUser(user(), "100000", "CASH"), other, 0, "19999");
        }
        String otherId = other.path("marketId").asText();
        await("the small orders processed", () -> Optional.of(liability(otherId, selection(other, 0)))
                .filter(l -> l.compareTo(new BigDecimal("19999").multiply(new BigDecimal("0.9047")).multiply(BigDecimal.valueOf(3))) == 0));
        assertTrue(flags().stream().noneMatch(f -> f.path("marketId").asText().equals(otherId)));
    }

    @Test
    void manyAccountsFromOneDeviceRaiseSharedDevice() {
        JsonNode market = trading.openMarket();
        String device = "dev-" + UUID.randomUUID();
        TreeSet<String> accounts = new TreeSet<>();
        for (int i = 0; i < 3; i++) {
            String sub = user();
            accounts.add(sub);
            String token = trading.fundedUser(sub, "100000", "CASH");
            order(token, market, 0, "1000", "X-Device-Id", device);
            if (i == 0) {
                order(token, market, 1, "1000", "X-Device-Id", device); // the same account again counts once
            }
        }
        JsonNode flag = await("the shared-device flag", () -> flags().stream()
                .filter(f -> f.path("pattern").asText().equals("SHARED_DEVICE") && f.path("detail").asText().contains(device))
                .findFirst());
        List<String> flagged = new ArrayList<>();
        flag.path("accounts").forEach(a -> flagged.add(a.asText()));
        assertEquals(new ArrayList<>(accounts), flagged);
        assertTrue(flag.path("marketId").isMissingNode(), "not a market pattern");

        Reply bad = trading.api().send("POST", "/orders", trading.fundedUser(user(), "100000", "CASH"),
                Trading.orderBody(market, 0, "1000"), "Idempotency-Key", "k-" + UUID.randomUUID(), "X-Device-Id", "bad device");
        assertEquals(400, bad.status(), bad.raw());
        assertEquals("X-Device-Id", bad.json().path("error").path("details").path("field").asText());

        Reply page = trading.api().get("/admin/risk/flags?limit=0", trading.admin());
        assertEquals(400, page.status(), page.raw());
        Reply cursor = trading.api().get("/admin/risk/flags?cursor=bogus", trading.admin());
        assertEquals(400, cursor.status(), cursor.raw());
        Reply notAdmin = trading.api().get("/admin/risk/flags", trading.api().token(user()));
        assertEquals(403, notAdmin.status(), notAdmin.raw());
    }

    @Test
    void theOrderKeepsItsSourceButDoesNotShowIt() {
        JsonNode market = trading.openMarket();
        Reply r = order(trading.fundedUser(user(), "100000", "CASH"), market, 0, "1000", "X-Device-Id", "dev-x");
        String orderId = r.json().path("orderId").asText();
        assertTrue(r.json().path("sourceIp").isMissingNode() && r.json().path("deviceId").isMissingNode(), r.raw());
        Map<String, AttributeValue> item = orderItem(orderId);
        assertEquals("127.0.0.1", item.get("sourceIp").s());
        assertEquals("dev-x", item.get("deviceId").s());
    }

    @Test
    void redeliveredOrderAndSettlementRecordsCountOnce() {
        JsonNode market = trading.openMarket();
        String id = market.path("marketId").asText();
        String sel = selection(market, 0);
        Reply placed = order(trading.fundedUser(user(), "100000", "CASH"), market, 0, "1000");
        String orderId = placed.json().path("orderId").asText();
        BigDecimal one = new BigDecimal("904.7");
        await("the order processed", () -> Optional.of(liability(id, sel)).filter(l -> l.compareTo(one) == 0));

        RiskProcessor processor = new RiskProcessor(env.deployment());
        DynamodbEvent again = event(orderItem(orderId));
        for (int i = 0; i < 3; i++) {
            assertTrue(processor.handleRequest(again, null).getBatchItemFailures().isEmpty());
        }
        assertEquals(0, liability(id, sel).compareTo(one), "a redelivered order adds nothing");

        // its settlement (the real one: void, through the settlement queue) releases the liability
        // once, however often it is delivered
        assertEquals(200, trading.api().post("/admin/markets/" + id + "/state", trading.admin(), "{\"state\":\"CLOSED\"}").status());
        assertEquals(202, trading.api().send("POST", "/admin/markets/" + id + "/result", trading.admin(), "{\"void\":true}",
                "Idempotency-Key", "void-" + orderId).status());
        await("the settlement processed", () -> Optional.of(liability(id, sel)).filter(l -> l.signum() == 0));
        DynamodbEvent settled = event(settlementItem(orderId));
        DynamodbEvent both = event(orderItem(orderId), settlementItem(orderId));
        for (int i = 0; i < 3; i++) {
            assertTrue(processor.handleRequest(settled, null).getBatchItemFailures().isEmpty());
            assertTrue(processor.handleRequest(both, null).getBatchItemFailures().isEmpty());
        }
        assertEquals(0, liability(id, sel).signum(), "a redelivered settlement releases nothing more");
    }

    private static Map<String, AttributeValue> orderItem(String orderId) {
        return item(orderId, "ORDER");
    }

    private static Map<String, AttributeValue> settlementItem(String orderId) {
        return item(orderId, "SETTLEMENT");
    }

    private static Map<String, AttributeValue> item(String orderId, String sk) {
        return env.deployment().clients().dynamo().getItem(b -> b.tableName(env.deployment().names().table(Tables.ORDERS))
                .key(Map.of("pk", AttributeValue.fromS("ORDER#" + orderId), "sk", AttributeValue.fromS(sk)))
                .consistentRead(true)).item();
    }

    /** A stream event carrying these items as new images, as the orders stream delivers them. */
    @SafeVarargs
    private static DynamodbEvent event(Map<String, AttributeValue>... items) {
        List<DynamodbEvent.DynamodbStreamRecord> records = new ArrayList<>();
        long seq = 1;
        for (Map<String, AttributeValue> item : items) {
            DynamodbEvent.DynamodbStreamRecord r = new DynamodbEvent.DynamodbStreamRecord();
            r.setEventName("INSERT");
            StreamRecord s = new StreamRecord();
            s.setSequenceNumber(Long.toString(seq++));
            s.setApproximateCreationDateTime(Date.from(Instant.now()));
            s.setKeys(StreamPoller.convert(Map.of("pk", item.get("pk"), "sk", item.get("sk"))));
            s.setNewImage(StreamPoller.convert(item));
            r.setDynamodb(s);
            records.add(r);
        }
        DynamodbEvent e = new DynamodbEvent();
        e.setRecords(records);
        return e;
    }
}
