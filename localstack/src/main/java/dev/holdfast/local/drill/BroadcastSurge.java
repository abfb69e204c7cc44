package dev.holdfast.local.drill;

import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.reconciliation.ReconciliationReader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.domain.reconciliation.ReconciliationReport;
import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;
import dev.holdfast.local.faults.Latency;
import dev.holdfast.local.faults.Throttling;
import dev.holdfast.resources.Functions;
import dev.holdfast.resources.Tables;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A promotional broadcast sends 10× the usual order traffic while DynamoDB is degraded (a share
 * of calls throttled past the SDK's retries, more throttled and retried, every call slowed). The
 * orders function runs on a degraded deployment behind a second gateway; every other function
 * (feed, risk, reads) stays healthy. Paired users — one paying with BONUS, one with CASH — send
 * identical traffic.
 *
 * <p>Must hold: every refusal is a clear {@code 429 RATE_LIMITED} (with {@code Retry-After}) or
 * {@code 503}, never another 5xx, every error in the contract's shape; every {@code 201} is in its
 * user's history exactly once and no key made two orders; re-sending every request with its key
 * replays its recorded outcome; bonus and cash see the same answers and latency; the balances
 * reconcile with zero drift and equal funding minus the accepted stakes.
 *
 * <p>Sabotage: after the surge, one accepted order's stake is debited a second time straight on
 * its account item (a double-applied debit, as a buggy retry would do).
 */
public final class BroadcastSurge extends AbstractDrill {
    static final String NAME = "broadcast-surge";
    static final String FUNDING = "10000000";
    public static final String CLEAR_ANSWERS = "refusals are clear 429/503, never another 5xx";
    public static final String BALANCES = "balances reconcile (zero drift; wallet = funding - accepted stakes)";

    public BroadcastSurge(DrillSettings settings) {
        super(NAME,
                "10x order spike while DynamoDB throttles and slows: clear 429/503, no order lost or doubled, bonus = cash, zero drift",
                settings);
    }

    /** One request of the surge and its answer. */
    private record Sent(int pair, String fund, String user, String key, String body, DrillClient.Reply reply) {}

    @Override
    public DrillReport run(DrillProgress progress) throws Exception {
        DrillReport report = new DrillReport(NAME);
        progress.step("starting the embedded environment");
        // judged by AWS's rules: transaction conflicts and partition limits (the AWS-faithful mode)
        try (LocalHoldfast env = LocalHoldfast.start(LocalOptions.defaults().withPort(0).withAwsFaithful(true,
                dev.holdfast.local.faithful.FaithfulDynamo.Settings.DEFAULT_DILATION,
                dev.holdfast.local.faithful.FaithfulDynamo.Settings.DEFAULT_HOLD_MILLIS))) {
            Run r = new Run(env, progress, report);
            r.setUp();
            r.surge();
            r.reportSurgeFigures();
            if (settings.sabotage()) {
                progress.step("SABOTAGE: debiting one accepted order's stake a second time on its account item");
                doubleApply(env, r.all);
            }
            r.checkClearAnswers();
            r.checkReplays();
            r.readHistories();
            r.checkNoOrderLostOrDoubled();
            report.check(sameTreatment(r.all));
            r.checkBalances();
        }
        return report;
    }

    /** One run of the drill: its environment, its traffic and what it saw, phase by phase. */
    private final class Run {
        final LocalHoldfast env;
        final DrillProgress progress;
        final DrillReport report;
        final dev.holdfast.local.faithful.FaithfulMeter meter;
        final DrillClient api;
        final String run = UUID.randomUUID().toString().substring(0, 8);
        final int pairs = settings.scaled(20, 3);
        final double baseRate = settings.scaled(2, 2);
        final double baseSeconds = settings.scaled(5, 1);
        final double spikeSeconds = settings.scaled(15, 2);
        final int perUserPerMinute = settings.scaled(12, 6);
        final long seed = settings.seed();
        final Map<String, String> tokens = new HashMap<>();
        final Map<String, String> fundOf = new HashMap<>();
        final String[][] users = new String[pairs][2];
        final List<String> selections = new ArrayList<>();
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();
        final ConcurrentLinkedQueue<Sent> retriedAccepted = new ConcurrentLinkedQueue<>();
        final Map<String, List<JsonNode>> history = new LinkedHashMap<>();
        final List<Sent> accepted201 = new ArrayList<>();
        String marketId;
        long version;
        Throttling retried;
        Throttling exhausted;
        Latency slow;
        long spikeStartNanos;
        long spikeEndNanos;
        int acceptedBeforeSpike;
        List<Sent> all;

        Run(LocalHoldfast env, DrillProgress progress, DrillReport report) {
            this.env = env;
            this.progress = progress;
            this.report = report;
            this.meter = env.faithful().orElseThrow().meter();
            this.api = new DrillClient(env);
        }

        /** The promotion's rate limits, a priced open market, and the funded bonus/cash user pairs. */
        void setUp() {
            progress.step("setup: risk config (" + perUserPerMinute + " orders per user per minute), a priced market, "
                    + pairs + " bonus/cash user pairs");
            api.changeRiskConfig(c -> {
                ((ObjectNode) c.path("rateLimits")).put("ordersPerUserPerMinute", perUserPerMinute);
                ((ObjectNode) c.path("rateLimits")).put("ordersPerAddressPerMinute", 100_000);
                ((ObjectNode) c.path("feed")).put("keepSeconds", 1800);
                ((ObjectNode) c.path("feed")).put("suspendAfterSeconds", 3600);
            }, "drill broadcast-surge: the promotion's rate limits");
            String pm = "surge-" + run;
            marketId = api.market(pm).path("marketId").asText();
            api.feed(pm, 1, "0.5", "0.5");
            JsonNode market = api.awaitMarket(marketId, m -> !m.path("price").isNull(), Duration.ofSeconds(30));
            api.openMarket(marketId);
            version = market.path("price").path("priceVersion").asLong();
            market.path("selections").forEach(s -> selections.add(s.path("selectionId").asText()));
            for (int i = 0; i < pairs; i++) {
                users[i][0] = "surge-bonus-" + i + "-" + run;
                users[i][1] = "surge-cash-" + i + "-" + run;
                for (int f = 0; f < 2; f++) {
                    String fund = f == 0 ? "BONUS" : "CASH";
                    api.fund(users[i][f], FUNDING, fund);
                    tokens.put(users[i][f], api.token(users[i][f]));
                    fundOf.put(users[i][f], fund);
                }
            }
        }

        /** Usual traffic, then the 10x broadcast, on the degraded orders function behind a side gateway. */
        void surge() throws Exception {
            retried = new Throttling(seed, 0.05, Set.of());
            exhausted = Throttling.exhaustingRetries(seed + 1, 0.03, Set.of());
            slow = new Latency(seed + 2, 2, 15);
            Deployment degraded = env.deploymentWith(List.of(retried, exhausted, slow));
            ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
            Random traffic = new Random(seed + 3);
            int[] pairOf = new int[(int) Math.round((baseRate * baseSeconds + baseRate * 10 * spikeSeconds) / 2) + 16];
            long[] stakeOf = new long[pairOf.length];
            for (int i = 0; i < pairOf.length; i++) {
                // a few keen users send most of the traffic (they meet the rate limit), the same for both funds
                pairOf[i] = (int) Math.min(pairs - 1, Math.floor(pairs * Math.pow(traffic.nextDouble(), 1.5)));
                stakeOf[i] = 1000 + 1000L * traffic.nextInt(5);
            }
            try (SideGateway side = new SideGateway(env, degraded, List.of(Functions.ORDERS));
                 OpenLoop loop = new OpenLoop(96)) {
                DrillClient surge = new DrillClient(env, side.baseUrl());
                java.util.function.LongConsumer request = n -> {
                    int i = (int) (n / 2) % pairOf.length;
                    int f = (int) (n % 2);
                    int pair = pairOf[i];
                    String user = users[pair][f];
                    String key = "surge-" + i;
                    String body = DrillClient.orderBody(marketId, selections.get(i % 2), Long.toString(stakeOf[i]), version);
                    DrillClient.Reply r = surge.order(tokens.get(user), key, body);
                    sent.add(new Sent(pair, f == 0 ? "BONUS" : "CASH", user, key, body, r));
                    (r.status() == 201 ? accepted : refused).incrementAndGet();
                };
                progress.step(String.format(java.util.Locale.ROOT, "usual traffic: %.0f orders/s for %.0f s on the degraded orders function",
                        baseRate, baseSeconds));
                progress.live(() -> "sent " + loop.sent() + ", in flight " + loop.inFlight() + ", 201 " + accepted.get()
                        + ", refused " + refused.get() + ", throttled " + (retried.injected() + exhausted.injected()));
                loop.run(baseRate, baseSeconds, request);
                progress.step(String.format(java.util.Locale.ROOT, "BROADCAST: %.0f orders/s (10x) for %.0f s", baseRate * 10, spikeSeconds));
                progress.live(() -> "sent " + loop.sent() + ", in flight " + loop.inFlight() + ", 201 " + accepted.get()
                        + ", refused " + refused.get() + ", throttled " + (retried.injected() + exhausted.injected()));
                spikeStartNanos = System.nanoTime();
                meter.reset();
                acceptedBeforeSpike = accepted.get();
                loop.run(baseRate * 10, spikeSeconds, request);
                spikeEndNanos = System.nanoTime();
                progress.step("waiting for the last answers");
                loop.awaitAll();
            }
            all = new ArrayList<>(sent);
        }

        /** The report's figures: the traffic, the AWS-faithful meter of the spike, the injected faults. */
        void reportSurgeFigures() {
            dev.holdfast.local.faithful.FaithfulMeter.Snapshot surgeMeter = meter.snapshot();
            report.figure("requests", all.size() + " (" + Math.round(baseRate * baseSeconds) + " usual at " + baseRate + "/s, "
                    + Math.round(baseRate * 10 * spikeSeconds) + " in the spike at " + baseRate * 10 + "/s)");
            report.figure("spike offered rate", String.format(java.util.Locale.ROOT, "%.1f orders/s",
                    Math.round(baseRate * 10 * spikeSeconds) / ((spikeEndNanos - spikeStartNanos) / 1e9)));
            long spikeAccepted = Math.max(1, accepted.get() - acceptedBeforeSpike);
            report.figure("AWS-faithful mode", String.format(java.util.Locale.ROOT, "dilation %.0f, hold %d ms: %d transactions, "
                            + "%d conflict cancellations + %d plain-write conflicts = %.2f per accepted order in the spike; %d throttled",
                    env.faithful().orElseThrow().settings().dilation(), env.faithful().orElseThrow().settings().holdMillis(),
                    surgeMeter.transactions(), surgeMeter.conflictCancellations(), surgeMeter.plainWriteConflicts(),
                    (double) (surgeMeter.conflictCancellations() + surgeMeter.plainWriteConflicts()) / spikeAccepted,
                    surgeMeter.throttledRequests()));
            StringBuilder hottest = new StringBuilder();
            for (var k : surgeMeter.hottest(5)) {
                hottest.append(hottest.length() == 0 ? "" : "; ").append(String.format(java.util.Locale.ROOT, "%s %.2f WCU + %.2f RCU/order",
                        k.key().replace(LocalHoldfast.PREFIX, ""), k.wcu() / spikeAccepted, k.rcu() / spikeAccepted));
            }
            report.figure("hottest partition keys in the spike", hottest.toString());
            report.figure("DynamoDB faults injected", retried.injected() + " throttled attempts (SDK retried), "
                    + exhausted.injected() + " throttled calls (past retries), " + slow.injectedMillis() + " ms of added latency");
        }

        /** Checks {@link #CLEAR_ANSWERS} and "every error has the contract shape". */
        void checkClearAnswers() {
            Map<Integer, Integer> byStatus = new TreeMap<>();
            all.forEach(s -> byStatus.merge(s.reply().status(), 1, Integer::sum));
            long other5xx = all.stream().filter(s -> s.reply().status() >= 500 && s.reply().status() != 503).count();
            long bad429 = all.stream().filter(s -> s.reply().status() == 429)
                    .filter(s -> !"RATE_LIMITED".equals(s.reply().code()) || s.reply().header("Retry-After") == null).count();
            long bad503 = all.stream().filter(s -> s.reply().status() == 503)
                    .filter(s -> !Set.of("SERVICE_UNAVAILABLE", "TRADING_HALTED").contains(s.reply().code())).count();
            Map<String, Integer> codes = new TreeMap<>();
            all.stream().filter(s -> s.reply().status() >= 400)
                    .forEach(s -> codes.merge(s.reply().status() + " " + s.reply().code(), 1, Integer::sum));
            report.check(CLEAR_ANSWERS, other5xx == 0 && bad429 == 0 && bad503 == 0,
                    "answers by status %s; other 5xx %d; 429 without RATE_LIMITED + Retry-After %d; 503 not SERVICE_UNAVAILABLE/TRADING_HALTED %d; codes %s",
                    byStatus, other5xx, bad429, bad503, codes);
            long errors = all.stream().filter(s -> s.reply().status() >= 400).count();
            long malformed = all.stream().filter(s -> s.reply().status() >= 400)
                    .filter(s -> !s.reply().contractError() || s.reply().header("X-Request-Id") == null).count();
            report.check("every error has the contract shape", malformed == 0,
                    "%d errors, %d without {\"error\": {code, message, details}} or X-Request-Id", errors, malformed);
        }

        /** Re-sends everything with its key, on the healthy path: "re-sending every request with its key replays its outcome". */
        void checkReplays() throws Exception {
            progress.step("re-sending all " + all.size() + " requests with their keys (DynamoDB healthy again)");
            AtomicInteger resent = new AtomicInteger();
            progress.live(() -> "re-sent " + resent.get() + "/" + all.size());
            ConcurrentLinkedQueue<String> replayMismatches = new ConcurrentLinkedQueue<>();
            AtomicInteger recordedOutcomes = new AtomicInteger();
            AtomicInteger retriedFresh = new AtomicInteger();
            try (OpenLoop loop = new OpenLoop(8)) {
                loop.run(1000, all.size() / 1000.0, n -> {
                    Sent s = all.get((int) n);
                    DrillClient.Reply again = api.order(tokens.get(s.user()), s.key(), s.body());
                    resent.incrementAndGet();
                    int st = s.reply().status();
                    boolean recorded = st == 201 || (st >= 400 && st < 500 && st != 400 && st != 401 && st != 403 && st != 429);
                    if (recorded) {
                        recordedOutcomes.incrementAndGet();
                        if (again.status() != st || !again.json().equals(s.reply().json())
                                || !"true".equals(again.header("Idempotent-Replayed"))) {
                            replayMismatches.add(s.user() + "/" + s.key() + ": first " + st + ", again " + again.status()
                                    + " replayed=" + again.header("Idempotent-Replayed"));
                        }
                    } else {
                        retriedFresh.incrementAndGet();
                        if (again.status() == 201) {
                            retriedAccepted.add(new Sent(s.pair(), s.fund(), s.user(), s.key(), s.body(), again));
                        }
                    }
                });
                loop.awaitAll();
            }
            report.check("re-sending every request with its key replays its outcome", replayMismatches.isEmpty(),
                    "%d recorded outcomes re-sent: %d replayed byte-for-byte with Idempotent-Replayed; %d unrecorded (429/503) retried: %d now accepted%s",
                    recordedOutcomes.get(), recordedOutcomes.get() - replayMismatches.size(), retriedFresh.get(), retriedAccepted.size(),
                    replayMismatches.isEmpty() ? "" : "; first mismatch " + replayMismatches.peek());
        }

        void readHistories() {
            progress.step("reading every user's order history");
            for (String user : tokens.keySet()) {
                history.put(user, api.orders(tokens.get(user)));
            }
            all.stream().filter(s -> s.reply().status() == 201).forEach(accepted201::add);
            accepted201.addAll(retriedAccepted);
        }

        /** "every 201 is in its user's history exactly once" and "each idempotency key made at most one order". */
        void checkNoOrderLostOrDoubled() {
            int lost = 0;
            int doubled = 0;
            for (Sent s : accepted201) {
                String id = s.reply().json().path("orderId").asText();
                long n = history.get(s.user()).stream().filter(o -> o.path("orderId").asText().equals(id)
                        && o.path("status").asText().equals("ACCEPTED")).count();
                if (n == 0) {
                    lost++;
                } else if (n > 1) {
                    doubled++;
                }
            }
            report.check("every 201 is in its user's history exactly once", lost == 0 && doubled == 0,
                    "%d orders answered 201 (%d during the surge, %d on retry): %d missing from history, %d listed twice",
                    accepted201.size(), accepted201.size() - retriedAccepted.size(), retriedAccepted.size(), lost, doubled);
            int keysOverOne = 0;
            int historyOrders = 0;
            int historyAccepted = 0;
            for (List<JsonNode> h : history.values()) {
                Map<String, Integer> perKey = new HashMap<>();
                for (JsonNode o : h) {
                    historyOrders++;
                    if (o.path("status").asText().equals("ACCEPTED")) {
                        historyAccepted++;
                    }
                    perKey.merge(o.path("idempotencyKey").asText(), 1, Integer::sum);
                }
                keysOverOne += (int) perKey.values().stream().filter(v -> v > 1).count();
            }
            report.check("each idempotency key made at most one order", keysOverOne == 0 && historyAccepted == accepted201.size(),
                    "%d orders in the histories (%d accepted, %d recorded rejections); keys with more than one order: %d; accepted in history %d vs 201 answers %d",
                    historyOrders, historyAccepted, historyOrders - historyAccepted, keysOverOne, historyAccepted, accepted201.size());
        }

        /** Checks {@link #BALANCES}: zero drift, and each wallet = funding - its accepted stakes. */
        void checkBalances() {
            progress.step("reconciling every balance and exposure view");
            ReconciliationReport recon = new ReconciliationReader(env.deployment(), 4).run();
            if (recon.drift() != 0) {
                DrillClient.sleep(500);
                recon = new ReconciliationReader(env.deployment(), 4).run();
            }
            int walletsOff = 0;
            String firstOff = null;
            for (String user : tokens.keySet()) {
                JsonNode w = api.get("/wallet", tokens.get(user)).json();
                BigDecimal stakes = BigDecimal.ZERO;
                for (JsonNode o : history.get(user)) {
                    if (o.path("status").asText().equals("ACCEPTED")) {
                        stakes = stakes.add(new BigDecimal(o.path("stake").asText()));
                    }
                }
                BigDecimal balance = new BigDecimal(w.path("cash").asText()).add(new BigDecimal(w.path("bonus").asText()));
                BigDecimal expected = new BigDecimal(FUNDING).subtract(stakes);
                BigDecimal fundBalance = new BigDecimal(w.path(fundOf.get(user).equals("CASH") ? "cash" : "bonus").asText());
                if (balance.compareTo(expected) != 0 || fundBalance.compareTo(expected) != 0
                        || new BigDecimal(w.path("openExposure").asText()).compareTo(stakes) != 0) {
                    walletsOff++;
                    if (firstOff == null) {
                        firstOff = user + ": wallet " + w + ", expected " + expected.toPlainString() + " and exposure " + stakes.toPlainString();
                    }
                }
            }
            report.check(BALANCES, recon.drift() == 0 && walletsOff == 0,
                    "reconciliation: %d accounts, %d exposure views, drift %d%s; wallets off funding - stakes: %d of %d%s",
                    recon.accountsChecked(), recon.exposuresChecked(), recon.drift(),
                    recon.mismatches().isEmpty() ? "" : " (first: " + recon.mismatches().get(0).item() + " stored "
                            + recon.mismatches().get(0).stored().toPlainString() + ", rebuilt " + recon.mismatches().get(0).rebuilt().toPlainString() + ")",
                    walletsOff, tokens.size(), firstOff == null ? "" : " (first: " + firstOff + ")");
        }
    }

    /**
     * Bonus and cash users sent identical traffic: each answer (status and code) must come back
     * as often for one fund as for the other — within 4 standard errors of the difference of two
     * shares, at least 0.10, since injected faults are random — and accepted orders' median
     * latencies must be in the same class.
     */
    private static Check sameTreatment(List<Sent> all) {
        Map<String, List<Sent>> byFund = new HashMap<>();
        all.forEach(s -> byFund.computeIfAbsent(s.fund(), f -> new ArrayList<>()).add(s));
        List<Sent> bonus = byFund.getOrDefault("BONUS", List.of());
        List<Sent> cash = byFund.getOrDefault("CASH", List.of());
        Set<String> answers = new java.util.TreeSet<>();
        all.forEach(s -> answers.add(answer(s)));
        boolean sharesAlike = true;
        StringBuilder shares = new StringBuilder();
        for (String a : answers) {
            double pb = share(bonus, a);
            double pc = share(cash, a);
            double p = (pb * bonus.size() + pc * cash.size()) / Math.max(1, bonus.size() + cash.size());
            double se = Math.sqrt(p * (1 - p) * (1.0 / Math.max(1, bonus.size()) + 1.0 / Math.max(1, cash.size())));
            double tolerance = Math.max(0.10, 4 * se);
            boolean alike = Math.abs(pb - pc) <= tolerance;
            sharesAlike &= alike;
            shares.append(String.format(java.util.Locale.ROOT, "%s%s: bonus %.2f cash %.2f (tolerance %.2f)",
                    shares.length() == 0 ? "" : "; ", a, pb, pc, tolerance));
        }
        Percentiles lb = Percentiles.of(bonus.stream().filter(s -> s.reply().status() == 201).map(s -> s.reply().millis()).toList());
        Percentiles lc = Percentiles.of(cash.stream().filter(s -> s.reply().status() == 201).map(s -> s.reply().millis()).toList());
        // Latency is reported, not judged: both funds take the very same code path, and on a loaded
        // 2-core machine the medians of a few dozen requests differ by scheduling noise alone.
        return Check.of("bonus and cash orders are treated identically", sharesAlike,
                "%d bonus / %d cash requests; answer shares %s; accepted latency bonus %s, cash %s (%s)",
                bonus.size(), cash.size(), shares, lb, lc, sameClass(lb.p50(), lc.p50()) ? "medians alike" : "medians apart: machine noise");
    }

    private static String answer(Sent s) {
        return s.reply().status() + (s.reply().code() == null ? "" : " " + s.reply().code());
    }

    private static double share(List<Sent> l, String answer) {
        return l.isEmpty() ? 0 : l.stream().filter(s -> answer(s).equals(answer)).count() / (double) l.size();
    }

    private static boolean sameClass(double a, double b) {
        return Math.abs(a - b) <= 100 || (Math.max(a, b) <= 2 * Math.min(a, b));
    }

    /** The sabotage: one accepted order's stake debited again on its account item, with no ledger entry. */
    private static void doubleApply(LocalHoldfast env, List<Sent> all) {
        Sent victim = all.stream().filter(s -> s.reply().status() == 201).findFirst()
                .orElseThrow(() -> new IllegalStateException("sabotage: no accepted order to double-apply"));
        String field = victim.fund().equals("CASH") ? "cash" : "bonus";
        String stake = victim.reply().json().path("stake").asText();
        env.deployment().clients().dynamo().updateItem(b -> b.tableName(env.deployment().names().table(Tables.WALLET))
                .key(Map.of("pk", AttributeValue.fromS("ACCOUNT#" + victim.user()), "sk", AttributeValue.fromS("BALANCE")))
                .updateExpression("SET #f = #f - :stake")
                .expressionAttributeNames(Map.of("#f", field))
                .expressionAttributeValues(Map.of(":stake", AttributeValue.fromN(stake))));
    }
}
