package dev.holdfast.local.drill;

import dev.holdfast.runtime.AwsClients;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;
import dev.holdfast.local.bank.StandInBank;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * An operator's worst night: the whole environment dies with {@code SIGKILL} (no shutdown hook)
 * in the middle of everything, and again, and again, each time restarted on the same
 * {@code --data-dir}. The environment runs as its own JVM ({@code LocalHoldfast}'s command line, at
 * AWS's timing in a full run); the stand-in bank runs in the drill's JVM, so its book survives the
 * kills.
 *
 * <p>The workload: traders' orders on several markets, one market of at least 1,000 accepted
 * orders (small: 120) settled with a winner and one voided, withdrawals while the bank answers
 * late (books at once, confirms after the client gave up), signups through the waiting room with
 * the identity verifier throttled, feed prices and orders flowing on an open market. Then
 * {@code SIGKILL} at seeded random moments (the first while settlement is under way), restart on
 * the same data, several times. After the last restart the bank answers promptly again and the
 * drill measures, per pipeline, the time from the restart to drained.
 *
 * <p>Must hold after the last restart: every accepted order on the settled markets settled exactly
 * once (one {@code PAYOUT} per winning order, one {@code REFUND} per voided one, none per losing
 * one, each wallet = funding − stakes + what its orders paid); every withdrawal ended once, and the
 * bank's book matches (nothing booked twice, its total = what Holdfast completed); every signup
 * verified with its own account; every queue and dead-letter queue empty; zero drift; every
 * pipeline drained within 60 s of the restart.
 *
 * <p>Sabotage: once everything drained, a test hook copies one winning order's {@code PAYOUT}
 * ledger entry (as if it had been paid twice).
 */
public final class CrashDrill extends AbstractDrill {
    /** Tells the drill's signing-up people apart (see {@code signups}). */
    private static final java.util.concurrent.atomic.AtomicInteger PEOPLE = new java.util.concurrent.atomic.AtomicInteger();

    static final String NAME = "crash";
    public static final String SETTLED_ONCE = "every accepted order settled exactly once, wallets exact";
    public static final String RESUMED = "every pipeline resumed within 60 s of the last restart";
    public static final String DRAINED = "every pipeline drained, within 60 s of resuming (plus the settlement's own remaining work)";
    static final Duration BOUND = Duration.ofSeconds(60);
    static final String FUNDING = "1000000";

    public CrashDrill(DrillSettings settings) {
        super(NAME, "SIGKILL of the whole environment mid-settlement, mid-withdrawal and mid-signup, restarted on its data"
                + " several times: everything settled, paid and opened exactly once, every pipeline drained within 60 s", settings);
    }

    /** The environment as its own JVM on a data folder; killed with SIGKILL. */
    private final class EnvProcess {
        final Process process;
        final JsonNode endpoints;
        final long launchedNanos;
        final long readyNanos;
        final double readySeconds;

        EnvProcess(Path dataDir, int n, double timeScale, String bankUrl) throws Exception {
            Path endpointsFile = settings.workDir().toAbsolutePath().resolve("crash-endpoints-" + n + ".json");
            Files.deleteIfExists(endpointsFile);
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx768m",
                    "-cp", System.getProperty("java.class.path"), LocalHoldfast.class.getName(),
                    "--port", "0", "--endpoints-file", endpointsFile.toString(), "--data-dir", dataDir.toString(),
                    "--time-scale", Double.toString(timeScale), "--bank-url", bankUrl));
            launchedNanos = System.nanoTime();
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(settings.workDir().toAbsolutePath().resolve("crash.log").toFile()))
                    .start();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!(Files.exists(endpointsFile) && Files.size(endpointsFile) > 0)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the environment died while starting (see crash.log)");
                }
                if (System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new IllegalStateException("the environment did not start within 120 s");
                }
                Thread.sleep(50);
            }
            Thread.sleep(100); // the file is written in one go, but be sure it is complete
            endpoints = Json.parse(Files.readString(endpointsFile));
            readyNanos = System.nanoTime();
            readySeconds = (readyNanos - launchedNanos) / 1e9;
        }

        String api() {
            return endpoints.path("apiBaseUrl").asText();
        }

        private DrillClient client;

        synchronized DrillClient client() {
            if (client == null) {
                client = new DrillClient(api());
            }
            return client;
        }

        void kill() throws InterruptedException {
            process.destroyForcibly(); // SIGKILL: no shutdown hook, nothing flushed by the process
            process.waitFor(30, TimeUnit.SECONDS);
        }

        private AwsClients aws;

        synchronized AwsClients aws() {
            if (aws == null) {
                aws = AwsClients.forEndpoints(URI.create(endpoints.path("dynamodbEndpoint").asText()),
                    URI.create(endpoints.path("sqsEndpoint").asText()), endpoints.path("region").asText());
            }
            return aws;
        }

        String queueUrl(String id, boolean dlq) {
            return endpoints.path("queues").path(LocalHoldfast.PREFIX + id + ".fifo").path(dlq ? "dlqUrl" : "url").asText();
        }
    }

    private record Trader(String sub, String token) {}

    @Override
    public DrillReport run(DrillProgress progress) throws Exception {
        DrillReport report = new DrillReport(NAME);
        Run r = new Run(progress, report);
        r.reportScale();
        try (StandInBank bank = StandInBank.start()) {
            r.startEnvironment(bank);
            try {
                r.setUp();
                r.placeOrders();
                r.withdrawAndSignUp();
                r.closeWithResults();
                r.startBackground();
                r.killAndRestartEachTime();
                r.noteWhatIsLeft();
                r.awaitResumedAndDrained();
                r.sabotage();
                r.checkInvariants();
                return report;
            } finally {
                if (r.current != null) {
                    r.current.kill();
                }
            }
        }
    }

    /**
     * One run of the drill: its scale, the environment process of the moment, the markets, traders,
     * withdrawals and signups, the background traffic, the kills and what was left at the last restart,
     * phase by phase.
     */
    private final class Run {
        final DrillProgress progress;
        final DrillReport report;
        final Random random = new Random(settings.seed());
        final double timeScale = settings.small() ? 0.25 : LocalOptions.AWS_TIME;
        final int kills = settings.scaled(3, 2);
        final int traderCount = settings.scaled(50, 12);
        final int bigOrders = settings.scaled(1000, 100);
        final int voidOrders = settings.scaled(100, 20);
        final int withdrawalCount = settings.scaled(20, 6);
        final int signupCount = settings.scaled(30, 8);
        final Path dataDir;
        final String run;
        final Map<String, JsonNode> markets = new LinkedHashMap<>();
        final Map<String, String> providerOf = new HashMap<>();
        final AtomicLong feedSequence = new AtomicLong(1);
        final List<Trader> traders = new ArrayList<>();
        final Map<String, String> withdrawalTokens = new LinkedHashMap<>();
        final Map<String, BigDecimal> withdrawalAmounts = new HashMap<>();
        final List<String> signupIds = new ArrayList<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger backgroundOrders = new AtomicInteger();
        final Map<String, Integer> backgroundAnswers = new java.util.concurrent.ConcurrentSkipListMap<>();
        final AtomicInteger backgroundErrors = new AtomicInteger();
        final AtomicLong lastFeedSent = new AtomicLong(1);
        final List<String> killTimes = new ArrayList<>();
        final List<String> resumptions = new ArrayList<>();
        /** The environment process of the moment: the first one, then each restart's; killed at the end. */
        volatile EnvProcess current;
        StandInBank bank;
        /** The first environment's client (the setup and the orders to settle), and the current environment's. */
        DrillClient setup;
        DrillClient api;
        String admin;
        Thread background;
        String markAtKill = "";
        long paceFrom;
        long paceFromOrders;
        /** Orders settled per second before the first kill, on this machine. */
        double pace;
        Instant finalPrice;
        String markAtRestart;
        double settlementWork;
        Set<String> withdrawalsAtRestart;
        Set<String> signupsAtRestart;

        Run(DrillProgress progress, DrillReport report) throws Exception {
            this.progress = progress;
            this.report = report;
            Files.createDirectories(settings.workDir());
            this.dataDir = Files.createTempDirectory(settings.workDir().toAbsolutePath(), "crash-data-");
            this.run = UUID.randomUUID().toString().substring(0, 8);
        }

        void reportScale() {
            report.figure("scale", String.format(Locale.ROOT, "%d kills; %d orders on the settled market, %d on the voided one,"
                            + " %d withdrawals, %d signups; visibility timeouts x %.2f of AWS's (%s)", kills, bigOrders, voidOrders,
                    withdrawalCount, signupCount, timeScale, timeScale == 1 ? "AWS timing" : "scaled by the environment's one time scale"));
        }

        /** The environment as its own JVM on fresh data, the bank in this one. */
        void startEnvironment(StandInBank bank) throws Exception {
            this.bank = bank;
            progress.step("starting the environment as its own JVM on " + dataDir);
            current = new EnvProcess(dataDir, 0, timeScale, bank.url());
            report.figure("start-up", String.format(Locale.ROOT, "%.1f s to ready (fresh data)", current.readySeconds));
        }

        String marketId(String role) {
            return markets.get(role).path("marketId").asText();
        }

        /** A risk config without limits in the way, the settled, voided and open markets priced and open, funded traders. */
        void setUp() {
            setup = new DrillClient(current.api());
            api = setup;
            admin = api.admin();
            progress.step("risk config, three markets, " + traderCount + " traders");
            api.changeRiskConfig(c -> {
                String max = "999999999999999";
                ((ObjectNode) c.path("stake")).put("max", max);
                ((ObjectNode) c.path("limits")).put("global", max);
                for (String s : List.of("event", "user", "segment")) {
                    ((ObjectNode) c.path("limits").path(s)).put("default", max);
                }
                ((ObjectNode) c.path("feed")).put("keepSeconds", 1800);
                ((ObjectNode) c.path("feed")).put("suspendAfterSeconds", 3600);
                ((ObjectNode) c.path("rateLimits")).put("ordersPerUserPerMinute", 100_000);
                ((ObjectNode) c.path("rateLimits")).put("ordersPerAddressPerMinute", 100_000);
            }, "drill crash");
            for (String role : List.of("settled", "voided", "open")) {
                String pm = "crash-" + role + "-" + run;
                String marketId = api.market(pm).path("marketId").asText();
                sendFeed(current, pm, 1);
                JsonNode m = api.awaitMarket(marketId, v -> !v.path("price").isNull(), Duration.ofSeconds(60));
                api.openMarket(marketId);
                markets.put(role, m);
                providerOf.put(role, pm);
            }
            for (int i = 0; i < traderCount; i++) {
                String sub = "crash-trader-" + i + "-" + run;
                api.fund(sub, FUNDING, "CASH");
                traders.add(new Trader(sub, api.token(sub)));
            }
        }

        /** The orders on the markets to settle and to void, eight at a time, each accepted (503 and 429 retried). */
        void placeOrders() throws Exception {
            progress.step(bigOrders + " + " + voidOrders + " orders on the markets to settle");
            AtomicInteger placed = new AtomicInteger();
            progress.live(() -> placed.get() + " orders placed");
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> jobs = new ArrayList<>();
                for (int i = 0; i < bigOrders + voidOrders; i++) {
                    int n = i;
                    String role = n < bigOrders ? "settled" : "voided";
                    JsonNode m = markets.get(role);
                    Trader t = traders.get(n % traders.size());
                    String selection = m.path("selections").get(n % 2).path("selectionId").asText();
                    String stake = Integer.toString(1000 + (n % 7) * 100);
                    jobs.add(pool.submit(() -> {
                        String body = DrillClient.orderBody(m.path("marketId").asText(), selection, stake,
                                m.path("price").path("priceVersion").asLong());
                        DrillClient.Reply r = setup.order(t.token(), "o-" + n, body);
                        // 503 (the risk pipeline's fail-close on a loaded machine) and 429 commit nothing: the same key again
                        for (int tries = 0; tries < 600 && (r.status() == 503 || r.status() == 429); tries++) {
                            DrillClient.sleep(200);
                            r = setup.order(t.token(), "o-" + n, body);
                        }
                        if (r.status() != 201) {
                            throw new IllegalStateException("drill setup: order answered " + r.status() + " " + r.raw());
                        }
                        placed.incrementAndGet();
                    }));
                }
                for (Future<?> f : jobs) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
        }

        /**
         * Withdrawals from accounts of their own while the bank answers late; signups through a rollout with one
         * cohort, every device admitted and signing up while the verifier is throttled.
         */
        void withdrawAndSignUp() throws Exception {
            progress.step(withdrawalCount + " withdrawals, the bank answering late; " + signupCount + " signups through the waiting room");
            bank.mode(StandInBank.Mode.LATE).lateMillis(3_000);
            withdraw(api, 0, withdrawalCount, run, withdrawalTokens, withdrawalAmounts);
            signupIds.addAll(signups(api, current, signupCount, run));
        }

        /** Both markets to settle closed; the settled one's winner and the voided one's void posted (settlement starts). */
        void closeWithResults() {
            for (String role : List.of("settled", "voided")) {
                api.expect(200, "POST", "/admin/markets/" + marketId(role) + "/state", admin, "{\"state\":\"CLOSED\"}");
            }
            api.expect(202, "POST", "/admin/markets/" + marketId("settled") + "/result", admin,
                    "{\"winningSelectionId\":\"" + markets.get("settled").path("selections").get(0).path("selectionId").asText() + "\"}",
                    "Idempotency-Key", "result-" + run);
            api.expect(202, "POST", "/admin/markets/" + marketId("voided") + "/result", admin,
                    "{\"void\":true}", "Idempotency-Key", "void-" + run);
        }

        /** Feed prices and orders on the open market every 200 ms, whatever the environment's state, until stopped. */
        void startBackground() {
            background = new Thread(() -> {
                JsonNode open = markets.get("open");
                String openId = open.path("marketId").asText();
                int k = 0;
                while (!stop.get()) {
                    EnvProcess e = current;
                    try {
                        long seq = feedSequence.incrementAndGet();
                        sendFeed(e, providerOf.get("open"), seq);
                        lastFeedSent.set(seq);
                        JsonNode view = e.client().marketView(openId);
                        Trader t = traders.get(k % traders.size());
                        DrillClient.Reply r = e.client().order(t.token(), "bg-" + k, DrillClient.orderBody(openId,
                                open.path("selections").get(k % 2).path("selectionId").asText(), "1000",
                                view.path("price").path("priceVersion").asLong()));
                        if (r.status() == 201) {
                            backgroundOrders.incrementAndGet();
                        }
                        backgroundAnswers.merge(r.status() + (r.code() == null ? "" : " " + r.code()), 1, Integer::sum);
                        k++;
                    } catch (RuntimeException down) {
                        // the environment is being killed or restarted: try again shortly
                        backgroundAnswers.merge("no answer (" + down.getClass().getSimpleName() + ")", 1, Integer::sum);
                        if (backgroundErrors.getAndIncrement() < 3) {
                            down.printStackTrace();
                        }
                    }
                    sleepQuietly(200);
                }
            }, "crash-background");
            background.setDaemon(true);
            background.start();
        }

        /** Every kill and restart on the same data; the background stops at the last kill. */
        void killAndRestartEachTime() throws Exception {
            try {
                for (int k = 1; k <= kills; k++) {
                    killAndRestartOnce(k);
                }
            } finally {
                stop.set(true);
            }
            background.join(5_000);
            report.figure("kills", String.join("; ", killTimes));
            report.figure("settlement resumed (first newly settled order)", String.join("; ", resumptions)
                    + " (from the restarted environment being ready)");
            report.figure("last restart", String.format(Locale.ROOT, "ready %.1f s after launch", current.readySeconds));
        }

        /**
         * Kill {@code k}: once the settlement is a seeded share of the way (20-60 %) for the first; a seeded moment
         * after the settlement resumed following the restart (its bookmark moved again) for every later one.
         */
        private void killAndRestartOnce(int k) throws Exception {
            long target = Math.round(bigOrders * (0.2 + 0.4 * random.nextDouble()));
            long waitMs = k == 1 ? random.nextInt(1_000) : 500 + random.nextInt(2_500);
            progress.step(k == 1
                    ? String.format(Locale.ROOT, "kill 1 of %d: SIGKILL %.1f s after %d orders are settled", kills, waitMs / 1000.0, target)
                    : String.format(Locale.ROOT, "kill %d of %d: SIGKILL %.1f s after the settlement resumed", k, kills, waitMs / 1000.0));
            if (k == kills && k > 1) {
                // a second wave, so that withdrawals and signups are in flight at the last kill too
                progress.step(String.format(Locale.ROOT, "kill %d of %d: first %d more withdrawals and %d more signups",
                        k, kills, withdrawalCount / 2, signupCount / 2));
                withdraw(api, withdrawalCount, withdrawalCount / 2, run, withdrawalTokens, withdrawalAmounts);
                signupIds.addAll(signups(api, current, signupCount / 2, run + "-2"));
            }
            awaitKillMoment(k, target);
            if (k > 1) {
                resumptions.add(String.format(Locale.ROOT, "after restart %d: %.1f s", k - 1, (System.nanoTime() - current.readyNanos) / 1e9));
            }
            Thread.sleep(waitMs);
            markAtKill = settlementMark(api, marketId("settled"));
            current.kill();
            killTimes.add(String.format(Locale.ROOT, "%d at settlement bookmark %s", k, markAtKill));
            if (k == kills) {
                stop.set(true);
                bank.mode(StandInBank.Mode.SUCCEED); // after the last restart the bank answers promptly again
            }
            progress.step("restart " + k + " on the same data");
            current = new EnvProcess(dataDir, k, timeScale, bank.url());
            api = new DrillClient(current.api());
        }

        /** Waits (at most 240 s, or until the settlement finished) for kill {@code k}'s moment; the first measures the pace. */
        private void awaitKillMoment(int k, long target) {
            String settledId = marketId("settled");
            long waitUntil = System.nanoTime() + Duration.ofSeconds(240).toNanos();
            while (System.nanoTime() < waitUntil && !settlementFinished(api, settledId)) {
                long n = settled(api, settledId);
                if (k == 1 && n > 0 && paceFrom == 0) {
                    paceFrom = System.nanoTime();
                    paceFromOrders = n;
                }
                if (k == 1 ? n >= target : !settlementMark(api, settledId).equals(markAtKill)) {
                    break;
                }
                sleepQuietly(100);
            }
            if (k == 1 && paceFrom > 0) {
                long n = settled(api, settledId);
                double secs = (System.nanoTime() - paceFrom) / 1e9;
                pace = secs > 0 && n > paceFromOrders ? (n - paceFromOrders) / secs : 0;
            }
        }

        /** One more price, the settlement's bookmark and pace, and the withdrawals and signups still PENDING at the last restart. */
        void noteWhatIsLeft() {
            progress.step("after the last restart: waiting for every pipeline to resume and drain");
            // one more price, which FIFO keeps behind any of the market's messages still in flight from before the kill
            long finalSequence = feedSequence.incrementAndGet();
            finalPrice = sendFeed(current, providerOf.get("open"), finalSequence);
            lastFeedSent.set(finalSequence);
            String settledId = marketId("settled");
            markAtRestart = settlementMark(api, settledId);
            long leftToSettle = Math.max(0, bigOrders - settled(api, settledId));
            settlementWork = pace > 0 ? leftToSettle / pace : 0;
            report.figure("settlement pace", String.format(Locale.ROOT,
                    "%.1f orders/s before the first kill on this machine; about %d orders left at the last restart: %.0f s of work",
                    pace, leftToSettle, settlementWork));
            withdrawalsAtRestart = new HashSet<>();
            withdrawalTokens.forEach((id, token) -> {
                if ("PENDING".equals(api.get("/wallet/withdrawals/" + id, token).json().path("status").asText())) {
                    withdrawalsAtRestart.add(id);
                }
            });
            signupsAtRestart = new HashSet<>();
            signupIds.forEach(id -> {
                if ("PENDING".equals(api.get("/signup/" + id, null).json().path("status").asText())) {
                    signupsAtRestart.add(id);
                }
            });
            report.figure("left at the last restart", String.format(Locale.ROOT,
                    "settlement bookmark %s (of %d orders), %d of %d withdrawals and %d of %d signups PENDING",
                    markAtRestart, bigOrders, withdrawalsAtRestart.size(), withdrawalTokens.size(),
                    signupsAtRestart.size(), signupIds.size()));
        }

        /** Polls every pipeline until it resumed and drained (at most 5 minutes); reports the times and checks the bounds. */
        void awaitResumedAndDrained() {
            final DrillClient a = api;
            final EnvProcess e = current;
            String settledId = marketId("settled");
            String voidedId = marketId("voided");
            BooleanSupplier settlementDone = () -> state(a, settledId).equals("SETTLED") && state(a, voidedId).equals("VOIDED");
            BooleanSupplier feedDone = () -> finalPrice.equals(Rfc3339.parse(a.marketView(marketId("open"))
                    .path("price").path("sourceTimestamp").asText()));
            BooleanSupplier riskDone = () -> riskProbe(a, traders.get(0), markets.get("open"));
            Map<String, BooleanSupplier> resumed = new LinkedHashMap<>();
            resumed.put("settlement", () -> !settlementMark(a, settledId).equals(markAtRestart) || settlementDone.getAsBoolean());
            resumed.put("withdrawals", () -> withdrawalsAtRestart.isEmpty() || withdrawalsAtRestart.stream().anyMatch(id ->
                    !"PENDING".equals(a.get("/wallet/withdrawals/" + id, withdrawalTokens.get(id)).json().path("status").asText())));
            resumed.put("signups", () -> signupsAtRestart.isEmpty() || signupsAtRestart.stream().anyMatch(id ->
                    !"PENDING".equals(a.get("/signup/" + id, null).json().path("status").asText())));
            resumed.put("feed", feedDone);
            resumed.put("post-trade risk", riskDone);
            Map<String, BooleanSupplier> pipelines = new LinkedHashMap<>();
            pipelines.put("settlement", settlementDone);
            pipelines.put("withdrawals", () -> withdrawalsAtRestart.stream().noneMatch(id ->
                    "PENDING".equals(a.get("/wallet/withdrawals/" + id, withdrawalTokens.get(id)).json().path("status").asText())));
            pipelines.put("signups", () -> signupsAtRestart.stream().noneMatch(id ->
                    "PENDING".equals(a.get("/signup/" + id, null).json().path("status").asText())));
            pipelines.put("feed", feedDone);
            pipelines.put("post-trade risk", riskDone);
            pipelines.put("queues", () -> queuesEmpty(e));
            Map<String, Double> resumedAt = new LinkedHashMap<>();
            Map<String, Double> drained = new LinkedHashMap<>();
            long deadline = e.readyNanos + Duration.ofMinutes(5).toNanos();
            progress.live(() -> resumedAt.size() + " of " + resumed.size() + " pipelines resumed, " + drained.size() + " of "
                    + pipelines.size() + " drained: " + drained.keySet());
            while ((drained.size() < pipelines.size() || resumedAt.size() < resumed.size()) && System.nanoTime() < deadline) {
                poll(resumed, resumedAt, e.readyNanos);
                poll(pipelines, drained, e.readyNanos);
                sleepQuietly(250);
            }
            report.figure("restart to resumed", times(resumed.keySet(), resumedAt)
                    + " (from the restarted environment being ready)");
            report.figure("restart to drained", times(pipelines.keySet(), drained) + String.format(Locale.ROOT,
                    " (from the restarted environment being ready; add %.1f s for the time from the kill: a JVM and DynamoDB Local"
                            + " starting, which AWS does not have)", e.readySeconds));
            checkResumedAndDrained(resumed.keySet(), resumedAt, pipelines.keySet(), drained);
        }

        /** Every pipeline resumed within the bound; each drained within the bound of its resumption (the settlement's work added). */
        private void checkResumedAndDrained(Set<String> resumed, Map<String, Double> resumedAt, Set<String> pipelines,
                                            Map<String, Double> drained) {
            boolean allResumed = resumed.stream().allMatch(p -> resumedAt.containsKey(p) && resumedAt.get(p) <= BOUND.toSeconds());
            report.check(RESUMED, allResumed, "%s; bound %d s", times(resumed, resumedAt), BOUND.toSeconds());
            boolean allDrained = true;
            StringBuilder after = new StringBuilder();
            for (String p : pipelines) {
                Double d = drained.get(p);
                double from = resumedAt.getOrDefault(p, 0.0);
                double bound = BOUND.toSeconds() + (p.equals("settlement") || p.equals("queues") ? settlementWork : 0);
                allDrained &= d != null && d - from <= bound;
                after.append(after.length() == 0 ? "" : "; ").append(p).append(' ')
                        .append(d == null ? "NOT drained" : String.format(Locale.ROOT, "%.1f s after resuming", d - from));
            }
            report.check(DRAINED, allDrained, "%s; bound %d s, for the settlement (and the queues, which wait for it) plus %.0f s:"
                            + " its orders left at the restart at this machine's pace before the kills", after, BOUND.toSeconds(), settlementWork);
        }

        /** The sabotage hook, when asked for: a winning order's PAYOUT entry booked a second time. */
        void sabotage() {
            if (settings.sabotage()) {
                progress.step("sabotage: a winning order's PAYOUT entry booked a second time");
                payTwice(current, traders);
            }
        }

        /** Every order, withdrawal and signup, the queues, the drift; then the background traffic's figure. */
        void checkInvariants() {
            progress.step("checking every order, withdrawal and signup");
            checkSettlement(api, report, traders, markets);
            checkWithdrawals(api, report, bank, withdrawalTokens, withdrawalAmounts);
            checkSignups(api, report, signupIds);
            report.check("every queue and dead-letter queue drained", queuesEmpty(current), "%s", queueDepths(current));
            api.expect(202, "POST", "/admin/reconciliation/runs", admin, "{}", "Idempotency-Key", "recon-" + UUID.randomUUID());
            JsonNode recon = api.expect(200, "GET", "/admin/reconciliation/latest", admin, null);
            report.check("zero drift", recon.path("drift").asLong(-1) == 0, "drift %d %s", recon.path("drift").asLong(-1),
                    recon.path("mismatches").size() > 0 ? recon.path("mismatches").toString() : "");
            report.figure("background", backgroundOrders.get() + " orders accepted on the open market during the kills (answers "
                    + backgroundAnswers + "; 503 TRADING_HALTED is the risk pipeline's fail-close while it catches up); feed sequence "
                    + lastFeedSent.get());
        }
    }

    // ------------------------------------------------------------------------------ workload pieces

    /** Sends one price for {@code providerMarketId}; returns its {@code sourceTimestamp}, which the market's price then shows. */
    private static Instant sendFeed(EnvProcess env, String providerMarketId, long sequence) {
        Instant at = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        // odds differ from every one of the previous 200 sequences, so each message moves the price
        BigDecimal q = new BigDecimal("0.300").add(BigDecimal.valueOf(sequence % 200, 3));
        String p1 = q.toPlainString();
        String p2 = BigDecimal.ONE.subtract(q).toPlainString();
        String body = "{\"provider\":\"acme\",\"providerMarketId\":\"" + providerMarketId + "\",\"sequence\":" + sequence
                + ",\"sourceTimestamp\":\"" + at + "\",\"selections\":[{\"providerSelectionId\":\"1\",\"probability\":\""
                + p1 + "\"},{\"providerSelectionId\":\"2\",\"probability\":\"" + p2 + "\"}]}";
        env.aws().sqs().sendMessage(b -> b.queueUrl(env.queueUrl("feed", false)).messageBody(body).messageGroupId(providerMarketId)
                .messageDeduplicationId("acme:" + providerMarketId + ":" + sequence));
        return at;
    }

    /** {@code count} withdrawals, each from a funded account of its own (one per FIFO group). */
    private static void withdraw(DrillClient api, int from, int count, String run, Map<String, String> tokens,
                                 Map<String, BigDecimal> amounts) {
        for (int i = from; i < from + count; i++) {
            String sub = "crash-saver-" + i + "-" + run;
            api.fund(sub, "50000", "CASH");
            String token = api.token(sub);
            String amount = Integer.toString(1000 + i);
            String id = api.expect(202, "POST", "/wallet/withdrawals", token, DrillClient.withdrawalBody(amount),
                    "Idempotency-Key", "wd-" + i).path("withdrawalId").asText();
            tokens.put(id, token);
            amounts.put(id, new BigDecimal(amount));
        }
    }

    private List<String> signups(DrillClient api, EnvProcess env, int count, String run) throws Exception {
        // the verifier (in the environment's JVM) is throttled: signups wait in the queue through the kills
        HttpClient http = HttpClient.newHttpClient();
        http.send(HttpRequest.newBuilder(URI.create(env.endpoints.path("verifierUrl").asText() + "/control"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"capacityPerSecond\":2}")).build(), HttpResponse.BodyHandlers.ofString());
        ObjectNode body = Json.object();
        body.put("name", "crash drill " + run);
        body.put("admissionRatePerSecond", 50);
        body.put("admissionWindowSeconds", 3600);
        ArrayNode cs = body.putArray("cohorts");
        Instant opens = Instant.now().plusSeconds(2);
        ObjectNode c = cs.addObject();
        c.put("cohortId", "c1");
        c.put("label", "Cohort 1");
        c.put("opensAt", Rfc3339.format(opens));
        c.put("closesAt", Rfc3339.format(opens.plus(Duration.ofHours(2))));
        JsonNode created = api.expect(201, "POST", "/admin/rollouts", api.admin(), Json.write(body));
        String link = created.path("cohorts").get(0).path("link").asText();
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), opens).toMillis() + 300));
        List<String> tickets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ObjectNode b = Json.object();
            b.put("link", link);
            b.put("deviceId", "crash-device-" + i + "-" + run);
            tickets.add(api.expect(201, "POST", "/waiting-room/enter", null, Json.write(b)).path("ticketId").asText());
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String token = null;
            for (int tries = 0; tries < 300 && token == null; tries++) {
                JsonNode t = api.get("/waiting-room/tickets/" + tickets.get(i), null).json();
                if ("ADMITTED".equals(t.path("status").asText())) {
                    token = t.path("admissionToken").asText();
                } else {
                    sleepQuietly(100);
                }
            }
            if (token == null) {
                throw new IllegalStateException("drill setup: device " + i + " was never admitted");
            }
            ObjectNode person = Json.object();
            // a different person each time (one person gets one account: a repeat would be REJECTED DUPLICATE_PERSON)
            int n = PEOPLE.incrementAndGet();
            person.put("name", "Crash Person " + i + " " + Long.toString(System.nanoTime(), 36));
            person.put("birthDate", "1990-04-30");
            person.put("phone", String.format(java.util.Locale.ROOT, "+8210%08d", n));
            person.put("region", "Seoul");
            ids.add(api.expect(202, "POST", "/signup", token, Json.write(person)).path("signupId").asText());
        }
        return ids;
    }

    private static void poll(Map<String, BooleanSupplier> conditions, Map<String, Double> seen, long sinceNanos) {
        for (Map.Entry<String, BooleanSupplier> c : conditions.entrySet()) {
            if (!seen.containsKey(c.getKey())) {
                boolean done;
                try {
                    done = c.getValue().getAsBoolean();
                } catch (RuntimeException notYet) {
                    done = false;
                }
                if (done) {
                    seen.put(c.getKey(), (System.nanoTime() - sinceNanos) / 1e9);
                }
            }
        }
    }

    private static String times(Set<String> names, Map<String, Double> seen) {
        StringBuilder out = new StringBuilder();
        for (String n : names) {
            Double s = seen.get(n);
            out.append(out.length() == 0 ? "" : "; ").append(n).append(' ')
                    .append(s == null ? "NOT yet" : String.format(Locale.ROOT, "%.1f s", s));
        }
        return out.toString();
    }

    private static long settled(DrillClient api, String marketId) {
        return settlementView(api, marketId).path("ordersSettled").asLong(0);
    }

    /**
     * Where the settlement's bookmark is: pass, orders settled (a count that leaves out orders settled by an
     * invocation that crashed before saving its page) and the time of the last saved page.
     */
    private static String settlementMark(DrillClient api, String marketId) {
        JsonNode v = settlementView(api, marketId);
        return v.path("pass").asText("?") + " " + v.path("ordersSettled").asText("0") + " at " + v.path("updatedAt").asText("-");
    }

    private static boolean settlementFinished(DrillClient api, String marketId) {
        return "DONE".equals(settlementView(api, marketId).path("pass").asText());
    }

    private static JsonNode settlementView(DrillClient api, String marketId) {
        try {
            return api.get("/admin/markets/" + marketId + "/settlement", api.admin()).json();
        } catch (RuntimeException e) {
            return Json.object();
        }
    }

    private static String state(DrillClient api, String marketId) {
        return api.marketView(marketId).path("state").asText();
    }

    /** The risk pipeline is back: an order is accepted (no {@code RISK_BACKLOG} fail-close). */
    private static boolean riskProbe(DrillClient api, Trader t, JsonNode market) {
        String id = market.path("marketId").asText();
        JsonNode view = api.marketView(id);
        DrillClient.Reply r = api.order(t.token(), "probe-" + UUID.randomUUID(), DrillClient.orderBody(id,
                market.path("selections").get(0).path("selectionId").asText(), "1000", view.path("price").path("priceVersion").asLong()));
        return r.status() == 201;
    }

    private static Map<String, Long> queueDepths(EnvProcess env) {
        Map<String, Long> depths = new LinkedHashMap<>();
        {
            AwsClients aws = env.aws();
            for (String q : List.of("feed", "settlement", "withdrawals", "signups")) {
                for (boolean dlq : new boolean[]{false, true}) {
                    Map<String, String> attrs = aws.sqs().getQueueAttributes(b -> b.queueUrl(env.queueUrl(q, dlq))
                                    .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
                            .attributesAsStrings();
                    long n = attrs.values().stream().mapToLong(Long::parseLong).sum();
                    depths.put(q + (dlq ? "-dlq" : ""), n);
                }
            }
        }
        return depths;
    }

    private static boolean queuesEmpty(EnvProcess env) {
        return queueDepths(env).values().stream().allMatch(n -> n == 0);
    }

    // ------------------------------------------------------------------------------ checks

    private static void checkSettlement(DrillClient api, DrillReport report, List<Trader> traders, Map<String, JsonNode> markets) {
        String settledId = markets.get("settled").path("marketId").asText();
        String voidedId = markets.get("voided").path("marketId").asText();
        String winner = markets.get("settled").path("selections").get(0).path("selectionId").asText();
        long orders = 0;
        long wrong = 0;
        long wrongWallets = 0;
        List<String> examples = new ArrayList<>();
        for (Trader t : traders) {
            Map<String, List<JsonNode>> settlementEntries = new HashMap<>();
            for (JsonNode e : api.ledger(t.token())) {
                String type = e.path("type").asText();
                if (type.equals("PAYOUT") || type.equals("REFUND")) {
                    settlementEntries.computeIfAbsent(e.path("orderId").asText(), k -> new ArrayList<>()).add(e);
                }
            }
            BigDecimal expected = new BigDecimal(FUNDING);
            for (JsonNode o : api.orders(t.token())) {
                if (!"ACCEPTED".equals(o.path("status").asText())) {
                    continue;
                }
                String market = o.path("marketId").asText();
                BigDecimal stake = new BigDecimal(o.path("stake").asText());
                expected = expected.subtract(stake);
                List<JsonNode> got = settlementEntries.getOrDefault(o.path("orderId").asText(), List.of());
                if (!market.equals(settledId) && !market.equals(voidedId)) {
                    if (!got.isEmpty()) {
                        wrong++;
                    }
                    continue;
                }
                orders++;
                String wantType;
                BigDecimal wantAmount;
                if (market.equals(voidedId)) {
                    wantType = "REFUND";
                    wantAmount = stake;
                } else if (o.path("selectionId").asText().equals(winner)) {
                    wantType = "PAYOUT";
                    wantAmount = new BigDecimal(o.path("potentialPayout").asText());
                } else {
                    wantType = null;
                    wantAmount = BigDecimal.ZERO;
                }
                expected = expected.add(wantAmount);
                boolean ok = wantType == null ? got.isEmpty()
                        : got.size() == 1 && got.get(0).path("type").asText().equals(wantType)
                        && new BigDecimal(got.get(0).path("amount").asText()).compareTo(wantAmount) == 0;
                if (!ok) {
                    wrong++;
                    if (examples.size() < 3) {
                        examples.add(o.path("orderId").asText() + " wanted " + (wantType == null ? "nothing" : wantType + " " + wantAmount)
                                + ", got " + got.size() + " entries");
                    }
                }
            }
            JsonNode wallet = api.expect(200, "GET", "/wallet", t.token(), null);
            BigDecimal cash = new BigDecimal(wallet.path("cash").asText());
            if (cash.compareTo(expected) != 0) {
                wrongWallets++;
                if (examples.size() < 6) {
                    examples.add(t.sub() + " cash " + cash + ", expected " + expected);
                }
            }
        }
        report.check(SETTLED_ONCE, orders > 0 && wrong == 0 && wrongWallets == 0,
                "%d orders on the settled and voided markets; %d without exactly their one PAYOUT/REFUND; %d of %d wallets off %s",
                orders, wrong, wrongWallets, traders.size(), examples);
    }

    private static void checkWithdrawals(DrillClient api, DrillReport report, StandInBank bank, Map<String, String> tokens,
                                         Map<String, BigDecimal> amounts) {
        int completed = 0;
        int other = 0;
        int notInBank = 0;
        BigDecimal completedTotal = BigDecimal.ZERO;
        for (Map.Entry<String, String> w : tokens.entrySet()) {
            String status = api.get("/wallet/withdrawals/" + w.getKey(), w.getValue()).json().path("status").asText();
            if (status.equals("COMPLETED")) {
                completed++;
                completedTotal = completedTotal.add(amounts.get(w.getKey()));
                if (!bank.paid(w.getKey())) {
                    notInBank++;
                }
            } else {
                other++;
            }
        }
        report.check("every withdrawal ended once, the bank's book matching", other == 0 && notInBank == 0
                        && bank.doublePayments() == 0 && bank.paidTotal().compareTo(completedTotal) == 0,
                "%d of %d COMPLETED (%d not finished); completed but not in the bank's book %d; booked twice %d; bank total %s = completed %s",
                completed, tokens.size(), other, notInBank, bank.doublePayments(), bank.paidTotal().toPlainString(),
                completedTotal.toPlainString());
    }

    private static void checkSignups(DrillClient api, DrillReport report, List<String> signupIds) {
        Set<String> accounts = new HashSet<>();
        int verified = 0;
        for (String id : signupIds) {
            JsonNode s = api.get("/signup/" + id, null).json();
            if ("VERIFIED".equals(s.path("status").asText())) {
                verified++;
                accounts.add(s.path("accountId").asText());
            }
        }
        report.check("every signup one account", verified == signupIds.size() && accounts.size() == verified,
                "%d of %d signups VERIFIED, %d distinct accounts", verified, signupIds.size(), accounts.size());
    }

    /** The sabotage hook: one winning order's PAYOUT ledger entry, copied under the next sequence number. */
    private static void payTwice(EnvProcess env, List<Trader> traders) {
        {
            AwsClients aws = env.aws();
            String table = env.endpoints.path("tables").path("wallet").asText();
            for (Trader t : traders) {
                List<Map<String, AttributeValue>> items = new ArrayList<>(aws.dynamo().query(b -> b.tableName(table)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :l)")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("ACCOUNT#" + t.sub()),
                                ":l", AttributeValue.fromS("LEDGER#")))).items());
                Collections.reverse(items);
                for (Map<String, AttributeValue> item : items) {
                    if (item.values().stream().anyMatch(v -> "PAYOUT".equals(v.s()))) {
                        Map<String, AttributeValue> copy = new HashMap<>(item);
                        copy.put("sk", AttributeValue.fromS(String.format(Locale.ROOT, "LEDGER#%012d", 999_999_999L)));
                        aws.dynamo().putItem(b -> b.tableName(table).item(copy));
                        return;
                    }
                }
            }
        }
        throw new IllegalStateException("sabotage: no PAYOUT entry found");
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
