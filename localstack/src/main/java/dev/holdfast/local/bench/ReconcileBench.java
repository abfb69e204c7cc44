package dev.holdfast.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;
import dev.holdfast.local.ReconcileCommand;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How long reconciliation takes for N accounts and M orders: seeds an embedded environment over
 * HTTP (credits, then orders from 8 threads), then runs {@code ./localstack/reconcile}'s command
 * against it three times and prints each run's time and what it checked.
 *
 * <p>Usage: {@code localstack/bench reconcile [ACCOUNTS] [ORDERS]}.
 */
public final class ReconcileBench {
    private ReconcileBench() {}

    /** The bench (from {@link BenchCommand}). */
    public static void run(int accounts, int orders) throws Exception {
        Path endpoints = Files.createTempFile("holdfast-reconcile-bench", ".json");
        System.out.println("starting the embedded environment...");
        try (LocalHoldfast env = LocalHoldfast.start(LocalOptions.defaults().withPort(0).withEndpointsFile(endpoints))) {
            BenchHttp http = new BenchHttp(env);
            String admin = http.adminToken();
            JsonNode cfg = http.send("GET", "/admin/risk/config", admin, null);
            ObjectNode next = (ObjectNode) cfg.deepCopy();
            next.remove("version");
            next.put("reason", "benchmark: no rate limits, a fresh price for the whole run");
            ((ObjectNode) next.path("rateLimits")).put("ordersPerUserPerMinute", 100000);
            ((ObjectNode) next.path("rateLimits")).put("ordersPerAddressPerMinute", 100000);
            ((ObjectNode) next.path("feed")).put("keepSeconds", 3600);
            ((ObjectNode) next.path("feed")).put("suspendAfterSeconds", 3600);
            http.send("PUT", "/admin/risk/config", admin, Json.write(next), "If-Match", cfg.path("version").asText());
            Thread.sleep(2500); // the order path's config cache

            String pm = "bench-" + UUID.randomUUID();
            JsonNode market = http.market(admin, pm);
            String marketId = market.path("marketId").asText();
            String selection = market.path("selections").get(0).path("selectionId").asText();
            env.deployment().clients().sqs().sendMessage(b -> b.queueUrl(env.endpoints().path("queues")
                            .path("holdfast-feed.fifo").path("url").asText())
                    .messageGroupId(pm).messageDeduplicationId(pm + ":1")
                    .messageBody("{\"provider\":\"acme\",\"providerMarketId\":\"" + pm + "\",\"sequence\":1"
                            + ",\"sourceTimestamp\":\"" + java.time.Instant.now() + "\",\"selections\":["
                            + "{\"providerSelectionId\":\"1\",\"probability\":\"0.5\"},{\"providerSelectionId\":\"2\",\"probability\":\"0.5\"}]}"));
            Thread.sleep(1500);
            http.send("POST", "/admin/markets/" + marketId + "/state", admin, "{\"state\":\"OPEN\"}");
            long priceVersion = http.send("GET", "/markets/" + marketId, admin, null).path("price").path("priceVersion").asLong();

            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<String> subs = new ArrayList<>();
            for (int i = 0; i < accounts; i++) {
                subs.add("rb-" + i + "-" + UUID.randomUUID());
            }
            long t0 = System.nanoTime();
            List<Future<?>> work = new ArrayList<>();
            for (String sub : subs) {
                work.add(pool.submit(() -> http.send("POST", "/admin/accounts/" + sub + "/credits", admin,
                        "{\"amount\":\"100000000\",\"fund\":\"CASH\",\"reason\":\"bench\"}", "Idempotency-Key", "rb-" + UUID.randomUUID())));
            }
            for (Future<?> f : work) {
                f.get();
            }
            work.clear();
            List<String> tokens = new ArrayList<>();
            for (String sub : subs) {
                tokens.add(http.send("POST", "/local/token", null, "{\"sub\":\"" + sub + "\"}").path("token").asText());
            }
            AtomicInteger placed = new AtomicInteger();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                work.add(pool.submit(() -> {
                    for (int i = thread; i < orders; i += 8) {
                        http.send("POST", "/orders", tokens.get(i % tokens.size()),
                                "{\"marketId\":\"" + marketId + "\",\"selectionId\":\"" + selection + "\",\"stake\":\"1000\",\"priceVersion\":"
                                        + priceVersion + "}", "Idempotency-Key", "rb-" + UUID.randomUUID());
                        int n = placed.incrementAndGet();
                        if (n % 1000 == 0) {
                            System.out.println("  " + n + " orders placed");
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
            pool.shutdown();
            System.out.printf("seeded %d accounts and %d orders in %.1f s%n", accounts, orders, (System.nanoTime() - t0) / 1e9);
            for (int run = 1; run <= 3; run++) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                long started = System.nanoTime();
                int status = ReconcileCommand.run(new String[]{"--endpoints-file", endpoints.toString()},
                        new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
                long ms = (System.nanoTime() - started) / 1_000_000;
                JsonNode report = Json.parseTrusted(out.toString(StandardCharsets.UTF_8));
                System.out.printf("run %d: exit %d in %d ms: %d accounts, %d exposure buckets checked, drift %d%n", run, status, ms,
                        report.path("accountsChecked").asInt(), report.path("exposuresChecked").asInt(), report.path("drift").asInt());
                if (run == 3) {
                    BenchRecord.note("reconcile", "full reconciliation", ms, "ms", accounts + " accounts, " + orders
                            + " orders, drift " + report.path("drift").asInt());
                }
            }
        } finally {
            Files.deleteIfExists(endpoints);
        }
    }
}
