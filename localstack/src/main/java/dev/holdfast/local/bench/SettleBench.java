package dev.holdfast.local.bench;

import dev.holdfast.persistence.FaultPoint;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.functions.orders.OrdersApi;
import dev.holdfast.functions.settlement.Settler;
import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;
import dev.holdfast.resources.Queues;
import dev.holdfast.resources.Triggers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Settlement's numbers: orders settled per second by one settlement invocation (8 threads) and
 * DynamoDB write units and round trips per settled order, against DynamoDB Local. The orders are
 * placed first through the real order handler (in-process).
 *
 * <p>Usage: {@code localstack/bench settle [ORDERS]}.
 */
public final class SettleBench {
    private SettleBench() {}

    /** The bench (from {@link BenchCommand}). */
    public static void run(int orders) throws Exception {
        System.out.println("starting the embedded environment (no settlement consumer: the bench drives the function)...");
        Triggers.TriggerSet t = Triggers.DEFINED;
        Triggers.TriggerSet noSettler = new Triggers.TriggerSet(
                t.queues().stream().filter(q -> q.queue() != Queues.SETTLEMENT).toList(), t.streams(), t.schedules());
        try (LocalHoldfast env = LocalHoldfast.start(LocalOptions.defaults().withPort(0), noSettler)) {
            BenchHttp http = new BenchHttp(env);
            String admin = http.adminToken();
            JsonNode cfg = http.send("GET", "/admin/risk/config", admin, null);
            ObjectNode next = (ObjectNode) cfg.deepCopy();
            next.remove("version");
            next.put("reason", "benchmark: volume");
            ((ObjectNode) next.path("rateLimits")).put("ordersPerUserPerMinute", 100_000);
            ((ObjectNode) next.path("rateLimits")).put("ordersPerAddressPerMinute", 100_000);
            ((ObjectNode) next.path("feed")).put("keepSeconds", 1800);
            ((ObjectNode) next.path("feed")).put("suspendAfterSeconds", 3600);
            if (next.path("postTrade").isObject()) {
                ((ObjectNode) next.path("postTrade")).put("suspendMarkets", false);
            }
            http.send("PUT", "/admin/risk/config", admin, Json.write(next), "If-Match", cfg.path("version").asText());
            Thread.sleep(2_300);

            String pm = "settle-bench-" + UUID.randomUUID();
            JsonNode market = http.market(admin, pm);
            String marketId = market.path("marketId").asText();
            env.deployment().clients().sqs().sendMessage(b -> b.queueUrl(env.queueUrls(Queues.FEED).url())
                    .messageGroupId(pm).messageDeduplicationId(pm + ":1")
                    .messageBody("{\"provider\":\"acme\",\"providerMarketId\":\"" + pm + "\",\"sequence\":1,\"sourceTimestamp\":\""
                            + java.time.Instant.now() + "\",\"selections\":[{\"providerSelectionId\":\"1\",\"probability\":\"0.5\"},"
                            + "{\"providerSelectionId\":\"2\",\"probability\":\"0.5\"}]}"));
            JsonNode priced = http.send("GET", "/markets/" + marketId, admin, null);
            for (int i = 0; i < 100 && priced.path("price").isNull(); i++) {
                Thread.sleep(50);
                priced = http.send("GET", "/markets/" + marketId, admin, null);
            }
            http.send("POST", "/admin/markets/" + marketId + "/state", admin, "{\"state\":\"OPEN\"}");
            long version = priced.path("price").path("priceVersion").asLong();
            List<String> selections = List.of(market.path("selections").get(0).path("selectionId").asText(),
                    market.path("selections").get(1).path("selectionId").asText());

            List<String> subs = new ArrayList<>();
            for (int u = 0; u < 100; u++) {
                String sub = "settle-bench-" + u + "-" + UUID.randomUUID();
                subs.add(sub);
                http.send("POST", "/admin/accounts/" + sub + "/credits", admin,
                        "{\"amount\":\"100000000\",\"fund\":\"" + (u % 2 == 0 ? "CASH" : "BONUS") + "\",\"reason\":\"bench\"}",
                        "Idempotency-Key", "fund-" + u);
            }
            System.out.printf("placing %d orders from %d accounts (in-process order handler)...%n", orders, subs.size());
            OrdersApi handler = new OrdersApi(env.deployment());
            AtomicInteger next2 = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> jobs = new ArrayList<>();
            for (int th = 0; th < 8; th++) {
                jobs.add(pool.submit(() -> {
                    for (int i = next2.getAndIncrement(); i < orders; i = next2.getAndIncrement()) {
                        String body = "{\"marketId\":\"" + marketId + "\",\"selectionId\":\"" + selections.get(i % 2)
                                + "\",\"stake\":\"1000\",\"priceVersion\":" + version + "}";
                        int status = handler.handleRequest(OrderBench.event(subs.get(i % subs.size()), "s" + i, body), null).getStatusCode();
                        if (status != 201) {
                            throw new IllegalStateException("order " + i + " answered " + status);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : jobs) {
                f.get();
            }
            pool.shutdown();
            http.send("POST", "/admin/markets/" + marketId + "/state", admin, "{\"state\":\"CLOSED\"}");
            http.send("POST", "/admin/markets/" + marketId + "/result", admin,
                    "{\"winningSelectionId\":\"" + selections.get(0) + "\"}", "Idempotency-Key", "bench-result");

            CapacityMeter meter = new CapacityMeter();
            Settler settler = new Settler(meter.meter(env), FaultPoint.NONE, Duration.ofMinutes(30), 100);
            System.out.printf("settling %d orders (one invocation, %d threads)...%n", orders, 8);
            long t0 = System.nanoTime();
            Settler.Run run = settler.settle(marketId);
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (run != Settler.Run.FINISHED) {
                throw new IllegalStateException("settlement did not finish: " + run);
            }
            double perSecond = orders / seconds;
            System.out.printf("settled %d orders in %.1f s = %.0f orders/s; %.1f write units, %.1f read units, %.1f round trips per order%n",
                    orders, seconds, perSecond, meter.writeUnits() / orders, meter.readUnits() / orders,
                    (double) meter.calls() / orders);
            BenchRecord.note("settlement", "orders settled per second", perSecond, "orders/s",
                    orders + " orders, half won, one invocation with 8 threads, both passes");
            BenchRecord.figure("settlement", "write units per settled order", meter.writeUnits() / orders, "WCU");
            BenchRecord.figure("settlement", "round trips per settled order", (double) meter.calls() / orders, "calls");
        }
    }

}
