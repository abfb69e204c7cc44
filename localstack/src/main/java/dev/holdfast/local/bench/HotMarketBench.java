package dev.holdfast.local.bench;

import dev.holdfast.runtime.Deployment;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.functions.orders.OrdersApi;
import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;
import dev.holdfast.local.faithful.FaithfulDynamo;
import dev.holdfast.local.faithful.FaithfulMeter;
import dev.holdfast.resources.Functions;
import dev.holdfast.resources.Queues;
import dev.holdfast.resources.Triggers;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Orders at broadcast scale, judged by AWS's rules: the local environment in its AWS-faithful mode
 * (transaction conflicts, 1,000 WCU / 3,000 RCU per partition key and per index partition, all
 * scaled by the dilation F), today's order path beside the one it replaced (kept in bench code:
 * {@link BaselineOrdersApi}), each under:
 * <ul>
 *   <li><b>broadcast</b>: every funded user ordering on ONE market (two selections);</li>
 *   <li><b>spread</b>: the same users over 50 markets in 50 events.</li>
 * </ul>
 * Clients are closed loops, one order in flight per user (a person has one phone), called
 * in-process as API Gateway would call the function; a {@code PRICE_CHANGED} answer makes the
 * client take the new version, as the app does. Then, under broadcast load on today's path, the
 * bounds: a price update's commit latency and the last commit at the superseded version, and the
 * time from the halt's answer to the last commit.
 *
 * <p>Every rate measured here × F is the AWS-equivalent rate; every duration ÷ F the AWS-equivalent
 * duration (the function's own windows are stretched by F too, see {@code TimeDilation}).
 *
 * <p>Usage: {@code localstack/bench hot-market [USERS] [SECONDS] [THREADS] [--dilation F] [--hold-ms H]}.
 */
public final class HotMarketBench {
    private HotMarketBench() {}

    private static final String BENCH = "hot-market";

    /** One phase's figures. */
    record Phase(String path, String load, int accepted, Map<String, Integer> answers, double seconds, double p50, double p99,
                 FaithfulMeter.Snapshot meter, long calls) {
        double perSecondLocal() {
            return accepted / seconds;
        }
    }

    static void run(int users, int seconds, int threads, double dilation, long hold) throws Exception {
        System.out.printf("starting the embedded environment in AWS-faithful mode (dilation %.0f, hold %d ms)...%n", dilation, hold);
        // only the feed's queue trigger: the measured DynamoDB traffic is the order path's (and the
        // price updates the bench sends); no post-trade risk (it would re-price the market), no schedules
        Triggers.TriggerSet onlyFeed = new Triggers.TriggerSet(
                Triggers.DEFINED.queues().stream().filter(t -> t.queue() == Queues.FEED).toList(), List.of(), List.of());
        LocalOptions options = LocalOptions.defaults().withPort(0).withAwsFaithful(true, dilation, hold);
        try (LocalHoldfast env = LocalHoldfast.start(options, onlyFeed)) {
            FaithfulDynamo faithful = env.faithful().orElseThrow();
            BenchHttp http = new BenchHttp(env);
            String admin = http.adminToken();
            configure(http, admin);
            Fixture f = new Fixture(env, http, admin, users);
            System.out.println("creating markets and funding " + (2 * users) + " users...");
            f.setUp();

            CapacityMeter calls = new CapacityMeter();
            Deployment metered = calls.meter(env);
            OrdersApi today = new OrdersApi(metered, env.functionEnvironment());
            BaselineOrdersApi baseline = new BaselineOrdersApi(metered);

            List<Phase> phases = new ArrayList<>();
            // a short warm-up of each path (JIT, connections, the bucket reads each container does once)
            phase("warm-up", "broadcast", today::handleRequest, f.users, List.of(f.todayHot), f, Math.max(3, seconds / 4), threads, faithful, calls);
            phase("warm-up", "broadcast", baseline::handleRequest, f.baselineUsers, List.of(f.baselineHot), f, Math.max(3, seconds / 4), threads, faithful, calls);
            phase("warm-up", "spread", today::handleRequest, f.users, f.todaySpread, f, Math.max(3, seconds / 4), threads, faithful, calls);
            phase("warm-up", "spread", baseline::handleRequest, f.baselineUsers, f.baselineSpread, f, Math.max(3, seconds / 4), threads, faithful, calls);
            phases.add(phase("baseline", "broadcast", baseline::handleRequest, f.baselineUsers, List.of(f.baselineHot), f, seconds, threads, faithful, calls));
            phases.add(phase("Holdfast", "broadcast", today::handleRequest, f.users, List.of(f.todayHot), f, seconds, threads, faithful, calls));
            phases.add(phase("baseline", "spread", baseline::handleRequest, f.baselineUsers, f.baselineSpread, f, seconds, threads, faithful, calls));
            phases.add(phase("Holdfast", "spread", today::handleRequest, f.users, f.todaySpread, f, seconds, threads, faithful, calls));
            Bounds bounds = bounds(env, f, today, threads, dilation);
            report(phases, bounds, dilation, hold, users, threads);
        }
    }

    /** Rate limits out of the way (every user orders many times a minute here), long freshness (no steady feed needed). */
    private static void configure(BenchHttp http, String admin) throws Exception {
        JsonNode cfg = http.send("GET", "/admin/risk/config", admin, null);
        ObjectNode next = cfg.deepCopy();
        next.remove("version");
        next.put("reason", "hot-market bench: no rate limits, long freshness");
        ((ObjectNode) next.path("rateLimits")).put("ordersPerUserPerMinute", 100000).put("ordersPerAddressPerMinute", 100000);
        ((ObjectNode) next.path("feed")).put("keepSeconds", 1800).put("suspendAfterSeconds", 3600);
        ((ObjectNode) next.path("postTrade")).put("suspendMarkets", false);
        http.send("PUT", "/admin/risk/config", admin, Json.write(next), "If-Match", cfg.path("version").asText());
    }

    /** Markets, users and the client's view of each market's current price version. */
    static final class Fixture {
        final LocalHoldfast env;
        final BenchHttp http;
        final String admin;
        final int n;
        final List<String> users = new ArrayList<>();
        final List<String> baselineUsers = new ArrayList<>();
        Market todayHot;
        Market baselineHot;
        final List<Market> todaySpread = new ArrayList<>();
        final List<Market> baselineSpread = new ArrayList<>();

        Fixture(LocalHoldfast env, BenchHttp http, String admin, int n) {
            this.env = env;
            this.http = http;
            this.admin = admin;
            this.n = n;
        }

        void setUp() throws Exception {
            // in parallel: in the faithful mode every admin transaction holds its items for hold × F
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                Future<Market> hot = pool.submit(() -> market("today"));
                Future<Market> baseHot = pool.submit(() -> market("base"));
                List<Future<Market>> today = new ArrayList<>();
                List<Future<Market>> base = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    today.add(pool.submit(() -> market("today")));
                    base.add(pool.submit(() -> market("base")));
                }
                List<Future<String>> funded = new ArrayList<>();
                List<Future<String>> fundedBase = new ArrayList<>();
                for (int u = 0; u < n; u++) {
                    final int i = u;
                    funded.add(pool.submit(() -> fund("hot-" + i + "-" + UUID.randomUUID())));
                    fundedBase.add(pool.submit(() -> fund("hot-base-" + i + "-" + UUID.randomUUID())));
                }
                todayHot = hot.get();
                baselineHot = baseHot.get();
                for (int i = 0; i < 50; i++) {
                    todaySpread.add(today.get(i).get());
                    baselineSpread.add(base.get(i).get());
                }
                for (int u = 0; u < n; u++) {
                    users.add(funded.get(u).get());
                    baselineUsers.add(fundedBase.get(u).get());
                }
            } finally {
                pool.shutdown();
            }
        }

        private String fund(String sub) throws Exception {
            http.send("POST", "/admin/accounts/" + sub + "/credits", admin,
                    "{\"amount\":\"100000000000\",\"fund\":\"CASH\",\"reason\":\"bench\"}", "Idempotency-Key", "fund-" + sub);
            return sub;
        }

        /** A two-way market in its own event (segment per path), priced once through the feed, opened. */
        Market market(String segment) throws Exception {
            String pm = "hot-" + UUID.randomUUID();
            String event = http.send("POST", "/admin/events", admin,
                    "{\"name\":\"bench\",\"startsAt\":\"2026-12-01T18:00:00Z\",\"segment\":\"bench-" + segment + "\"}")
                    .path("eventId").asText();
            JsonNode m = http.send("POST", "/admin/markets", admin, "{\"eventId\":\"" + event + "\",\"name\":\"m\","
                    + "\"selections\":[{\"name\":\"A\"},{\"name\":\"B\"}],\"feed\":{\"provider\":\"acme\",\"providerMarketId\":\""
                    + pm + "\",\"selections\":{\"1\":0,\"2\":1}}}");
            Market market = new Market(m.path("marketId").asText(), pm,
                    List.of(m.path("selections").get(0).path("selectionId").asText(), m.path("selections").get(1).path("selectionId").asText()));
            feed(market, 1, "0.5");
            long v = 0;
            for (int i = 0; i < 200 && v == 0; i++) {
                Thread.sleep(50);
                v = http.send("GET", "/markets/" + market.id, admin, null).path("price").path("priceVersion").asLong(0);
            }
            market.version.set(v);
            http.send("POST", "/admin/markets/" + market.id + "/state", admin, "{\"state\":\"OPEN\"}");
            return market;
        }

        void feed(Market m, long sequence, String p) {
            env.deployment().clients().sqs().sendMessage(b -> b.queueUrl(env.queueUrls(Queues.FEED).url())
                    .messageGroupId(m.providerId).messageDeduplicationId(m.providerId + ":" + sequence)
                    .messageBody("{\"provider\":\"acme\",\"providerMarketId\":\"" + m.providerId + "\",\"sequence\":" + sequence
                            + ",\"sourceTimestamp\":\"" + Instant.now() + "\",\"selections\":["
                            + "{\"providerSelectionId\":\"1\",\"probability\":\"" + p + "\"},{\"providerSelectionId\":\"2\",\"probability\":\""
                            + new java.math.BigDecimal("1").subtract(new java.math.BigDecimal(p)).toPlainString() + "\"}]}"));
        }
    }

    /** A market as the clients know it: the version they order at, taken from the last PRICE_CHANGED. */
    static final class Market {
        final String id;
        final String providerId;
        final List<String> selections;
        final AtomicLong version = new AtomicLong();
        final AtomicLong sequence = new AtomicLong(1);

        Market(String id, String providerId, List<String> selections) {
            this.id = id;
            this.providerId = providerId;
            this.selections = selections;
        }
    }

    /** One answer as a client saw it. */
    record Answer(int status, String code, long version, long receivedNanos, long latencyNanos) {}

    interface Handler {
        APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent e, com.amazonaws.services.lambda.runtime.Context c);
    }

    /** Closed-loop clients: user {@code u} is driven by thread {@code u mod threads}, one order in flight each. */
    static List<Answer> drive(Handler handler, List<String> users, List<Market> markets, int threads, long untilNanos,
                              AtomicBoolean stop) throws Exception {
        ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> jobs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final int me = t;
            jobs.add(pool.submit(() -> {
                List<String> mine = new ArrayList<>();
                for (int u = me; u < users.size(); u += threads) {
                    mine.add(users.get(u));
                }
                if (mine.isEmpty()) {
                    return null;
                }
                ThreadLocalRandom r = ThreadLocalRandom.current();
                for (int i = 0; System.nanoTime() < untilNanos && !stop.get(); i++) {
                    String sub = mine.get(i % mine.size());
                    Market m = markets.get(r.nextInt(markets.size()));
                    long v = m.version.get();
                    String body = "{\"marketId\":\"" + m.id + "\",\"selectionId\":\"" + m.selections.get(r.nextInt(2))
                            + "\",\"stake\":\"1000\",\"priceVersion\":" + v + "}";
                    String ip = "10." + (Math.abs(sub.hashCode()) % 250) + "." + (me % 250) + ".7";
                    long s = System.nanoTime();
                    APIGatewayV2HTTPResponse resp = handler.handleRequest(event(sub, UUID.randomUUID().toString(), body, ip), null);
                    long e = System.nanoTime();
                    JsonNode json = Json.parseTrusted(resp.getBody());
                    String code = json.path("error").path("code").asText("");
                    if ("PRICE_CHANGED".equals(code)) {
                        m.version.accumulateAndGet(json.path("error").path("details").path("currentPriceVersion").asLong(), Math::max);
                    }
                    answers.add(new Answer(resp.getStatusCode(), code, v, e, e - s));
                }
                return null;
            }));
        }
        for (Future<?> j : jobs) {
            j.get();
        }
        pool.shutdown();
        return new ArrayList<>(answers);
    }

    static Phase phase(String path, String load, Handler handler, List<String> users, List<Market> markets, Fixture f,
                       int seconds, int threads, FaithfulDynamo faithful, CapacityMeter calls) throws Exception {
        System.out.printf("%s, %s: %d users on %d market(s), %d s...%n", path, load, users.size(), markets.size(), seconds);
        faithful.meter().reset();
        calls.reset();
        long t0 = System.nanoTime();
        List<Answer> answers = drive(handler, users, markets, threads, t0 + Duration.ofSeconds(seconds).toNanos(), new AtomicBoolean());
        double took = (System.nanoTime() - t0) / 1e9;
        FaithfulMeter.Snapshot snap = faithful.meter().snapshot();
        Map<String, Integer> byAnswer = new TreeMap<>();
        Latencies lat = new Latencies();
        int accepted = 0;
        for (Answer a : answers) {
            byAnswer.merge(a.status() + (a.code().isEmpty() ? "" : " " + a.code()), 1, Integer::sum);
            lat.recordNanos(a.latencyNanos());
            if (a.status() == 201) {
                accepted++;
            }
        }
        Phase p = new Phase(path, load, accepted, byAnswer, took, lat.p50(), lat.p99(), snap, calls.calls());
        System.out.printf("  %d accepted in %.1f s (%.1f/s here), answers %s%n", accepted, took, p.perSecondLocal(), byAnswer);
        return path.equals("warm-up") ? null : p;
    }

    /** The contract's bounds, measured under broadcast load on today's path. */
    record Bounds(double priceCommitMs, double lastOldCommitMs, double haltToLastCommitMs, long oldVersion, long newVersion,
                  int acceptedAtOld, int acceptedAfterHalt) {}

    static Bounds bounds(LocalHoldfast env, Fixture f, OrdersApi today, int threads, double dilation) throws Exception {
        System.out.println("bounds under broadcast load: a price update, then a halt...");
        long readGuardLocal = (long) (100 * dilation);
        long gateLocal = (long) (500 * dilation);
        long run = 3 * readGuardLocal + 2 * gateLocal + 4_000;
        AtomicBoolean stop = new AtomicBoolean();
        long t0 = System.nanoTime();
        Future<List<Answer>> load = Executors.newSingleThreadExecutor().submit(() ->
                drive(today::handleRequest, f.users, List.of(f.todayHot), threads, t0 + Duration.ofMillis(run).toNanos(), stop));
        Thread.sleep(Math.max(2_000, readGuardLocal));

        // a price update through the real feed queue; its commit is when the market item shows the new version
        DynamoDbClient direct = DynamoDbClient.builder().region(software.amazon.awssdk.regions.Region.of("us-east-1"))
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("holdfast", "holdfast")))
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
                .endpointOverride(java.net.URI.create(env.endpoints().path("dynamodbDirectEndpoint").asText())).build();
        String marketsTable = env.deployment().names().table(dev.holdfast.resources.Tables.MARKETS);
        Map<String, AttributeValue> key = dev.holdfast.persistence.markets.MarketStore.marketKey(f.todayHot.id);
        Function<Void, Long> version = x -> Long.parseLong(direct.getItem(b -> b.tableName(marketsTable).key(key).consistentRead(true))
                .item().get("priceVersion").n());
        long oldVersion = version.apply(null);
        long sent = System.nanoTime();
        f.feed(f.todayHot, f.todayHot.sequence.incrementAndGet() + 1, "0.4");
        long newVersion = oldVersion;
        while (newVersion == oldVersion && System.nanoTime() - sent < 30_000_000_000L) {
            Thread.sleep(2);
            newVersion = version.apply(null);
        }
        long committed = System.nanoTime();
        Thread.sleep(3 * readGuardLocal + 1_000);

        // the halt, through the real admin route
        String body = "{\"mode\":\"TRADING_HALTED\",\"notice\":\"hot-market bench halt\"}";
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(env.apiBaseUrl() + "/admin/maintenance")).header("Authorization", "Bearer " + f.admin)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        long haltAnswered = System.nanoTime();
        if (r.statusCode() != 200) {
            throw new IllegalStateException("halt: " + r.body());
        }
        List<Answer> answers = load.get();
        stop.set(true);
        f.http.send("POST", "/admin/maintenance", f.admin, "{\"mode\":\"NORMAL\"}");
        direct.close();

        long lastOld = 0;
        int atOld = 0;
        long lastBeforeHalt = 0;
        int afterHalt = 0;
        for (Answer a : answers) {
            if (a.status() != 201) {
                continue;
            }
            if (a.version() == oldVersion) {
                atOld++;
                lastOld = Math.max(lastOld, a.receivedNanos());
            }
            lastBeforeHalt = Math.max(lastBeforeHalt, a.receivedNanos());
            if (a.receivedNanos() > haltAnswered) {
                afterHalt++;
            }
        }
        double priceCommit = (committed - sent) / 1e6;
        double lastOldMs = Math.max(0, (lastOld - committed) / 1e6);
        double halt = Math.max(0, (lastBeforeHalt - haltAnswered) / 1e6);
        System.out.printf("  price update: visible %.0f ms after the feed message (here); last commit at the superseded version %.0f ms after (here)%n",
                priceCommit, lastOldMs);
        System.out.printf("  halt: last commit %.0f ms after the answer (here), %d commits after it%n", halt, afterHalt);
        return new Bounds(priceCommit, lastOldMs, halt, oldVersion, newVersion, atOld, afterHalt);
    }

    static void report(List<Phase> phases, Bounds b, double f, long hold, int users, int threads) {
        System.out.println();
        System.out.printf(Locale.ROOT, "## hot-market (AWS-faithful: dilation %.0f, hold %d ms × %.0f; %d users per path, %d closed-loop clients)%n",
                f, hold, f, users, threads);
        System.out.println();
        System.out.println("| path | load | accepted/s AWS-eq | answers | p50 / p99 ms AWS-eq | conflicts / accepted | throttles / accepted | round trips / accepted | WCU / accepted | RCU / accepted | partition ceiling (orders/s) |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        for (Phase p : phases) {
            int a = Math.max(1, p.accepted());
            FaithfulMeter.Snapshot s = p.meter();
            double ceiling = ceiling(s, a);
            System.out.printf(Locale.ROOT, "| %s | %s | %.0f | %s | %.1f / %.1f | %.2f | %.2f | %.2f | %.1f | %.1f | %.0f |%n",
                    p.path(), p.load(), p.perSecondLocal() * f, p.answers(), p.p50() / f, p.p99() / f,
                    (double) (s.conflictCancellations() + s.plainWriteConflicts()) / a, (double) s.throttledRequests() / a,
                    (double) p.calls() / a, s.totalWcu() / a, s.totalRcu() / a, ceiling);
            String name = p.path() + ", " + p.load();
            BenchRecord.figure(BENCH, name + ": accepted orders/s (AWS-equivalent)", p.perSecondLocal() * f, "orders/s");
            BenchRecord.figure(BENCH, name + ": conflict cancellations per accepted order",
                    (double) (s.conflictCancellations() + s.plainWriteConflicts()) / a, "conflicts");
            BenchRecord.figure(BENCH, name + ": round trips per accepted order", (double) p.calls() / a, "calls");
            BenchRecord.figure(BENCH, name + ": write units per accepted order", s.totalWcu() / a, "WCU");
            BenchRecord.figure(BENCH, name + ": partition ceiling", ceiling, "orders/s");
        }
        System.out.println();
        System.out.println("DynamoDB requests per accepted order, by operation (the warm path is one BatchGetItem and one TransactWriteItems;"
                + " more come from retries after conflicts, market re-reads past the read guard, cache refreshes and first bucket reads):");
        for (Phase p : phases) {
            int a = Math.max(1, p.accepted());
            StringBuilder ops = new StringBuilder();
            p.meter().requests().forEach((op, n) -> ops.append(String.format(Locale.ROOT, " %s %.2f", op, (double) n / a)));
            System.out.printf("  %s, %s:%s%n", p.path(), p.load(), ops);
        }
        for (Phase p : phases) {
            int a = Math.max(1, p.accepted());
            System.out.println();
            System.out.printf("hottest partition keys, %s, %s (units per accepted order; ≥ 0.5 means about every order touches it):%n", p.path(), p.load());
            for (FaithfulMeter.PartitionStats k : p.meter().hottest(10)) {
                System.out.printf(Locale.ROOT, "  %-90s WCU %.3f  RCU %.3f  conflicts %d  throttles %d  ceiling %.0f/s%n",
                        shorten(k.key()), k.wcu() / a, k.rcu() / a, k.conflicts(), k.throttles(), keyCeiling(k, a));
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "bounds under broadcast load (Holdfast; AWS-equivalent = here ÷ %.0f):%n", f);
        System.out.printf(Locale.ROOT, "  price update commits: %.0f ms here (feed queue → visible), %.0f ms AWS-eq (bound 1,000 ms)%n",
                b.priceCommitMs(), b.priceCommitMs() / f);
        System.out.printf(Locale.ROOT, "  last commit at the superseded version %d: %.0f ms after the update here, %.0f ms AWS-eq (bound 250 ms); %d commits at it in the run%n",
                b.oldVersion(), b.lastOldCommitMs(), b.lastOldCommitMs() / f, b.acceptedAtOld());
        System.out.printf(Locale.ROOT, "  halt answered → last commit: %.0f ms here, %.0f ms AWS-eq (bound 1,000 ms); %d commits after the answer%n",
                b.haltToLastCommitMs(), b.haltToLastCommitMs() / f, b.acceptedAfterHalt());
        BenchRecord.figure(BENCH, "price update commit under broadcast load (AWS-eq)", b.priceCommitMs() / f, "ms");
        BenchRecord.figure(BENCH, "price update → last commit at the superseded version (AWS-eq)", b.lastOldCommitMs() / f, "ms");
        BenchRecord.figure(BENCH, "halt answered → last order commit (AWS-eq)", b.haltToLastCommitMs() / f, "ms");
    }

    /** The AWS order rate at which the hottest key reaches its partition's limit (1,000 WCU/s, 3,000 RCU/s). */
    static double ceiling(FaithfulMeter.Snapshot s, int accepted) {
        double best = Double.MAX_VALUE;
        for (FaithfulMeter.PartitionStats k : s.partitions().values()) {
            best = Math.min(best, keyCeiling(k, accepted));
        }
        return best;
    }

    static double keyCeiling(FaithfulMeter.PartitionStats k, int accepted) {
        double w = k.wcu() / accepted;
        double r = k.rcu() / accepted;
        double c = Double.MAX_VALUE;
        if (w > 0) {
            c = Math.min(c, FaithfulDynamo.PARTITION_WCU_PER_SECOND / w);
        }
        if (r > 0) {
            c = Math.min(c, FaithfulDynamo.PARTITION_RCU_PER_SECOND / r);
        }
        return c;
    }

    private static String shorten(String key) {
        return key.replace(LocalHoldfast.PREFIX, "");
    }

    /** An API Gateway (payload 2.0) {@code POST /orders} event from {@code sourceIp}, as the JWT authorizer passes it. */
    static APIGatewayV2HTTPEvent event(String sub, String key, String body, String sourceIp) {
        return APIGatewayV2HTTPEvent.builder().withVersion("2.0").withRouteKey("POST /orders").withRawPath("/orders")
                .withHeaders(Map.of("idempotency-key", key, "content-type", "application/json")).withBody(body)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId(UUID.randomUUID().toString())
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("POST").withPath("/orders")
                                .withSourceIp(sourceIp).build())
                        .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                                        .withClaims(Map.of("sub", sub)).build()).build())
                        .build())
                .build();
    }

}
