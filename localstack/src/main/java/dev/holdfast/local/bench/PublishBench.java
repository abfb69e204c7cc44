package dev.holdfast.local.bench;

import dev.holdfast.persistence.live.LiveStore;
import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.api.Json;
import dev.holdfast.functions.live.LivePublisher;
import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;
import dev.holdfast.resources.Queues;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishing's numbers: N WebSocket clients (the JDK's client) on the local environment's live
 * API, each subscribed to a few of 20 markets, while the feed publishes through the real SQS FIFO
 * queue. Reports the time from a feed message ({@code sourceTimestamp}, stamped when it is sent)
 * to its receipt by a client, p50 and p99; changes lost or out of order (each client checks every
 * market's sequence, following the protocol's rules: changes before the snapshot are kept and
 * those above its sequence applied); and the publisher's work per change: subscriber queries
 * (DynamoDB reads), writes and sends.
 *
 * <p>Usage: {@code localstack/bench publish [CLIENTS] [MARKETS_PER_CLIENT] [UPDATES_PER_SECOND] [SECONDS]}
 * (defaults 1000, 4, 20, 20: every market gets one new price a second and
 * CLIENTS × MARKETS_PER_CLIENT / 20 watchers).
 */
public final class PublishBench {
    static final int MARKETS = 20;

    private PublishBench() {}

    /** One client's view of one market: what the protocol asks a client to keep. */
    static final class View {
        long snapshot = -1;
        final List<Long> early = new ArrayList<>();
        final List<Long> after = new ArrayList<>();
    }

    static final class Client implements WebSocket.Listener {
        final Map<String, View> views = new HashMap<>();
        final StringBuilder partial = new StringBuilder();
        final ConcurrentLinkedQueue<Long> latenciesMs;
        final ConcurrentLinkedQueue<Long> publishMs;
        WebSocket socket;

        Client(ConcurrentLinkedQueue<Long> latenciesMs, ConcurrentLinkedQueue<Long> publishMs) {
            this.latenciesMs = latenciesMs;
            this.publishMs = publishMs;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                long now = System.currentTimeMillis();
                JsonNode n = Json.parseTrusted(partial.toString());
                partial.setLength(0);
                String type = n.path("type").asText();
                String market = n.path("marketId").asText();
                synchronized (this) {
                    View v = views.computeIfAbsent(market, k -> new View());
                    long seq = n.path("sequence").asLong();
                    if (type.equals("snapshot")) {
                        v.snapshot = seq;
                    } else if (type.equals("price") || type.equals("state")) {
                        (v.snapshot < 0 ? v.early : v.after).add(seq);
                        if (type.equals("price") && v.snapshot >= 0) {
                            long sent = Instant.parse(n.path("price").path("sourceTimestamp").asText()).toEpochMilli();
                            latenciesMs.add(now - sent);
                            publishMs.add(now - Instant.parse(n.path("price").path("receivedAt").asText()).toEpochMilli());
                        }
                    }
                }
            }
            ws.request(1);
            return null;
        }
    }

    /** The bench (from {@link BenchCommand}). */
    public static void run(int clients, int perClient, int rate, int seconds) throws Exception {
        System.out.println("starting the embedded environment...");
        try (LocalHoldfast env = LocalHoldfast.start(LocalOptions.defaults().withPort(0))) {
            BenchHttp http = new BenchHttp(env);
            String admin = http.adminToken();
            String user = http.send("POST", "/local/token", null, "{\"sub\":\"bench-watcher\",\"ttlSeconds\":7200}").path("token").asText();
            List<String> providerIds = new ArrayList<>();
            List<String> marketIds = new ArrayList<>();
            long[] feedSeq = new long[MARKETS];
            for (int i = 0; i < MARKETS; i++) {
                String pm = "publish-" + UUID.randomUUID();
                providerIds.add(pm);
                marketIds.add(http.market(admin, pm).path("marketId").asText());
                send(env, pm, ++feedSeq[i]);
            }
            for (String id : marketIds) {
                while (http.send("GET", "/markets/" + id, admin, null).path("price").isNull()) {
                    Thread.sleep(20);
                }
                http.send("POST", "/admin/markets/" + id + "/state", admin, "{\"state\":\"OPEN\"}");
            }

            System.out.printf("connecting %d clients, %d markets each...%n", clients, perClient);
            ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Long> publishing = new ConcurrentLinkedQueue<>();
            HttpClient httpClient = HttpClient.newHttpClient();
            List<Client> all = new ArrayList<>();
            Semaphore inFlight = new Semaphore(32);
            List<CompletableFuture<WebSocket>> connecting = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int c = 0; c < clients; c++) {
                Client client = new Client(latencies, publishing);
                all.add(client);
                inFlight.acquire();
                StringBuilder ids = new StringBuilder();
                for (int k = 0; k < perClient; k++) {
                    ids.append(k == 0 ? "" : ",").append('"').append(marketIds.get((c + k * 7) % MARKETS)).append('"');
                }
                String subscribe = "{\"action\":\"subscribe\",\"marketIds\":[" + ids + "]}";
                connecting.add(httpClient.newWebSocketBuilder().header("Authorization", "Bearer " + user)
                        .buildAsync(URI.create(env.websocket().url()), client)
                        .thenCompose(ws -> {
                            client.socket = ws;
                            return ws.sendText(subscribe, true);
                        })
                        .whenComplete((ws, e) -> inFlight.release()));
            }
            CompletableFuture.allOf(connecting.toArray(CompletableFuture[]::new)).join();
            // every subscription answered with its snapshot
            for (Client c : all) {
                while (true) {
                    synchronized (c) {
                        if (c.views.values().stream().filter(v -> v.snapshot >= 0).count() == perClient) {
                            break;
                        }
                    }
                    Thread.sleep(10);
                }
            }
            System.out.printf("connected and subscribed in %.1f s (%d connections open)%n",
                    (System.nanoTime() - t0) / 1e9, env.websocket().openConnections());

            LivePublisher.Stats stats = ((LivePublisher) env.livePublisher()).stats();
            long changes0 = stats.changes.get();
            long queries0 = stats.subscriberQueries.get();
            long sends0 = stats.sends.get();
            long writes0 = stats.writes.get();
            long records0 = stats.records.get();
            System.out.printf("publishing %d feed updates/s over %d markets for %d s...%n", rate, MARKETS, seconds);
            long start = System.nanoTime();
            long sent = 0;
            long periodNanos = 1_000_000_000L / rate;
            while (System.nanoTime() - start < seconds * 1_000_000_000L) {
                int m = (int) (sent % MARKETS);
                send(env, providerIds.get(m), ++feedSeq[m]);
                sent++;
                long next = start + sent * periodNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            // quiet: every market's final sequence reached every watcher, or 30 s
            LiveStore store = new LiveStore(env.deployment());
            long deadline = System.nanoTime() + 30_000_000_000L;
            Map<String, Long> finalSeq = new HashMap<>();
            long lastChanges = -1;
            while (System.nanoTime() < deadline) {
                Thread.sleep(1000);
                long ch = stats.changes.get();
                if (ch == lastChanges) {
                    break;
                }
                lastChanges = ch;
            }
            Thread.sleep(1000);
            for (String id : marketIds) {
                finalSeq.put(id, store.sequence(id));
            }
            long lost = 0;
            long outOfOrder = 0;
            long duplicates = 0;
            long received = 0;
            for (Client c : all) {
                synchronized (c) {
                    for (Map.Entry<String, View> e : c.views.entrySet()) {
                        View v = e.getValue();
                        List<Long> seqs = new ArrayList<>();
                        v.early.stream().filter(s -> s > v.snapshot).forEach(seqs::add);
                        seqs.addAll(v.after.stream().filter(s -> s > v.snapshot).toList());
                        received += seqs.size();
                        long expect = v.snapshot + 1;
                        java.util.Set<Long> seen = new java.util.HashSet<>();
                        for (long s : seqs) {
                            if (!seen.add(s)) {
                                duplicates++;
                                continue;
                            }
                            if (s != expect) {
                                outOfOrder++;
                            }
                            expect = Math.max(expect, s + 1);
                        }
                        lost += (finalSeq.get(e.getKey()) - v.snapshot) - seen.size();
                    }
                }
            }
            Latencies ms = Latencies.ofMillis(latencies);
            Latencies pub = Latencies.ofMillis(publishing);
            long changes = stats.changes.get() - changes0;
            long queries = stats.subscriberQueries.get() - queries0;
            long sends = stats.sends.get() - sends0;
            long writes = stats.writes.get() - writes0;
            long records = stats.records.get() - records0;
            double elapsed = (System.nanoTime() - start) / 1e9;
            System.out.println();
            System.out.println("| publish figure | value |");
            System.out.println("| --- | --- |");
            System.out.printf("| WebSocket clients / markets / watchers per market | %d / %d / %d |%n", clients, MARKETS, clients * perClient / MARKETS);
            System.out.printf("| feed updates sent (rate) | %d (%d/s for %d s) |%n", sent, rate, seconds);
            System.out.printf("| changes published | %d |%n", changes);
            System.out.printf("| messages received by clients | %d |%n", received);
            System.out.printf("| feed message → client receipt p50 | %.0f ms |%n", ms.p50());
            System.out.printf("| feed message → client receipt p99 | %.0f ms |%n", ms.p99());
            System.out.printf("| feed message → client receipt max | %.0f ms |%n", ms.max());
            System.out.printf("| of which ingested (receivedAt) → client receipt p50 / p99 | %.0f / %.0f ms |%n", pub.p50(), pub.p99());
            System.out.printf("| changes lost | %d |%n", lost);
            System.out.printf("| changes out of order | %d |%n", outOfOrder);
            System.out.printf("| duplicates (dropped by sequence) | %d |%n", duplicates);
            System.out.printf("| stream records read by the publisher | %d |%n", records);
            System.out.printf("| subscriber queries (DynamoDB reads) per change | %.2f |%n", changes == 0 ? 0 : (double) queries / changes);
            System.out.printf("| DynamoDB writes per change (sequence claim + held message) | %.2f |%n", changes == 0 ? 0 : (double) writes / changes);
            System.out.printf("| sends per change | %.1f |%n", changes == 0 ? 0 : (double) sends / changes);
            System.out.printf("| sends per second | %.0f |%n", sends / elapsed);
            BenchRecord.figure("publish", "feed → client p50", ms.p50(), "ms");
            BenchRecord.figure("publish", "feed → client p99", ms.p99(), "ms");
            BenchRecord.figure("publish", "changes lost", lost, "changes");
            BenchRecord.figure("publish", "changes out of order", outOfOrder, "changes");
            BenchRecord.figure("publish", "subscriber queries per change", changes == 0 ? 0 : (double) queries / changes, "queries");
            for (Client c : all) {
                if (c.socket != null) {
                    c.socket.abort();
                }
            }
            if (lost != 0 || outOfOrder != 0) {
                System.exit(1);
            }
        }
    }

    /** A feed message whose odds move every time (each one a new priceVersion), stamped now. */
    static void send(LocalHoldfast env, String pm, long seq) {
        String p1 = "0." + (20 + seq % 60);
        String p2 = new java.math.BigDecimal("1").subtract(new java.math.BigDecimal(p1)).toPlainString();
        String body = "{\"provider\":\"acme\",\"providerMarketId\":\"" + pm + "\",\"sequence\":" + seq + ",\"sourceTimestamp\":\""
                + Instant.now() + "\",\"selections\":[{\"providerSelectionId\":\"1\",\"probability\":\"" + p1
                + "\"},{\"providerSelectionId\":\"2\",\"probability\":\"" + p2 + "\"}]}";
        env.deployment().clients().sqs().sendMessage(b -> b.queueUrl(env.queueUrls(Queues.FEED).url())
                .messageBody(body).messageGroupId(pm).messageDeduplicationId("acme:" + pm + ":" + seq));
    }

    static String unused() {
        return Arrays.toString(new int[0]) + Duration.ZERO + new AtomicLong();
    }
}
