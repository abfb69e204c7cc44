package dev.holdfast.local.bench;

import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.persistence.markets.MarketStore;
import dev.holdfast.functions.feed.FeedIngester;
import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;
import dev.holdfast.resources.Queues;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The odds feed's numbers: messages applied per second end to end (SQS FIFO → ingester →
 * DynamoDB, in the embedded environment), and DynamoDB round trips and write units per price
 * update, published and refreshed, from {@code ReturnConsumedCapacity}.
 *
 * <p>Usage: {@code localstack/bench feed [MARKETS] [MESSAGES_PER_MARKET]}.
 */
public final class FeedBench {
    private FeedBench() {}

    /** The bench (from {@link BenchCommand}). */
    public static void run(int marketCount, int perMarket) throws Exception {
        System.out.println("starting the embedded environment...");
        try (LocalHoldfast env = LocalHoldfast.start(LocalOptions.defaults().withPort(0))) {
            BenchHttp http = new BenchHttp(env);
            String admin = http.adminToken();
            List<String> providerIds = new ArrayList<>();
            List<String> marketIds = new ArrayList<>();
            for (int i = 0; i < marketCount + 1; i++) {
                String pm = "bench-" + UUID.randomUUID();
                providerIds.add(pm);
                marketIds.add(http.market(admin, pm).path("marketId").asText());
            }

            // 1. end to end through the real queue and the environment's ingester
            int total = marketCount * perMarket;
            System.out.printf("sending %d feed messages over %d markets (message groups)...%n", total, marketCount);
            String queue = env.queueUrls(Queues.FEED).url();
            long t0 = System.nanoTime();
            List<SendMessageBatchRequestEntry> batch = new ArrayList<>();
            for (int seq = 1; seq <= perMarket; seq++) {
                for (int m = 0; m < marketCount; m++) {
                    String pm = providerIds.get(m);
                    batch.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(batch.size()))
                            .messageBody(body(pm, seq)).messageGroupId(pm).messageDeduplicationId("acme:" + pm + ":" + seq).build());
                    if (batch.size() == 10) {
                        List<SendMessageBatchRequestEntry> entries = List.copyOf(batch);
                        env.deployment().clients().sqs().sendMessageBatch(b -> b.queueUrl(queue).entries(entries));
                        batch.clear();
                    }
                }
            }
            if (!batch.isEmpty()) {
                env.deployment().clients().sqs().sendMessageBatch(b -> b.queueUrl(queue).entries(batch));
            }
            MarketStore store = new MarketStore(env.deployment(), new AuditLog(env.deployment()));
            int done = 0;
            long lastReport = System.nanoTime();
            while (done < marketCount) {
                done = 0;
                long applied = 0;
                for (int m = 0; m < marketCount; m++) {
                    long seq = store.market(marketIds.get(m)).orElseThrow().lastSequence();
                    applied += seq;
                    if (seq == perMarket) {
                        done++;
                    }
                }
                if (System.nanoTime() - lastReport > 2_000_000_000L) {
                    System.out.printf("  ... %d/%d applied%n", applied, total);
                    lastReport = System.nanoTime();
                }
                Thread.sleep(20);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("end to end: %d messages applied in %.2f s = %.0f messages/s%n", total, seconds, total / seconds);

            // 2. round trips and capacity per update, on the real ingester code path
            CapacityMeter meter = new CapacityMeter();
            FeedIngester ingester = new FeedIngester(meter.meter(env));
            String pm = providerIds.get(marketCount);
            int n = 200;
            for (int seq = 1; seq <= n; seq++) {
                ingester.apply("b-" + seq, Instant.now(), body(pm, seq));
            }
            double publishW = meter.writeUnits() / n;
            double publishR = meter.readUnits() / n;
            double publishCalls = (double) meter.calls() / n;
            meter.reset();
            for (int seq = n + 1; seq <= 2 * n; seq++) {
                ingester.apply("b-" + seq, Instant.now(), sameOddsBody(pm, seq));
            }
            double refreshW = meter.writeUnits() / n;
            double refreshR = meter.readUnits() / n;
            double refreshCalls = (double) meter.calls() / n;
            System.out.println();
            System.out.println("| feed figure | value |");
            System.out.println("| --- | --- |");
            System.out.printf("| messages applied per second, end to end (%d markets, %d messages) | %.0f |%n", marketCount, total, total / seconds);
            System.out.printf("| write units per published price (new snapshot) | %.1f |%n", publishW);
            System.out.printf("| read units per published price | %.1f |%n", publishR);
            System.out.printf("| DynamoDB round trips per published price | %.1f |%n", publishCalls);
            System.out.printf("| write units per refreshed price (same odds) | %.1f |%n", refreshW);
            System.out.printf("| read units per refreshed price | %.1f |%n", refreshR);
            System.out.printf("| DynamoDB round trips per refreshed price | %.1f |%n", refreshCalls);
            BenchRecord.note("feed", "messages applied per second, end to end", total / seconds, "messages/s",
                    marketCount + " markets, " + total + " messages, SQS FIFO → ingester");
            BenchRecord.figure("feed", "write units per published price", publishW, "WCU");
            BenchRecord.figure("feed", "write units per refreshed price", refreshW, "WCU");
            BenchRecord.figure("feed", "round trips per published price", publishCalls, "calls");
        }
    }

    /** Odds that change with every sequence, so every message publishes a new version. */
    private static String body(String pm, int seq) {
        String p = "0." + (20 + seq % 60);
        return feed(pm, seq, p);
    }

    private static String sameOddsBody(String pm, int seq) {
        return feed(pm, seq, "0.5");
    }

    private static String feed(String pm, int seq, String p1) {
        String p2 = new java.math.BigDecimal("1").subtract(new java.math.BigDecimal(p1)).toPlainString();
        return "{\"provider\":\"acme\",\"providerMarketId\":\"" + pm + "\",\"sequence\":" + seq + ",\"sourceTimestamp\":\""
                + Instant.now() + "\",\"selections\":[{\"providerSelectionId\":\"1\",\"probability\":\"" + p1
                + "\"},{\"providerSelectionId\":\"2\",\"probability\":\"" + p2 + "\"}]}";
    }
}
