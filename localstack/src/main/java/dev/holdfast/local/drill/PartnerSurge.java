package dev.holdfast.local.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.reconciliation.ReconciliationReport;
import dev.holdfast.domain.wallet.Account;
import dev.holdfast.domain.withdrawal.Withdrawal;
import dev.holdfast.domain.withdrawal.WithdrawalStatus;
import dev.holdfast.local.LocalBulkheads;
import dev.holdfast.local.LambdaConcurrency;
import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;
import dev.holdfast.local.bank.StandInBank;
import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.persistence.reconciliation.ReconciliationReader;
import dev.holdfast.persistence.wallet.WalletStore;
import dev.holdfast.persistence.withdrawals.WithdrawalStore;
import dev.holdfast.resources.Functions;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * The internet bank that went dark when a coin listing on a partner exchange sent 8× the usual
 * transfers, and the surge took card payments and the status screen down with it. Here: a steady
 * stream of orders (the "card payments") and a status screen polling {@code GET /status}, first
 * beside the usual withdrawals and waiting-room enters (the quiet figure), then beside 8× the
 * withdrawals and a waiting-room surge at once. The function host runs with Lambda's reserved
 * concurrency per function ({@link LocalBulkheads}), scaled to this machine.
 *
 * <p>Must hold: orders keep their latency — none throttled or refused, the surge's p99 within 2× the
 * quiet p99 of the same run; every status call answered {@code 200} within {@link #STATUS_BOUND_MILLIS};
 * the surge is shed at its own bulkheads — withdrawals and enters over their functions' concurrency
 * get the contract's {@code 429 RATE_LIMITED} with {@code Retry-After}, never another error; nothing is
 * lost or applied twice — every throttled withdrawal committed nothing (sent again with its key
 * afterwards it is a new withdrawal, not a replay), every withdrawal is paid once, the bank's book is
 * what Holdfast completed, each account = funding − completed with nothing held, zero drift.
 *
 * <p>Sabotage: the bulkheads are switched off — every function shares one pool the size of the
 * account's concurrency, as Lambda runs functions without reserved concurrency.
 */
public final class PartnerSurge extends AbstractDrill {
    static final String NAME = "partner-surge";
    public static final String ORDERS_KEEP_LATENCY = "orders keep their latency (none refused, surge p99 within 2x the quiet p99)";
    public static final String STATUS_ANSWERS = "GET /status answers every call";
    public static final String SHED_AT_BULKHEADS = "the surge is shed at its own bulkheads: clear 429 RATE_LIMITED with Retry-After";
    public static final String NOTHING_LOST = "no withdrawal lost or applied twice (throttled ones committed nothing)";
    /**
     * Every status call in the surge must be answered within this, or within twice the quiet phase's
     * slowest call where the machine is slower (locally the function serves each call itself; in AWS
     * CloudFront's 1–2 s cache answers most of them).
     */
    static final long STATUS_BOUND_MILLIS = 1_000;
    static final long FUNDING = 5_000_000;
    /** Local slots of the orders function: twice the cores (at least 4); every other limit scales with it. */
    static final int ORDERS_SLOTS_PER_CORE = 2;

    public PartnerSurge(DrillSettings settings) {
        super(NAME,
                "8x withdrawals and a waiting-room surge beside orders and the status screen: orders keep their latency, /status answers, the surge is shed at its bulkheads, nothing lost",
                settings);
    }

    /**
     * The clients: the usual crowd fills the surge lanes' own slots (as many withdrawing clients as the
     * wallet has slots, as many entering as the waiting room has), the surge brings 8x the withdrawing
     * clients and, entering the waiting room, twice the account's whole concurrency here.
     */
    record Plan(int withdrawers, int enterers, int surgeEnterers, double quietSeconds, double surgeSeconds, int minOrders,
                int orderUsers, int withdrawUsers) {}

    enum Phase { WARMUP, QUIET, SURGE }

    enum Kind { ORDER, WITHDRAWAL, ENTER, STATUS }

    /** One request as the client saw it. */
    record Sent(Kind kind, Phase phase, String user, String key, long amount, DrillClient.Reply reply) {
        boolean throttled() {
            return reply.status() == 429;
        }
    }

    /** What the setup made: the market, the users and their tokens, the waiting room's link. */
    record World(String marketId, String selectionId, long priceVersion, List<String> orderUsers, List<String> withdrawUsers,
                 Map<String, String> tokens, String link) {}

    Plan plan(LambdaConcurrency limits, LocalOptions.Concurrency c) {
        int account = c.scaled(LocalBulkheads.sizing().accountConcurrency());
        return new Plan(limits.limitOf(Functions.WALLET), limits.limitOf(Functions.WAITING_ROOM), 2 * account,
                settings.scaled(15, 6), settings.scaled(30, 8), settings.scaled(100, 30), settings.scaled(8, 4), settings.scaled(24, 6));
    }

    /** The scale that gives the orders function {@value #ORDERS_SLOTS_PER_CORE} slots per core here. */
    static LocalOptions.Concurrency concurrencyHere(boolean bulkheads) {
        int slots = Math.max(4, ORDERS_SLOTS_PER_CORE * Runtime.getRuntime().availableProcessors());
        double scale = Math.min(1.0, (double) slots / LocalBulkheads.sizing().reservedFor(Functions.ORDERS).orElseThrow());
        return new LocalOptions.Concurrency(scale, bulkheads);
    }

    @Override
    public DrillReport run(DrillProgress progress) throws Exception {
        DrillReport report = new DrillReport(NAME);
        LocalOptions.Concurrency concurrency = concurrencyHere(!settings.sabotage());
        Plan plan = plan(LocalBulkheads.local(concurrencyHere(true)), concurrency);
        progress.step("starting the embedded environment (concurrency scale " + String.format(Locale.ROOT, "%.4f", concurrency.scale())
                + (settings.sabotage() ? ", SABOTAGE: no bulkheads, one shared pool" : "") + ")");
        try (LocalHoldfast env = LocalHoldfast.start(LocalOptions.defaults().withPort(0).withConcurrency(concurrency))) {
            DrillClient api = new DrillClient(env);
            report.figure("concurrency here", env.concurrency().describe() + String.format(Locale.ROOT,
                    " (AWS numbers x %.4f, rounded up)", concurrency.scale()));
            World world = setUp(env, api, plan, progress);
            int terminals = Math.max(1, env.concurrency().limitOf(Functions.ORDERS) / 2);
            List<Sent> sent = drive(api, world, plan, terminals, progress);
            List<Sent> retried = retryThrottledWithdrawals(api, world, sent, env.concurrency().limitOf(Functions.WALLET), progress);
            awaitWithdrawals(env, sent, retried, progress);
            judgeOrders(report, sent, env.concurrency());
            judgeStatus(report, sent);
            judgeShedding(report, sent, env.concurrency());
            judgeWithdrawals(report, env, world, sent, retried);
        }
        return report;
    }

    // ---------------------------------------------------------------------------------------- setup

    private World setUp(LocalHoldfast env, DrillClient api, Plan plan, DrillProgress progress) {
        progress.step("setup: rate limits off the drill's way, a priced open market, " + plan.orderUsers() + " traders, "
                + plan.withdrawUsers() + " withdrawing accounts, a rollout with an open cohort");
        String run = UUID.randomUUID().toString().substring(0, 8);
        api.changeRiskConfig(c -> {
            ((ObjectNode) c.path("rateLimits")).put("ordersPerUserPerMinute", 100_000);
            ((ObjectNode) c.path("rateLimits")).put("ordersPerAddressPerMinute", 100_000);
            ((ObjectNode) c.path("rateLimits")).put("entersPerAddressPerMinute", 100_000);
            ((ObjectNode) c.path("rateLimits")).put("entersPerDevicePerMinute", 100_000);
            ((ObjectNode) c.path("feed")).put("keepSeconds", 1800);
            ((ObjectNode) c.path("feed")).put("suspendAfterSeconds", 3600);
        }, "drill partner-surge: one address sends everything");
        String pm = "partner-" + run;
        String marketId = api.market(pm).path("marketId").asText();
        api.feed(pm, 1, "0.5", "0.5");
        JsonNode market = api.awaitMarket(marketId, m -> !m.path("price").isNull(), Duration.ofSeconds(30));
        api.openMarket(marketId);
        Map<String, String> tokens = new HashMap<>();
        List<String> traders = users(api, "trader-" + run + "-", plan.orderUsers(), tokens);
        List<String> savers = users(api, "saver-" + run + "-", plan.withdrawUsers(), tokens);
        Instant opens = Instant.now().plusSeconds(2);
        String body = "{\"name\":\"listing day " + run + "\",\"admissionRatePerSecond\":50,\"cohorts\":[{\"cohortId\":\"c1\","
                + "\"label\":\"Everyone\",\"opensAt\":\"" + Rfc3339.format(opens) + "\",\"closesAt\":\""
                + Rfc3339.format(opens.plus(Duration.ofHours(1))) + "\"}]}";
        String link = api.expect(201, "POST", "/admin/rollouts", api.admin(), body).path("cohorts").get(0).path("link").asText();
        DrillClient.sleep(Math.max(0, Duration.between(Instant.now(), opens).toMillis() + 100));
        return new World(marketId, market.path("selections").get(0).path("selectionId").asText(),
                market.path("price").path("priceVersion").asLong(), traders, savers, tokens, link);
    }

    private static List<String> users(DrillClient api, String prefix, int n, Map<String, String> tokens) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String sub = prefix + i;
            api.fund(sub, Long.toString(FUNDING), "CASH");
            tokens.put(sub, api.token(sub));
            out.add(sub);
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------- traffic

    /**
     * Everything the clients send: orders from {@code terminals} card terminals and the status screen
     * throughout, a warm-up, then the usual crowd (the quiet figure), then the surge's crowd. Every
     * client is closed-loop — it sends its next request when the last one answered — and honours
     * {@code Retry-After} on a {@code 429}; a crowd member sends back to back (a surge is people
     * pressing again), a terminal and the screen pause between requests.
     */
    private List<Sent> drive(DrillClient api, World w, Plan plan, int terminals, DrillProgress progress) throws Exception {
        ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
        Random random = new Random(settings.seed());
        long[] amounts = new long[1024];
        for (int i = 0; i < amounts.length; i++) {
            amounts[i] = 1000L * (1 + random.nextInt(5));
        }
        AtomicReference<Phase> phase = new AtomicReference<>(Phase.WARMUP);
        AtomicLong seq = new AtomicLong();
        Request order = n -> {
            String user = w.orderUsers().get((int) (n % w.orderUsers().size()));
            return new Sent(Kind.ORDER, phase.get(), user, "order-" + n, 1000, api.order(w.tokens().get(user), "order-" + n,
                    DrillClient.orderBody(w.marketId(), w.selectionId(), "1000", w.priceVersion())));
        };
        Request status = n -> new Sent(Kind.STATUS, phase.get(), null, null, 0, api.get("/status", null));
        Request withdrawal = n -> {
            String user = w.withdrawUsers().get((int) (n % w.withdrawUsers().size()));
            long amount = amounts[(int) (n % amounts.length)];
            return new Sent(Kind.WITHDRAWAL, phase.get(), user, "withdrawal-" + n, amount,
                    api.withdraw(w.tokens().get(user), "withdrawal-" + n, Long.toString(amount)));
        };
        Request enter = n -> new Sent(Kind.ENTER, phase.get(), null, "device-" + n, 0, api.send("POST", "/waiting-room/enter", null,
                "{\"link\":" + Json.MAPPER.valueToTree(w.link()) + ",\"deviceId\":\"device-" + n + "\"}"));
        progress.step("warm-up: every path once or twice (not measured)");
        for (int i = 0; i < 3; i++) {
            for (Request r : List.of(order, status, withdrawal, enter)) {
                sent.add(r.send(seq.getAndIncrement()));
            }
        }
        try (Clients steady = new Clients(sent, seq)) {
            phase.set(Phase.QUIET);
            steady.start(terminals, TERMINAL_PAUSE_MILLIS, order);
            steady.start(1, SCREEN_PAUSE_MILLIS, status);
            try (Clients crowd = new Clients(sent, seq)) {
                progress.step(String.format(Locale.ROOT, "QUIET: %d card terminals, the status screen, the usual crowd (%d withdrawing, %d entering: the surge lanes' slots) for %.0f s",
                        terminals, plan.withdrawers(), plan.enterers(), plan.quietSeconds()), () -> live(sent));
                crowd.start(plan.withdrawers(), 0, withdrawal);
                crowd.start(plan.enterers(), 0, enter);
                hold(plan.quietSeconds(), Phase.QUIET, sent, plan.minOrders());
            }
            try (Clients crowd = new Clients(sent, seq)) {
                phase.set(Phase.SURGE);
                progress.step(String.format(Locale.ROOT, "LISTING: 8x the withdrawing clients (%d) and a waiting-room surge (%d entering) for %.0f s",
                        plan.withdrawers() * 8, plan.surgeEnterers(), plan.surgeSeconds()), () -> live(sent));
                crowd.start(plan.withdrawers() * 8, 0, withdrawal);
                crowd.start(plan.surgeEnterers(), 0, enter);
                hold(plan.surgeSeconds(), Phase.SURGE, sent, plan.minOrders());
            }
        }
        return new ArrayList<>(sent);
    }

    /**
     * Keeps a phase going for {@code seconds}, and on a slow machine longer — until {@code minOrders}
     * orders sent in it have answered (so that its p99 means something), at most 10x {@code seconds}.
     */
    private static void hold(double seconds, Phase phase, ConcurrentLinkedQueue<Sent> sent, int minOrders) {
        long start = System.nanoTime();
        DrillClient.sleep((long) (seconds * 1000));
        long until = start + (long) (seconds * 10e9);
        while (System.nanoTime() < until
                && sent.stream().filter(s -> s.kind() == Kind.ORDER && s.phase() == phase).count() < minOrders) {
            DrillClient.sleep(250);
        }
    }

    /** A card terminal's pause between orders. */
    static final long TERMINAL_PAUSE_MILLIS = 50;
    static final long SCREEN_PAUSE_MILLIS = 100;

    @FunctionalInterface
    private interface Request {
        Sent send(long n);
    }

    /** Closed-loop clients, each on its own thread until {@link #close}, which waits for their last answers. */
    private static final class Clients implements AutoCloseable {
        private final ConcurrentLinkedQueue<Sent> sent;
        private final AtomicLong seq;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();

        Clients(ConcurrentLinkedQueue<Sent> sent, AtomicLong seq) {
            this.sent = sent;
            this.seq = seq;
        }

        void start(int count, long pauseMillis, Request request) {
            for (int i = 0; i < count; i++) {
                Thread t = new Thread(() -> {
                    while (running.get()) {
                        Sent s = request.send(seq.getAndIncrement());
                        sent.add(s);
                        long pause = s.throttled() ? retryAfterMillis(s.reply()) : pauseMillis;
                        if (pause > 0 && running.get()) {
                            DrillClient.sleep(pause);
                        }
                    }
                }, "drill-client");
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(120_000);
            }
        }
    }

    static long retryAfterMillis(DrillClient.Reply r) {
        try {
            return Math.max(1, Long.parseLong(r.header("Retry-After"))) * 1000;
        } catch (NumberFormatException | NullPointerException e) {
            return 1000;
        }
    }

    private static String live(ConcurrentLinkedQueue<Sent> sent) {
        Map<String, Integer> by = new TreeMap<>();
        for (Sent s : sent) {
            by.merge(s.kind().name().toLowerCase(Locale.ROOT) + " " + s.reply().status(), 1, Integer::sum);
        }
        return by.toString();
    }

    // ---------------------------------------------------------------------------------------- after the surge

    /** A client's retry of each throttled withdrawal, with its key, once the surge is over. */
    private List<Sent> retryThrottledWithdrawals(DrillClient api, World w, List<Sent> sent, int slots, DrillProgress progress)
            throws Exception {
        List<Sent> throttled = sent.stream().filter(s -> s.kind() == Kind.WITHDRAWAL && s.throttled()).toList();
        ConcurrentLinkedQueue<Sent> again = new ConcurrentLinkedQueue<>();
        progress.step("the surge is over: sending the " + throttled.size() + " throttled withdrawals again with their keys",
                () -> again.size() + "/" + throttled.size());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(Math.max(1, slots));
        try {
            List<java.util.concurrent.Future<?>> jobs = new ArrayList<>();
            for (Sent s : throttled) {
                jobs.add(pool.submit(() -> {
                    DrillClient.Reply r = api.withdraw(w.tokens().get(s.user()), s.key(), Long.toString(s.amount()));
                    for (int i = 0; i < 60 && r.status() == 429; i++) {
                        DrillClient.sleep(retryAfterMillis(r));
                        r = api.withdraw(w.tokens().get(s.user()), s.key(), Long.toString(s.amount()));
                    }
                    again.add(new Sent(Kind.WITHDRAWAL, Phase.SURGE, s.user(), s.key(), s.amount(), r));
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> j : jobs) {
                j.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return new ArrayList<>(again);
    }

    private void awaitWithdrawals(LocalHoldfast env, List<Sent> sent, List<Sent> retried, DrillProgress progress) {
        WithdrawalStore store = new WithdrawalStore(env.deployment(), new WalletStore(env.deployment(), new AuditLog(env.deployment())));
        List<String> ids = withdrawalIds(sent, retried);
        long until = System.nanoTime() + Duration.ofSeconds(settings.scaled(120, 60)).toNanos();
        Predicate<String> pending = id -> store.withdrawal(id).map(x -> x.status() == WithdrawalStatus.PENDING).orElse(true);
        List<String> open = new ArrayList<>(ids);
        progress.step("waiting for every accepted withdrawal to be paid", () -> open.size() + " of " + ids.size() + " still pending");
        while (!open.isEmpty() && System.nanoTime() < until) {
            open.removeIf(pending.negate());
            DrillClient.sleep(250);
        }
    }

    private static List<String> withdrawalIds(List<Sent> sent, List<Sent> retried) {
        List<String> ids = new ArrayList<>();
        for (List<Sent> l : List.of(sent, retried)) {
            l.stream().filter(s -> s.kind() == Kind.WITHDRAWAL && s.reply().status() == 202)
                    .map(s -> s.reply().json().path("withdrawalId").asText()).forEach(ids::add);
        }
        return ids;
    }

    // ---------------------------------------------------------------------------------------- verdicts

    private static void judgeOrders(DrillReport report, List<Sent> sent, LambdaConcurrency limits) {
        Percentiles quiet = latencies(sent, Kind.ORDER, Phase.QUIET, s -> s.reply().status() == 201);
        Percentiles surge = latencies(sent, Kind.ORDER, Phase.SURGE, s -> s.reply().status() == 201);
        Map<String, Integer> refused = answers(sent, s -> s.kind() == Kind.ORDER && s.reply().status() != 201);
        report.figure("orders quiet", quiet.toString());
        report.figure("orders surge", surge.toString());
        boolean held = refused.isEmpty() && quiet.count() > 0 && surge.count() > 0 && surge.p99() <= 2 * quiet.p99();
        report.check(ORDERS_KEEP_LATENCY, held,
                "orders answered 201: quiet %d, surge %d; refused %d %s (throttled by the host: %d); p99 quiet %.0f ms, surge %.0f ms (bound %.0f ms = 2x quiet); p50 quiet %.0f ms, surge %.0f ms; orders' slots %d",
                quiet.count(), surge.count(), refused.values().stream().mapToInt(Integer::intValue).sum(), refused,
                limits.throttled(Functions.ORDERS), quiet.p99(), surge.p99(), 2 * quiet.p99(), quiet.p50(), surge.p50(),
                limits.limitOf(Functions.ORDERS));
    }

    private static void judgeStatus(DrillReport report, List<Sent> sent) {
        List<Sent> calls = sent.stream().filter(s -> s.kind() == Kind.STATUS).toList();
        long ok = calls.stream().filter(s -> s.reply().status() == 200 && s.reply().json().path("mode").isTextual()).count();
        Percentiles quiet = latencies(sent, Kind.STATUS, Phase.QUIET, s -> true);
        Percentiles surge = latencies(sent, Kind.STATUS, Phase.SURGE, s -> true);
        double bound = statusBoundMillis(quiet);
        report.figure("status", String.format(Locale.ROOT, "%d of %d answered 200; quiet %s; surge %s", ok, calls.size(), quiet, surge));
        report.check(STATUS_ANSWERS, !calls.isEmpty() && surge.count() > 0 && ok == calls.size() && surge.max() <= bound,
                "%d calls (the screen polls every %d ms through every phase), %d answered 200 with the mode, others %s; slowest in the surge %.0f ms (bound %.0f ms = the larger of %d ms and 2x the quiet phase's slowest, %.0f ms)",
                calls.size(), SCREEN_PAUSE_MILLIS, ok, answers(calls, s -> s.reply().status() != 200), surge.max(), bound,
                STATUS_BOUND_MILLIS, quiet.max());
    }

    /** The status screen's bound in the surge: {@value #STATUS_BOUND_MILLIS} ms, or twice the quiet phase's slowest call on a slower machine. */
    static double statusBoundMillis(Percentiles quiet) {
        return Math.max(STATUS_BOUND_MILLIS, 2 * quiet.max());
    }

    private static void judgeShedding(DrillReport report, List<Sent> sent, LambdaConcurrency limits) {
        List<Sent> surge = sent.stream().filter(s -> (s.kind() == Kind.WITHDRAWAL || s.kind() == Kind.ENTER)).toList();
        Map<String, Integer> withdrawals = answers(surge, s -> s.kind() == Kind.WITHDRAWAL);
        Map<String, Integer> enters = answers(surge, s -> s.kind() == Kind.ENTER);
        report.figure("withdrawals", withdrawals + String.format(Locale.ROOT, " (wallet's slots %d, throttled by the host %d)",
                limits.limitOf(Functions.WALLET), limits.throttled(Functions.WALLET)));
        report.figure("enters", enters + String.format(Locale.ROOT, " (waiting room's slots %d, throttled by the host %d)",
                limits.limitOf(Functions.WAITING_ROOM), limits.throttled(Functions.WAITING_ROOM)));
        long unclear = surge.stream().filter(s -> !clearAnswer(s)).count();
        long throttledWithdrawals = surge.stream().filter(s -> s.kind() == Kind.WITHDRAWAL && s.throttled()).count();
        long throttledEnters = surge.stream().filter(s -> s.kind() == Kind.ENTER && s.throttled()).count();
        report.check(SHED_AT_BULKHEADS, unclear == 0 && throttledWithdrawals > 0,
                "withdrawals %s, enters %s; answers other than 202/201 or 429 RATE_LIMITED with Retry-After and the contract's shape: %d; throttled withdrawals %d, enters %d (the surge must meet its bulkhead)",
                withdrawals, enters, unclear, throttledWithdrawals, throttledEnters);
    }

    private static boolean clearAnswer(Sent s) {
        int st = s.reply().status();
        if (st == 429) {
            return "RATE_LIMITED".equals(s.reply().code()) && s.reply().header("Retry-After") != null && s.reply().contractError()
                    && s.reply().header("X-Request-Id") != null;
        }
        return st == (s.kind() == Kind.WITHDRAWAL ? 202 : 201);
    }

    private void judgeWithdrawals(DrillReport report, LocalHoldfast env, World w, List<Sent> sent, List<Sent> retried) {
        WalletStore wallet = new WalletStore(env.deployment(), new AuditLog(env.deployment()));
        WithdrawalStore store = new WithdrawalStore(env.deployment(), wallet);
        StandInBank bank = env.bank();
        List<Sent> throttled = sent.stream().filter(s -> s.kind() == Kind.WITHDRAWAL && s.throttled()).toList();
        long replayed = retried.stream().filter(s -> "true".equals(s.reply().header("Idempotent-Replayed"))).count();
        long retriedAccepted = retried.stream().filter(s -> s.reply().status() == 202).count();
        int completed = 0;
        int notPaidOnce = 0;
        BigDecimal completedTotal = BigDecimal.ZERO;
        Map<String, BigDecimal> completedPerUser = new HashMap<>();
        List<String> ids = withdrawalIds(sent, retried);
        for (String id : ids) {
            Optional<Withdrawal> x = store.withdrawal(id);
            if (x.isPresent() && x.get().status() == WithdrawalStatus.COMPLETED && bank.paid(id)) {
                completed++;
                completedTotal = completedTotal.add(x.get().amount().value());
                completedPerUser.merge(x.get().accountId(), x.get().amount().value(), BigDecimal::add);
            } else {
                notPaidOnce++;
            }
        }
        int accountsOff = 0;
        for (String sub : w.withdrawUsers()) {
            Account a = wallet.account(sub);
            BigDecimal expected = BigDecimal.valueOf(FUNDING).subtract(completedPerUser.getOrDefault(sub, BigDecimal.ZERO));
            if (a.heldForWithdrawal().value().signum() != 0 || a.cash().value().compareTo(expected) != 0) {
                accountsOff++;
            }
        }
        ReconciliationReport recon = new ReconciliationReader(env.deployment(), 4).run();
        long requested = sent.stream().filter(s -> s.kind() == Kind.WITHDRAWAL).count();
        report.figure("bank", String.format(Locale.ROOT, "booked %s in %d sends; double bookings %d",
                bank.paidTotal().toPlainString(), bank.sendsReceived(), bank.doublePayments()));
        report.check(NOTHING_LOST, replayed == 0 && retriedAccepted == throttled.size() && notPaidOnce == 0 && completed == requested
                        && bank.doublePayments() == 0 && bank.paidTotal().compareTo(completedTotal) == 0 && accountsOff == 0 && recon.drift() == 0,
                "%d withdrawals requested, %d throttled; sent again with their keys: %d accepted as new (%d replayed: a throttled call must have committed nothing); %d COMPLETED and in the bank's book, %d not; bank double bookings %d, book %s = completed %s; accounts off funding - completed or still holding: %d of %d; drift %d over %d accounts",
                requested, throttled.size(), retriedAccepted, replayed, completed, notPaidOnce, bank.doublePayments(),
                bank.paidTotal().toPlainString(), completedTotal.toPlainString(), accountsOff, w.withdrawUsers().size(),
                recon.drift(), recon.accountsChecked());
    }

    private static Percentiles latencies(List<Sent> sent, Kind kind, Phase phase, Predicate<Sent> which) {
        return Percentiles.of(sent.stream().filter(s -> s.kind() == kind && (phase == null || s.phase() == phase)).filter(which)
                .map(s -> s.reply().millis()).toList());
    }

    private static Map<String, Integer> answers(List<Sent> sent, Predicate<Sent> which) {
        Map<String, Integer> by = new TreeMap<>();
        sent.stream().filter(which).forEach(s -> by.merge(s.reply().status() + (s.reply().code() == null ? "" : " " + s.reply().code()),
                1, Integer::sum));
        return by;
    }
}
