package dev.holdfast.local.orders;

import dev.holdfast.local.LocalHoldfast;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.Api.Reply;
import dev.holdfast.local.testing.SharedEnvironment;
import dev.holdfast.local.testing.Trading;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One account's own concurrency, and duplicates, on the order path (issue 14, defects 6 and 10):
 * a duplicate of a key already seen — racing or not — replays its outcome and never counts against
 * the rate limits; up to 50 concurrent orders of one account all end in their business outcome
 * (201 or a 4xx), never a 5xx.
 */
class OrderConcurrencyTest {
    private static Trading trading;
    private static Api api;
    private static JsonNode originalConfig;

    @BeforeAll
    static void start() {
        trading = new Trading(SharedEnvironment.get());
        api = trading.api();
        originalConfig = trading.changeRiskConfig(c -> {
            ((ObjectNode) c.path("feed")).put("keepSeconds", 600);
            ((ObjectNode) c.path("feed")).put("suspendAfterSeconds", 900);
            ((ObjectNode) c.path("rateLimits")).put("ordersPerUserPerMinute", 60);
            ((ObjectNode) c.path("rateLimits")).put("ordersPerAddressPerMinute", 100_000);
        });
    }

    @AfterAll
    static void restore() {
        trading.restoreRiskConfig(originalConfig);
    }

    /** {@code n} calls released at once. */
    private static List<Reply> atOnce(int n, java.util.function.IntFunction<Reply> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Reply>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                final int k = i;
                fs.add(pool.submit(() -> {
                    go.await();
                    return call.apply(k);
                }));
            }
            go.countDown();
            List<Reply> out = new ArrayList<>();
            for (Future<Reply> f : fs) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdown();
        }
    }

    private static Map<String, Integer> byAnswer(List<Reply> replies) {
        Map<String, Integer> m = new TreeMap<>();
        replies.forEach(r -> m.merge(r.status() + (r.code() == null ? "" : " " + r.code())
                + ("true".equals(r.header("Idempotent-Replayed")) ? " replayed" : ""), 1, Integer::sum));
        return m;
    }

    @Test
    void replaysNeverSpendTheRateLimit() throws Exception {
        JsonNode market = trading.openMarket();
        String sub = "u-" + UUID.randomUUID();
        String token = trading.fundedUser(sub, "100000000", "CASH");
        String body = Trading.orderBody(market, 0, "1000");

        List<Reply> racing = atOnce(62, i -> trading.order(token, "same-key", body));
        Map<String, Integer> answers = byAnswer(racing);
        assertEquals(62, racing.stream().filter(r -> r.status() == 201).count(), answers.toString());
        assertEquals(61, racing.stream().filter(r -> "true".equals(r.header("Idempotent-Replayed"))).count(), answers.toString());
        // and sequential replays, many more than the limit of 60 a minute
        for (int i = 0; i < 70; i++) {
            Reply again = trading.order(token, "same-key", body);
            assertEquals(201, again.status(), again.raw());
            assertEquals("true", again.header("Idempotent-Replayed"));
        }
        Reply next = trading.order(token, "next-key", body);
        assertEquals(201, next.status(), "the user's next new order is not rate limited: " + next.raw());
        assertEquals(2, api.get("/orders?limit=200", token).json().path("orders").size());
    }

    @Test
    void fiftyConcurrentOrdersOfOneAccountEndInTheirBusinessOutcome() throws Exception {
        JsonNode market = trading.openMarket();
        String sub = "u-" + UUID.randomUUID();
        // funds for 40 of the 50: the rest must be 422 INSUFFICIENT_FUNDS, not 503
        String token = trading.fundedUser(sub, "40000", "CASH");
        String body = Trading.orderBody(market, 0, "1000");
        List<Reply> replies = atOnce(50, i -> trading.order(token, "k-" + i, body));
        Map<String, Integer> answers = byAnswer(replies);
        assertTrue(replies.stream().noneMatch(r -> r.status() >= 500), answers.toString());
        assertEquals(40, replies.stream().filter(r -> r.status() == 201).count(), answers.toString());
        assertEquals(10, replies.stream().filter(r -> "INSUFFICIENT_FUNDS".equals(r.code())).count(), answers.toString());
        assertEquals(0, new BigDecimal(trading.wallet(token).path("cash").asText()).signum());
    }

    /**
     * The same on AWS's rules (the AWS-faithful mode: concurrent transactions on the account item
     * conflict and are cancelled, as on AWS): ten concurrent orders of one account all end in their
     * business outcome. Dilation 5 (holds of 50 ms) keeps the test short; the rules are the same.
     */
    @Test
    void tenConcurrentOrdersOfOneAccountOnAwsRulesEndInTheirBusinessOutcome() throws Exception {
        try (LocalHoldfast faithful = LocalHoldfast.startFaithful(5, 10)) {
            Trading t = new Trading(faithful);
            JsonNode before = t.changeRiskConfig(c -> {
                ((ObjectNode) c.path("feed")).put("keepSeconds", 600);
                ((ObjectNode) c.path("feed")).put("suspendAfterSeconds", 900);
            });
            JsonNode market = t.openMarket();
            String token = t.fundedUser("u-" + UUID.randomUUID(), "8000", "CASH");
            String body = Trading.orderBody(market, 0, "1000");
            List<Reply> replies = atOnce(10, i -> t.order(token, "f-" + i, body));
            Map<String, Integer> answers = byAnswer(replies);
            assertTrue(replies.stream().noneMatch(r -> r.status() >= 500), answers.toString());
            assertEquals(8, replies.stream().filter(r -> r.status() == 201).count(), answers.toString());
            assertEquals(2, replies.stream().filter(r -> "INSUFFICIENT_FUNDS".equals(r.code())).count(), answers.toString());
            var meter = faithful.faithful().orElseThrow().meter().snapshot();
            System.out.println("ten orders of one account on AWS's rules: " + answers + ", conflict cancellations "
                    + meter.conflictCancellations() + ", plain-write conflicts " + meter.plainWriteConflicts());
            t.restoreRiskConfig(before);
        }
    }
}
