package dev.holdfast.local.drill;

import dev.holdfast.runtime.Deployment;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;
import dev.holdfast.resources.Functions;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The odds feed stalls twice — first for less than {@code suspendAfterSeconds} (5 s), then for
 * longer (15 s) — while a client keeps ordering on the market every 250 ms and a monitor reads it
 * every 200 ms.
 *
 * <p>Must hold: once the price is older than {@code keepSeconds} orders get {@code 409 PRICE_STALE}
 * (promptly, never earlier); the short stall does not suspend the market; past
 * {@code suspendAfterSeconds} the watchdog suspends it with {@code FEED_STALE}; a fresh price
 * reopens it by itself (no admin); and no order is filled on a stale price — judged with the
 * drill's own clock against the price's {@code receivedAt}, not with the server's word.
 *
 * <p>Sabotage: during the stalls a second client orders through an orders function whose clock
 * runs 20 s behind (a skewed container): its freshness check passes stale prices.
 */
public final class FeedLag extends AbstractDrill {
    static final String NAME = "feed-lag";
    public static final String NO_STALE_FILL = "no order is filled on a stale price";

    public FeedLag(DrillSettings settings) {
        super(NAME,
                "the feed stalls 5 s, then 15 s: PRICE_STALE, automatic FEED_STALE suspension and resumption, no fill on a stale price",
                settings);
    }

    /** One order as the client saw it: sent at {@code sentAt}, answered at {@code answeredAt} (drill clock). */
    private record Placed(Instant sentAt, Instant answeredAt, int status, String code, String orderId, boolean skewed) {}

    /** One look at the market. */
    private record Look(Instant at, String state, String reason, Instant receivedAt) {}

    /** A stall: the feed quiet from {@code from} to {@code to}; the price's age counts from {@code receivedAt}. */
    private record Stall(String name, Instant from, Instant to, Instant receivedAt) {
        boolean covers(Instant t) {
            return !t.isBefore(from) && t.isBefore(to);
        }

        double age(Instant t) {
            return Duration.between(receivedAt, t).toMillis() / 1000.0;
        }
    }

    @Override
    public DrillReport run(DrillProgress progress) throws Exception {
        DrillReport report = new DrillReport(NAME);
        progress.step("starting the embedded environment");
        try (LocalHoldfast env = LocalHoldfast.start(LocalOptions.defaults().withPort(0))) {
            Run r = new Run(env, progress);
            r.setUp();
            r.stallTheFeed();
            r.reportFigures(report);
            checkStale(report, r.stalls, r.orders, r.keep);
            checkSuspension(report, r.stalls, r.seen, r.suspend);
            checkResumption(report, r.api, r.marketId, r.resumed, r.reopened, r.orders);
            checkNoStaleFill(report, r.stalls, r.orders, r.seen, r.keep);
        }
        return report;
    }

    /** One run of the drill: the market, the feeder, the ordering client and the monitor, and what they saw. */
    private final class Run {
        final LocalHoldfast env;
        final DrillProgress progress;
        final DrillClient api;
        final int keep = settings.scaled(3, 1);
        final int suspend = settings.scaled(10, 3);
        final int shortStall = settings.scaled(5, 2);
        final int longStall = settings.scaled(15, 5);
        final int steady = settings.scaled(4, 2);
        final AtomicLong seq = new AtomicLong(1);
        final List<Stall> stalls = new ArrayList<>();
        String pm;
        String marketId;
        AtomicLong version;
        String selection;
        String token;
        Instant resumed;
        Optional<Look> reopened = Optional.empty();
        List<Placed> orders;
        List<Look> seen;

        Run(LocalHoldfast env, DrillProgress progress) {
            this.env = env;
            this.progress = progress;
            this.api = new DrillClient(env);
        }

        /** The feed thresholds, a market fed every 500 ms, a funded user. */
        void setUp() {
            progress.step("setup: keepSeconds " + keep + ", suspendAfterSeconds " + suspend + ", a market fed every 500 ms");
            api.changeRiskConfig(c -> {
                ((ObjectNode) c.path("feed")).put("keepSeconds", keep);
                ((ObjectNode) c.path("feed")).put("suspendAfterSeconds", suspend);
                ((ObjectNode) c.path("rateLimits")).put("ordersPerUserPerMinute", 100_000);
                ((ObjectNode) c.path("rateLimits")).put("ordersPerAddressPerMinute", 100_000);
            }, "drill feed-lag");
            String run = UUID.randomUUID().toString().substring(0, 8);
            pm = "lag-" + run;
            marketId = api.market(pm).path("marketId").asText();
            api.feed(pm, seq.getAndIncrement(), "0.5", "0.5");
            JsonNode market = api.awaitMarket(marketId, m -> !m.path("price").isNull(), Duration.ofSeconds(30));
            api.openMarket(marketId);
            version = new AtomicLong(market.path("price").path("priceVersion").asLong());
            selection = market.path("selections").get(0).path("selectionId").asText();
            String user = "lag-user-" + run;
            api.fund(user, "100000000", "CASH");
            token = api.token(user);
        }

        /** Steady feed, the short stall, steady feed, the long stall, and the wait for the market to reopen by itself. */
        void stallTheFeed() throws Exception {
            AtomicBoolean feeding = new AtomicBoolean(true);
            AtomicBoolean stop = new AtomicBoolean(false);
            ConcurrentLinkedQueue<Placed> placed = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Look> looks = new ConcurrentLinkedQueue<>();
            AtomicBoolean sabotaging = new AtomicBoolean(false);
            Deployment skewed = new Deployment(env.deploymentWith(List.of()).clients(), env.deployment().names(),
                    Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-20)));
            List<Thread> threads = new ArrayList<>();
            try (SideGateway skewedGateway = new SideGateway(env, skewed, List.of(Functions.ORDERS))) {
                DrillClient skewedApi = new DrillClient(env, skewedGateway.baseUrl());
                threads.add(loop("drill-feeder", stop, 500, () -> {
                    if (feeding.get()) {
                        api.feed(pm, seq.getAndIncrement(), "0.5", "0.5");
                    }
                }));
                threads.add(loop("drill-orders", stop, 250, () -> {
                    placed.add(place(api, token, marketId, selection, version, false));
                    if (settings.sabotage() && sabotaging.get()) {
                        placed.add(place(skewedApi, token, marketId, selection, version, true));
                    }
                }));
                threads.add(loop("drill-monitor", stop, 200, () -> {
                    JsonNode m = api.marketView(marketId);
                    looks.add(new Look(Instant.now(), m.path("state").asText(), m.path("stateReason").asText(null),
                            Instant.parse(m.path("price").path("receivedAt").asText())));
                }));
                threads.forEach(Thread::start);
                java.util.function.Supplier<String> live = () -> status(looks, placed);

                progress.step("steady feed for " + steady + " s", live);
                DrillClient.sleep(steady * 1000L);
                stalls.add(stall("short stall", shortStall, feeding, sabotaging, looks, progress, live));
                progress.step("feed back for " + steady + " s", live);
                DrillClient.sleep(steady * 1000L);
                stalls.add(stall("long stall", longStall, feeding, sabotaging, looks, progress, live));
                resumed = Instant.now();
                progress.step("feed back: waiting for the market to reopen by itself", live);
                long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
                while (reopened.isEmpty() && System.nanoTime() < until) {
                    DrillClient.sleep(200);
                    reopened = looks.stream().filter(l -> l.at().isAfter(resumed) && l.state().equals("OPEN")).findFirst();
                }
                DrillClient.sleep(steady * 1000L);
                stop.set(true);
                for (Thread t : threads) {
                    t.join(10_000);
                }
                orders = new ArrayList<>(placed);
                seen = new ArrayList<>(looks);
            }
        }

        void reportFigures(DrillReport report) {
            report.figure("orders placed", orders.size() + (settings.sabotage() ? " (" + orders.stream().filter(Placed::skewed).count()
                    + " through the skewed container)" : ""));
            report.figure("market looks", seen.size());
            for (Stall s : stalls) {
                report.figure(s.name(), String.format(Locale.ROOT, "%.1f s without a feed message (price receivedAt %s)",
                        Duration.between(s.from(), s.to()).toMillis() / 1000.0, s.receivedAt()));
            }
        }
    }

    private static Placed place(DrillClient api, String token, String marketId, String selection, AtomicLong version, boolean skewed) {
        Instant sent = Instant.now();
        DrillClient.Reply r = api.order(token, "lag-" + UUID.randomUUID(), DrillClient.orderBody(marketId, selection, "1000", version.get()));
        Instant answered = Instant.now();
        if ("PRICE_CHANGED".equals(r.code())) {
            version.set(r.json().path("error").path("details").path("currentPriceVersion").asLong());
        }
        return new Placed(sent, answered, r.status(), r.code(), r.json().path("orderId").asText(null), skewed);
    }

    private static String status(ConcurrentLinkedQueue<Look> looks, ConcurrentLinkedQueue<Placed> placed) {
        Look last = null;
        for (Look l : looks) {
            last = l;
        }
        long ok = placed.stream().filter(p -> p.status() == 201).count();
        long stale = placed.stream().filter(p -> "PRICE_STALE".equals(p.code())).count();
        long notOpen = placed.stream().filter(p -> "MARKET_NOT_OPEN".equals(p.code())).count();
        return (last == null ? "" : String.format(Locale.ROOT, "market %s%s, price age %.1f s; ", last.state(),
                last.reason() == null || last.reason().isEmpty() ? "" : " (" + last.reason() + ")", Duration.between(last.receivedAt(), Instant.now()).toMillis() / 1000.0))
                + "orders: " + ok + " filled, " + stale + " PRICE_STALE, " + notOpen + " MARKET_NOT_OPEN";
    }

    private static Stall stall(String name, int seconds, AtomicBoolean feeding, AtomicBoolean sabotaging,
                               ConcurrentLinkedQueue<Look> looks, DrillProgress progress, java.util.function.Supplier<String> live) {
        progress.step("FEED STALLS (" + name + ", " + seconds + " s)", live);
        feeding.set(false);
        Instant from = Instant.now();
        sabotaging.set(true);
        DrillClient.sleep(seconds * 1000L);
        sabotaging.set(false);
        Instant to = Instant.now();
        feeding.set(true);
        // the feed was quiet: the last look before the stall ended shows the price every order in it saw
        Instant receivedAt = null;
        for (Look l : looks) {
            if (l.at().isBefore(to)) {
                receivedAt = l.receivedAt();
            }
        }
        return new Stall(name, from, to, receivedAt);
    }

    /** PRICE_STALE after keepSeconds in both stalls, promptly, and never before. */
    private static void checkStale(DrillReport report, List<Stall> stalls, List<Placed> orders, int keep) {
        boolean ok = true;
        StringBuilder numbers = new StringBuilder();
        for (Stall s : stalls) {
            List<Placed> stale = orders.stream().filter(p -> "PRICE_STALE".equals(p.code()) && s.covers(p.sentAt())).toList();
            double first = stale.stream().mapToDouble(p -> s.age(p.answeredAt())).min().orElse(Double.NaN);
            boolean early = stale.stream().anyMatch(p -> s.age(p.answeredAt()) < keep);
            boolean prompt = !stale.isEmpty() && first <= keep + 1.5;
            ok &= prompt && !early;
            numbers.append(String.format(Locale.ROOT, "%s%s: %d PRICE_STALE, the first at price age %.2f s (keepSeconds %d, bound %d-%.1f s)",
                    numbers.length() == 0 ? "" : "; ", s.name(), stale.size(), first, keep, keep, keep + 1.5));
        }
        report.check("orders get PRICE_STALE once the price is older than keepSeconds", ok, "%s", numbers);
    }

    /** The short stall leaves the market OPEN; the long one suspends it with FEED_STALE past suspendAfterSeconds. */
    private static void checkSuspension(DrillReport report, List<Stall> stalls, List<Look> seen, int suspend) {
        Stall shortStall = stalls.get(0);
        long suspendedInShort = seen.stream().filter(l -> shortStall.covers(l.at()) && !l.state().equals("OPEN")).count();
        report.check("a stall shorter than suspendAfterSeconds does not suspend the market", suspendedInShort == 0,
                "%s: %d looks, %d not OPEN", shortStall.name(), seen.stream().filter(l -> shortStall.covers(l.at())).count(), suspendedInShort);
        Stall longStall = stalls.get(1);
        Optional<Look> suspended = seen.stream().filter(l -> longStall.covers(l.at()) && l.state().equals("SUSPENDED")).findFirst();
        double age = suspended.map(l -> longStall.age(l.at())).orElse(Double.NaN);
        boolean reason = suspended.map(l -> "FEED_STALE".equals(l.reason())).orElse(false);
        double bound = suspend + 2.5;
        report.check("the watchdog suspends with FEED_STALE past suspendAfterSeconds",
                suspended.isPresent() && reason && age >= suspend && age <= bound,
                "%s: first seen SUSPENDED (%s) at price age %.2f s (suspendAfterSeconds %d, bound %d-%.1f s: watchdog every 1 s, looks every 0.2 s)",
                longStall.name(), suspended.map(Look::reason).orElse("never"), age, suspend, suspend, bound);
    }

    /** A fresh price reopens the market by itself, and orders are filled again. */
    private static void checkResumption(DrillReport report, DrillClient api, String marketId, Instant resumed,
                                        Optional<Look> reopened, List<Placed> orders) {
        JsonNode transitions = api.expect(200, "GET", "/admin/markets/" + marketId + "/transitions", api.admin(), null).path("transitions");
        String cause = null;
        for (JsonNode t : transitions) {
            if ("SUSPENDED".equals(t.path("from").asText()) && "OPEN".equals(t.path("to").asText())
                    && !Instant.parse(t.path("at").asText()).isBefore(resumed.minusSeconds(1))) {
                cause = t.path("cause").asText();
            }
        }
        double after = reopened.map(l -> Duration.between(resumed, l.at()).toMillis() / 1000.0).orElse(Double.NaN);
        long filledAfter = orders.stream().filter(p -> p.status() == 201 && reopened.isPresent() && p.sentAt().isAfter(reopened.get().at())).count();
        boolean byItself = cause != null && !cause.equals("drill-ops");
        report.check("a fresh price resumes the market automatically (OPEN)", reopened.isPresent() && byItself && filledAfter > 0,
                "OPEN again %.2f s after the feed resumed, transition SUSPENDED -> OPEN caused by '%s'; %d orders filled after",
                after, cause, filledAfter);
    }

    /**
     * No order filled on a stale price, by the drill's own clock: in a stall the price never moves,
     * so an order sent more than keepSeconds after its receivedAt was stale at any moment it could
     * have committed. No order is filled while the market is SUSPENDED either.
     */
    private static void checkNoStaleFill(DrillReport report, List<Stall> stalls, List<Placed> orders, List<Look> seen, int keep) {
        long filled = orders.stream().filter(p -> p.status() == 201).count();
        long staleFills = 0;
        double worst = 0;
        for (Stall s : stalls) {
            for (Placed p : orders) {
                if (p.status() == 201 && s.covers(p.sentAt())) {
                    double age = s.age(p.sentAt());
                    worst = Math.max(worst, age);
                    if (age > keep) {
                        staleFills++;
                    }
                }
            }
        }
        long inStalls = orders.stream().filter(p -> p.status() == 201 && stalls.stream().anyMatch(s -> s.covers(p.sentAt()))).count();
        report.check(NO_STALE_FILL, staleFills == 0,
                "%d orders filled in all, %d of them during the stalls; filled there at a price age of at most %.2f s (keepSeconds %d); stale fills %d",
                filled, inStalls, worst, keep, staleFills);
    }

    private static Thread loop(String name, AtomicBoolean stop, long everyMillis, Runnable body) {
        Thread t = new Thread(() -> {
            while (!stop.get()) {
                long t0 = System.nanoTime();
                try {
                    body.run();
                } catch (RuntimeException e) {
                    System.err.println("[" + name + "] " + e);
                }
                long left = everyMillis - (System.nanoTime() - t0) / 1_000_000;
                if (left > 0) {
                    try {
                        Thread.sleep(left);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }, name);
        t.setDaemon(true);
        return t;
    }
}
