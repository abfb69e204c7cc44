package dev.holdfast.local.bench;

import dev.holdfast.runtime.Deployment;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.api.Json;
import dev.holdfast.functions.orders.OrdersApi;
import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;
import dev.holdfast.resources.Tables;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The order path's numbers, in-process against DynamoDB Local: accepted orders per second, p50/p99
 * latency, DynamoDB round trips and write units per accepted order — beside a baseline doing the
 * same work the way the usual Lambda idempotency utility does it (put an in-progress record, run
 * the business write, update the record: three separate steps, not atomic).
 *
 * <p>Usage: {@code localstack/bench orders [ORDERS] [THREADS]}.
 */
public final class OrderBench {
    private OrderBench() {}

    /** The bench (from {@link BenchCommand}). */
    public static void run(int orders, int threads) throws Exception {
        System.out.println("starting the embedded environment...");
        // Without the post-trade risk processor: it feeds each order's liability back into the market's
        // exposure signal, so the steady feed would re-price the market and the bench's fixed
        // priceVersion would meet PRICE_CHANGED. The order path itself is unchanged.
        dev.holdfast.resources.Triggers.TriggerSet defined = dev.holdfast.resources.Triggers.DEFINED;
        dev.holdfast.resources.Triggers.TriggerSet noRisk = new dev.holdfast.resources.Triggers.TriggerSet(defined.queues(),
                defined.streams().stream().filter(t -> t.function() != dev.holdfast.resources.Functions.RISK_PROCESSOR).toList(),
                defined.schedules());
        try (LocalHoldfast env = LocalHoldfast.start(LocalOptions.defaults().withPort(0), noRisk)) {
            BenchHttp http = new BenchHttp(env);
            String admin = http.adminToken();
            JsonNode cfg = http.send("GET", "/admin/risk/config", admin, null);
            var next = (com.fasterxml.jackson.databind.node.ObjectNode) cfg.deepCopy();
            next.remove("version");
            next.put("reason", "benchmark: no rate limits");
            ((com.fasterxml.jackson.databind.node.ObjectNode) next.path("rateLimits")).put("ordersPerUserPerMinute", 100000);
            ((com.fasterxml.jackson.databind.node.ObjectNode) next.path("rateLimits")).put("ordersPerAddressPerMinute", 100000);
            http.send("PUT", "/admin/risk/config", admin, Json.write(next), "If-Match", cfg.path("version").asText());

            String pm = "bench-" + UUID.randomUUID();
            JsonNode market = http.market(admin, pm);
            String marketId = market.path("marketId").asText();
            String selection = market.path("selections").get(0).path("selectionId").asText();
            // a steady feed keeps the price fresh for the whole run, without changing the odds
            Thread feed = new Thread(() -> {
                for (int seq = 1; !Thread.currentThread().isInterrupted(); seq++) {
                    final int s = seq;
                    env.deployment().clients().sqs().sendMessage(b -> b.queueUrl(env.endpoints().path("queues")
                                    .path("holdfast-feed.fifo").path("url").asText())
                            .messageGroupId(pm).messageDeduplicationId(pm + ":" + s)
                            .messageBody("{\"provider\":\"acme\",\"providerMarketId\":\"" + pm + "\",\"sequence\":" + s
                                    + ",\"sourceTimestamp\":\"" + java.time.Instant.now() + "\",\"selections\":["
                                    + "{\"providerSelectionId\":\"1\",\"probability\":\"0.5\"},{\"providerSelectionId\":\"2\",\"probability\":\"0.5\"}]}"));
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            feed.setDaemon(true);
            feed.start();
            Thread.sleep(1500);
            http.send("POST", "/admin/markets/" + marketId + "/state", admin, "{\"state\":\"OPEN\"}");

            int users = Math.max(threads * 4, 32);
            List<String> subs = new ArrayList<>();
            for (int u = 0; u < users; u++) {
                String sub = "bench-user-" + u + "-" + UUID.randomUUID();
                subs.add(sub);
                http.send("POST", "/admin/accounts/" + sub + "/credits", admin,
                        "{\"amount\":\"100000000\",\"fund\":\"CASH\",\"reason\":\"bench\"}", "Idempotency-Key", "fund-" + u);
            }

            CapacityMeter meter = new CapacityMeter();
            Deployment d = env.deployment();
            Deployment meteredDeployment = meter.meter(env);
            DynamoDbClient metered = meteredDeployment.clients().dynamo();
            OrdersApi handler = new OrdersApi(meteredDeployment);
            long version = http.send("GET", "/markets/" + marketId, admin, null).path("price").path("priceVersion").asLong();
            String body = "{\"marketId\":\"" + marketId + "\",\"selectionId\":\"" + selection + "\",\"stake\":\"1000\",\"priceVersion\":" + version + "}";

            Placement holdfast = (sub, key) -> handler.handleRequest(event(sub, key, body), null);
            String idemTable = d.names().table(Tables.PLATFORM);
            Placement separate = (sub, key) -> {
                String pk = "IDEM#" + sub + "#" + key;
                metered.putItem(b -> b.tableName(idemTable).item(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS("IDEM"),
                        "status", AttributeValue.fromS("INPROGRESS"))).conditionExpression("attribute_not_exists(pk)"));
                APIGatewayV2HTTPResponse r = handler.handleRequest(event(sub, "b" + key, body), null);
                metered.updateItem(b -> b.tableName(idemTable).key(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS("IDEM")))
                        .updateExpression("SET #s = :done, #r = :r").expressionAttributeNames(Map.of("#s", "status", "#r", "response"))
                        .expressionAttributeValues(Map.of(":done", AttributeValue.fromS("COMPLETED"), ":r", AttributeValue.fromS(r.getBody()))));
                return r;
            };
            // warm up both (JIT, connections, the bucket checks each container does once), then measure
            // them alternately, twice each, and keep each one's better run
            run("warm-up", Math.max(100, orders / 5), threads, subs, meter, holdfast);
            run("warm-up", Math.max(100, orders / 5), threads, subs, meter, separate);
            Result ours = run("Holdfast: one transaction", orders, threads, subs, meter, holdfast);
            Result baseline = run("baseline: separate idempotency calls", orders, threads, subs, meter, separate);
            ours = best(ours, run("Holdfast: one transaction", orders, threads, subs, meter, holdfast));
            baseline = best(baseline, run("baseline: separate idempotency calls", orders, threads, subs, meter, separate));
            feed.interrupt();
            String base = "separate idempotency calls";
            BenchRecord.figure("orders", "accepted orders per second", ours.perSecond, "orders/s", baseline.perSecond, base);
            BenchRecord.figure("orders", "p50 latency", ours.p50, "ms", baseline.p50, base);
            BenchRecord.figure("orders", "p99 latency", ours.p99, "ms", baseline.p99, base);
            BenchRecord.figure("orders", "DynamoDB round trips per order", ours.calls, "calls", baseline.calls, base);
            BenchRecord.figure("orders", "write units per order", ours.wcu, "WCU", baseline.wcu, base);
            BenchRecord.figure("orders", "read units per order", ours.rcu, "RCU", baseline.rcu, base);
            BenchRecord.latencies(ours.name, ours.samples);
            BenchRecord.latencies(baseline.name, baseline.samples);
            System.out.println();
            System.out.println("| order path (" + orders + " orders, " + threads + " threads, in-process, DynamoDB Local) | accepted/s | p50 ms | p99 ms | round trips / order | write units / order | read units / order |");
            System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
            System.out.println(ours.row());
            System.out.println(baseline.row());
            System.out.printf("ratio (Holdfast / baseline): throughput %.2f, p50 %.2f, round trips %.2f, write units %.2f%n",
                    ours.perSecond / baseline.perSecond, ours.p50 / baseline.p50, ours.calls / baseline.calls, ours.wcu / baseline.wcu);
        }
    }

    @FunctionalInterface
    interface Placement {
        APIGatewayV2HTTPResponse place(String sub, String key) throws Exception;
    }

    record Result(String name, int accepted, double perSecond, double p50, double p99, double calls, double wcu, double rcu,
                  List<Long> samples) {
        String row() {
            return String.format("| %s | %.0f | %.1f | %.1f | %.1f | %.1f | %.1f |", name, perSecond, p50, p99, calls, wcu, rcu);
        }
    }

    private static Result run(String name, int orders, int threads, List<String> subs, CapacityMeter meter, Placement p)
            throws Exception {
        System.out.printf("%s: placing %d orders on %d threads...%n", name, orders, threads);
        meter.reset();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long t0 = System.nanoTime();
        List<Future<?>> jobs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            jobs.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < orders; i = next.getAndIncrement()) {
                    String sub = subs.get(i % subs.size());
                    long s = System.nanoTime();
                    APIGatewayV2HTTPResponse r = p.place(sub, "k" + i + "-" + UUID.randomUUID());
                    latencies.add(System.nanoTime() - s);
                    if (r.getStatusCode() == 201) {
                        accepted.incrementAndGet();
                    }
                    if ((i + 1) % 250 == 0) {
                        System.out.printf("  ... %d/%d%n", i + 1, orders);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : jobs) {
            f.get();
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        Latencies measured = Latencies.ofNanos(sorted);
        int a = Math.max(1, accepted.get());
        return new Result(name, accepted.get(), accepted.get() / seconds, measured.p50(), measured.p99(),
                (double) meter.calls() / a, meter.writeUnits() / a, meter.readUnits() / a, sorted);
    }

    private static Result best(Result a, Result b) {
        return a.perSecond >= b.perSecond ? a : b;
    }

    /** A {@code POST /orders} event as API Gateway (payload 2.0) hands it to the function, for caller {@code sub}. */
    /** An API Gateway (payload 2.0) {@code POST /orders} event as the JWT authorizer passes it. */
    public static APIGatewayV2HTTPEvent event(String sub, String key, String body) {
        return APIGatewayV2HTTPEvent.builder().withVersion("2.0").withRouteKey("POST /orders").withRawPath("/orders")
                .withHeaders(Map.of("idempotency-key", key, "content-type", "application/json")).withBody(body)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId(UUID.randomUUID().toString())
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("POST").withPath("/orders")
                                .withSourceIp("127.0.0.1").build())
                        .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                                        .withClaims(Map.of("sub", sub)).build()).build())
                        .build())
                .build();
    }
}
