package dev.holdfast.local.settlement;

import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.Api.Reply;
import dev.holdfast.local.testing.Markets;
import dev.holdfast.local.testing.Trading;
import dev.holdfast.local.testing.ZeroDrift;
import dev.holdfast.resources.Tables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A market with 10,000 accepted orders from 200 accounts, placed over HTTP, settled by the real
 * settlement queue and function: each order has exactly one settlement record, the ledgers hold
 * exactly one PAYOUT per winning order and none for the others, every balance equals its funding
 * minus its stakes plus its payouts, and all exposure is released. Prints orders settled per second.
 */
class SettlementAtScaleTest {
    private static final int ORDERS = 10_000;
    private static final int USERS = 200;
    private static final String FUNDING = "10000000";
    private static LocalHoldfast env;
    private static Trading trading;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        env = LocalHoldfast.start(LocalOptions.defaults().withPort(0));
        trading = new Trading(env);
        api = trading.api();
        trading.changeRiskConfig(Trading::forVolume);
    }

    @AfterAll
    static void stop() {
        try {
            ZeroDrift.assertZero(env, "SettlementAtScaleTest");
        } finally {
            env.close();
        }
    }

    @Test
    void tenThousandOrdersAreEachSettledExactlyOnce() throws Exception {
        JsonNode market = trading.openMarket();
        String marketId = market.path("marketId").asText();
        String winning = market.path("selections").get(0).path("selectionId").asText();
        Map<String, String> tokens = new HashMap<>();
        List<String> subs = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            String sub = "scale-" + u + "-" + UUID.randomUUID();
            subs.add(sub);
            tokens.put(sub, trading.fundedUser(sub, FUNDING, "CASH"));
        }

        System.out.printf("placing %d orders from %d accounts over HTTP...%n", ORDERS, USERS);
        Map<String, JsonNode> orders = new ConcurrentHashMap<>();
        Map<String, String> ownerOf = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        long placing = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> jobs = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            jobs.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < ORDERS; i = next.getAndIncrement()) {
                    String sub = subs.get(i % USERS);
                    String body = Trading.orderBody(market, i % 3, Integer.toString(1000 + i % 97));
                    Reply r = trading.order(tokens.get(sub), "scale-" + i, body);
                    // placing this fast can outrun the post-trade risk pipeline: trading then fails
                    // closed (503 RISK_BACKLOG, nothing committed) until it catches up; a client retries
                    for (int wait = 0; r.status() == 503 && wait < 120; wait++) {
                        Markets.sleep(1_000);
                        r = trading.order(tokens.get(sub), "scale-" + i, body);
                    }
                    assertEquals(201, r.status(), r.raw());
                    orders.put(r.json().path("orderId").asText(), r.json());
                    ownerOf.put(r.json().path("orderId").asText(), sub);
                    if ((i + 1) % 2000 == 0) {
                        System.out.printf("  ... %d/%d placed%n", i + 1, ORDERS);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : jobs) {
            f.get();
        }
        pool.shutdown();
        System.out.printf("placed %d orders in %.1f s%n", orders.size(), (System.nanoTime() - placing) / 1e9);
        assertEquals(ORDERS, orders.size());

        assertEquals(200, api.post("/admin/markets/" + marketId + "/state", trading.admin(), "{\"state\":\"CLOSED\"}").status());
        long settling = System.nanoTime();
        Reply declared = api.send("POST", "/admin/markets/" + marketId + "/result", trading.admin(),
                "{\"winningSelectionId\":\"" + winning + "\"}", "Idempotency-Key", "scale-result");
        assertEquals(202, declared.status(), declared.raw());
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        long lastPrint = 0;
        while (true) {
            JsonNode p = api.get("/admin/markets/" + marketId + "/settlement", trading.admin()).json();
            if ("SETTLED".equals(p.path("state").asText())) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not settled in time: " + p);
            }
            if (System.nanoTime() - lastPrint > 10e9) {
                System.out.printf("  ... settled %d (%s)%n", p.path("ordersSettled").asLong(), p.path("pass").asText());
                lastPrint = System.nanoTime();
            }
            Markets.sleep(200);
        }
        double seconds = (System.nanoTime() - settling) / 1e9;
        System.out.printf("SETTLEMENT: %d orders settled in %.1f s = %.0f orders/s (declare → SETTLED, real queue and function)%n",
                ORDERS, seconds, ORDERS / seconds);

        // one settlement record per order, each paying what the order said
        Map<String, BigInteger> paidByRecord = new HashMap<>();
        String table = env.deployment().names().table(Tables.ORDERS);
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse page = env.deployment().clients().dynamo().scan(b -> b.tableName(table).consistentRead(true)
                    .filterExpression("sk = :s AND marketId = :m")
                    .expressionAttributeValues(Map.of(":s", AttributeValue.fromS("SETTLEMENT"), ":m", AttributeValue.fromS(marketId)))
                    .exclusiveStartKey(from));
            for (Map<String, AttributeValue> i : page.items()) {
                BigInteger before = paidByRecord.put(i.get("orderId").s(), new BigInteger(i.get("paid").s()));
                assertEquals(null, before, "one settlement record per order");
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        assertEquals(orders.keySet(), paidByRecord.keySet(), "every order settled");

        // the ledgers: exactly one PAYOUT per winning order, balances = funding - stakes + payouts
        Map<String, BigInteger> expectedCash = new HashMap<>();
        subs.forEach(s -> expectedCash.put(s, new BigInteger(FUNDING)));
        Set<String> winners = new HashSet<>();
        for (JsonNode o : orders.values()) {
            String id = o.path("orderId").asText();
            String owner = ownerOf.get(id);
            BigInteger paid = o.path("selectionId").asText().equals(winning) ? new BigInteger(o.path("potentialPayout").asText()) : BigInteger.ZERO;
            assertEquals(paid, paidByRecord.get(id), "paid as the order said: " + id);
            if (paid.signum() > 0) {
                winners.add(id);
            }
            expectedCash.merge(owner, paid.subtract(new BigInteger(o.path("stake").asText())), BigInteger::add);
        }
        Map<String, Integer> payoutsPerOrder = new HashMap<>();
        for (String sub : subs) {
            String token = tokens.get(sub);
            String cursor = null;
            do {
                JsonNode page = api.get("/wallet/ledger?limit=200" + (cursor == null ? "" : "&cursor=" + cursor), token).json();
                for (JsonNode e : page.path("entries")) {
                    if ("PAYOUT".equals(e.path("type").asText())) {
                        payoutsPerOrder.merge(e.path("orderId").asText(), 1, Integer::sum);
                    }
                }
                cursor = page.path("nextCursor").isTextual() ? page.path("nextCursor").asText() : null;
            } while (cursor != null);
            JsonNode wallet = api.get("/wallet", token).json();
            assertEquals(expectedCash.get(sub).toString(), wallet.path("cash").asText(), sub);
            assertEquals("0", wallet.path("openExposure").asText(), sub);
        }
        assertEquals(winners, payoutsPerOrder.keySet(), "a PAYOUT for every winning order and no other");
        payoutsPerOrder.forEach((id, n) -> assertEquals(1, n, "paid once: " + id));
        JsonNode global = api.get("/admin/exposure?scope=GLOBAL", trading.admin()).json();
        assertEquals(0, global.path("exposure").decimalValue().signum(), global.toString());
        System.out.printf("checked: %d settlement records, %d payouts (one each), %d balances, global exposure 0%n",
                paidByRecord.size(), payoutsPerOrder.size(), subs.size());
    }
}
