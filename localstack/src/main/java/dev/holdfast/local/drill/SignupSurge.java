package dev.holdfast.local.drill;

import dev.holdfast.persistence.reconciliation.ReconciliationReader;
import dev.holdfast.persistence.waitingroom.WaitingRoomStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.reconciliation.ReconciliationReport;
import dev.holdfast.domain.waitingroom.AdmissionToken;
import dev.holdfast.functions.waitingroom.Admitter;
import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;
import dev.holdfast.local.drill.ArrivalOrder.Arrival;
import dev.holdfast.local.drill.RolloutWatch.Sample;
import dev.holdfast.local.verifier.StandInVerifier;
import dev.holdfast.resources.Functions;
import dev.holdfast.resources.Triggers;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The signup surge that took a city's service down for a weekend (900,000 members told to sign up
 * at the same hour; identity verification collapsed), scaled down: devices spread over four cohorts
 * that open a few seconds apart (the real plan opens them 15 minutes apart), each device entering the
 * waiting room as its cohort opens. Once everyone is in, the real {@link Admitter} is ticked every
 * 100 ms (the environment's own schedule is off) at an admission rate equal to the stand-in
 * verifier's capacity; a share of the admitted devices sign up as they are admitted, and the verifier
 * goes down for a few seconds once half the queue is admitted.
 *
 * <p>Must hold: unique positions 1..n per cohort in arrival order (within the stated bound); nobody
 * gets in before their cohort opens; admission in position order, earlier cohort first; the rate on a
 * full queue within ±5 % of the configured one while verification is healthy; the admitter slows
 * during the outage and recovers; every signup VERIFIED; one account per signing-up device (the
 * verifier's book has each signup once); no admission token good twice; the rollout's {@code signedUp}
 * = accounts opened; zero drift.
 *
 * <p>Sabotage: a test hook mints a second admission token for one device that already signed up, as
 * if the waiting room had given that device a second ticket, and signs the same person up again.
 */
public final class SignupSurge implements Drill {
    static final String NAME = "signup-surge";
    public static final String ONE_ACCOUNT_EACH = "one account per signing-up device";
    static final int COHORTS = 4;
    static final int THREADS = 32;
    static final long MEMBERS = 900_000;
    private final DrillSettings settings;

    public SignupSurge(DrillSettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String story() {
        return "a scaled-down 900,000-member rollout in cohorts with verification capacity limited and an outage midway:"
                + " everyone admitted in order, none lost, one account each";
    }

    /** The admitter's stored brake after one tick. */
    private record Brake(long atNanos, int factorMilli, String signal) {}

    private record Entry(String device, String cohort, long position, String ticketId, Arrival arrival) {}

    @Override
    public DrillReport run(DrillProgress progress) throws Exception {
        DrillReport report = new DrillReport(NAME);
        progress.step("starting the embedded environment (the admitter's schedule off: the drill ticks it)");
        Triggers.TriggerSet d = Triggers.DEFINED;
        try (LocalHoldfast env = LocalHoldfast.start(LocalOptions.defaults().withPort(0), new Triggers.TriggerSet(d.queues(),
                d.streams(), d.schedules().stream().filter(s -> s.function() != Functions.ADMITTER).toList()))) {
            Run r = new Run(env, progress, report);
            r.setUp();
            r.createRollout();
            r.enterBeforeOpening();
            r.enterAsCohortsOpen();
            r.checkPositions();
            r.startAdmitting();
            r.admitThroughOutage();
            r.awaitSignups();
            r.readOutcomes();
            r.checkAdmissionOrder();
            r.checkPace();
            r.checkBrake();
            r.checkSignups();
        }
        return report;
    }

    /** One run of the drill: the rollout, the devices, the admitter's samples and the signups, phase by phase. */
    private final class Run {
        final LocalHoldfast env;
        final DrillProgress progress;
        final DrillReport report;
        final DrillClient api;
        final StandInVerifier verifier;
        final int devices = settings.scaled(4_000, 600);
        final int rate = settings.scaled(120, 60);
        final int signEvery = settings.scaled(4, 3);
        final int gapSeconds = settings.scaled(3, 1);
        final long outageMillis = settings.scaled(5_000, 3_000);
        final List<String> cohortIds = new ArrayList<>();
        final Map<String, Instant> opensAt = new LinkedHashMap<>();
        final Map<String, String> links = new HashMap<>();
        final List<Entry> entries = Collections.synchronizedList(new ArrayList<>());
        final Map<String, List<Entry>> byCohort = new LinkedHashMap<>();
        final List<Entry> signers = new ArrayList<>();
        final AtomicBoolean admitting = new AtomicBoolean(true);
        final AtomicBoolean down = new AtomicBoolean();
        final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
        final List<Future<?>> signerJobs = Collections.synchronizedList(new ArrayList<>());
        final Map<String, String> signupOf = new ConcurrentHashMap<>();
        final Map<String, String> bodyOf = new ConcurrentHashMap<>();
        final AtomicInteger reuseRefused = new AtomicInteger();
        final AtomicInteger replays = new AtomicInteger();
        final AtomicInteger replaysSame = new AtomicInteger();
        final List<String> signupFailures = Collections.synchronizedList(new ArrayList<>());
        final Map<String, Integer> outcome = new java.util.TreeMap<>();
        final Set<String> accounts = new HashSet<>();
        String rolloutId;
        Supplier<JsonNode> show;
        int early = 0;
        int earlyRefused = 0;
        ExecutorService signerPool;
        Thread ticker;
        Supplier<String> live;
        long admissionStart;
        long outageAt = 0;
        long outageEnd = 0;
        double admissionSeconds;
        int accountsRead = 0;
        long viewSignedUp;
        long viewAdmitted;
        String duplicateSignup;

        Run(LocalHoldfast env, DrillProgress progress, DrillReport report) {
            this.env = env;
            this.progress = progress;
            this.report = report;
            this.api = new DrillClient(env);
            this.verifier = env.verifier();
        }

        void setUp() {
            dev.holdfast.local.EnterLimits.raise(env, 100_000); // every device enters from the loopback
            verifier.capacityPerSecond(rate);
            report.figure("scale", String.format(Locale.ROOT, "%d devices for %,d members (1:%d), %d cohorts opened %d s apart (the plan: 15 min)",
                    devices, MEMBERS, MEMBERS / devices, COHORTS, gapSeconds));
            report.figure("verification", "stand-in verifier capacity " + rate + "/s = the rollout's admissionRatePerSecond");
        }

        /** The rollout: cohorts opening a few seconds apart. */
        void createRollout() {
            Instant firstOpens = Instant.now().plusSeconds(6);
            ObjectNode body = Json.object();
            body.put("name", "surge drill " + UUID.randomUUID().toString().substring(0, 8));
            body.put("admissionRatePerSecond", rate);
            body.put("admissionWindowSeconds", 600);
            ArrayNode cs = body.putArray("cohorts");
            for (int c = 0; c < COHORTS; c++) {
                String id = "c" + (c + 1);
                cohortIds.add(id);
                opensAt.put(id, firstOpens.plusSeconds((long) c * gapSeconds));
                ObjectNode o = cs.addObject();
                o.put("cohortId", id);
                o.put("label", "Cohort " + (c + 1));
                o.put("opensAt", Rfc3339.format(opensAt.get(id)));
                o.put("closesAt", Rfc3339.format(firstOpens.plus(Duration.ofMinutes(30))));
            }
            JsonNode created = api.expect(201, "POST", "/admin/rollouts", api.admin(), Json.write(body));
            rolloutId = created.path("rolloutId").asText();
            created.path("cohorts").forEach(c -> links.put(c.path("cohortId").asText(), c.path("link").asText()));
            show = () -> api.get("/admin/rollouts/" + rolloutId, api.admin()).json();
        }

        /** The first and the last cohort entered seconds before they open. */
        void enterBeforeOpening() {
            for (String c : List.of(cohortIds.get(0), cohortIds.get(COHORTS - 1))) {
                if (Instant.now().isBefore(opensAt.get(c).minusMillis(3_000))) {
                    early++;
                    DrillClient.Reply r = enter(api, links.get(c), "early-" + c);
                    if (r.status() == 425 && "COHORT_NOT_OPEN".equals(r.code())) {
                        earlyRefused++;
                    }
                }
            }
        }

        /** Everyone enters as their cohort opens. */
        void enterAsCohortsOpen() throws Exception {
            Map<Integer, Integer> enterStatus = new ConcurrentHashMap<>();
            AtomicInteger next = new AtomicInteger();
            progress.step(String.format(Locale.ROOT, "%d devices enter %d cohorts as each opens (%d s apart)", devices, COHORTS, gapSeconds),
                    () -> String.format(Locale.ROOT, "entered %d of %d", entries.size(), devices));
            long t0 = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> jobs = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                jobs.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < devices; i = next.getAndIncrement()) {
                        String cohort = cohortIds.get(i * COHORTS / devices); // cohort by cohort, as they open
                        long wait = Duration.between(Instant.now(), opensAt.get(cohort)).toMillis();
                        if (wait > 0) {
                            DrillClient.sleep(wait + 50);
                        }
                        String device = "surge-device-" + i;
                        long sent = System.nanoTime();
                        DrillClient.Reply r = enter(api, links.get(cohort), device);
                        long answered = System.nanoTime();
                        enterStatus.merge(r.status(), 1, Integer::sum);
                        if (r.status() == 201) {
                            long position = r.json().path("position").asLong();
                            entries.add(new Entry(device, cohort, position, r.json().path("ticketId").asText(),
                                    new Arrival(sent, answered, position)));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : jobs) {
                f.get();
            }
            pool.shutdown();
            double enterSeconds = (System.nanoTime() - t0) / 1e9;
            report.figure("enters", String.format(Locale.ROOT, "%d in %.1f s (%.0f/s over %d threads, real HTTP, including the waits for the openings); answers %s",
                    devices, enterSeconds, devices / enterSeconds, THREADS, new java.util.TreeMap<>(enterStatus)));
            cohortIds.forEach(c -> byCohort.put(c, new ArrayList<>()));
            entries.forEach(e -> byCohort.get(e.cohort()).add(e));
            byCohort.values().forEach(l -> l.sort(Comparator.comparingLong(Entry::position)));
        }

        /**
         * Checks "unique positions per cohort, one ticket per device", "positions follow arrival order
         * within the stated bound" and "nobody enters a cohort before it opens".
         */
        void checkPositions() {
            int duplicates = 0;
            int holes = 0;
            long maxInversion = 0;
            StringBuilder perCohort = new StringBuilder();
            for (Map.Entry<String, List<Entry>> c : byCohort.entrySet()) {
                Set<Long> positions = new HashSet<>();
                for (Entry e : c.getValue()) {
                    if (!positions.add(e.position())) {
                        duplicates++;
                    }
                }
                for (long p = 1; p <= c.getValue().size(); p++) {
                    if (!positions.contains(p)) {
                        holes++;
                    }
                }
                maxInversion = Math.max(maxInversion, ArrivalOrder.maxInversion(c.getValue().stream().map(Entry::arrival).toList()));
                perCohort.append(perCohort.length() == 0 ? "" : ", ").append(c.getKey()).append(' ').append(c.getValue().size());
            }
            Set<String> tickets = new HashSet<>();
            entries.forEach(e -> tickets.add(e.ticketId()));
            Entry again = entries.get(entries.size() / 3);
            DrillClient.Reply reentered = enter(api, links.get(again.cohort()), again.device());
            boolean keepsPlace = reentered.json().path("position").asLong() == again.position()
                    && reentered.json().path("ticketId").asText().equals(again.ticketId());
            report.check("unique positions per cohort, one ticket per device", entries.size() == devices && duplicates == 0 && holes == 0
                            && tickets.size() == devices && keepsPlace,
                    "%d of %d devices got a ticket (%s); positions given twice %d, holes in 1..n %d; distinct tickets %d; a device entering again keeps its place: %s",
                    entries.size(), devices, perCohort, duplicates, holes, tickets.size(), keepsPlace);
            long bound = (long) WaitingRoomStore.STRIPES * (THREADS + 1);
            report.check("positions follow arrival order within the stated bound", maxInversion <= bound,
                    "largest overtaking by a later arrival %d places; bound %d = stripes %d x (enters in flight %d + 1)",
                    maxInversion, bound, WaitingRoomStore.STRIPES, THREADS);
            report.check("nobody enters a cohort before it opens", early > 0 && earlyRefused == early,
                    "%d early entries (before opensAt), %d answered 425 COHORT_NOT_OPEN", early, earlyRefused);
        }

        /**
         * The signers (every n-th device of each cohort) and the ticker: the drill ticks the real admitter
         * and, after each tick, samples the admission state as stored (the rollout view's numbers, read
         * without HTTP round trips, which a loaded machine makes too slow to see every tick); it also hands
         * each signing device to a signer once its cohort has admitted its position.
         */
        void startAdmitting() {
            byCohort.values().forEach(l -> {
                for (int i = 0; i < l.size(); i += signEvery) {
                    signers.add(l.get(i));
                }
            });
            Admitter admitter = new Admitter(env.deployment());
            Map<String, Integer> dispatched = new HashMap<>();
            cohortIds.forEach(c -> dispatched.put(c, 0));
            Map<String, List<Entry>> signersByCohort = new LinkedHashMap<>();
            cohortIds.forEach(c -> signersByCohort.put(c, new ArrayList<>()));
            signers.forEach(s -> signersByCohort.get(s.cohort()).add(s));
            signerPool = Executors.newFixedThreadPool(6);
            WaitingRoomStore rooms = new WaitingRoomStore(env.deployment(), null);
            Map<String, Long> enteredByCohort = new HashMap<>();
            byCohort.forEach((c, l) -> enteredByCohort.put(c, (long) l.size()));
            ticker = daemon("surge-admitter", () -> {
                while (admitting.get()) {
                    try {
                        admitter.tick();
                    } catch (RuntimeException e) {
                        System.out.println("drill: admitter tick failed: " + e); // the next tick carries on
                    }
                    storedSample(rooms, rolloutId, cohortIds, enteredByCohort).ifPresent(s -> {
                        samples.add(s);
                        for (String c : cohortIds) {
                            List<Entry> l = signersByCohort.get(c);
                            int k = dispatched.get(c);
                            long admittedHere = s.admittedByCohort().getOrDefault(c, 0L);
                            while (k < l.size() && l.get(k).position() <= admittedHere) {
                                Entry e = l.get(k++);
                                signerJobs.add(signerPool.submit(() -> signUp(api, e, signupOf, bodyOf, reuseRefused, replays, replaysSame,
                                        signupFailures)));
                            }
                            dispatched.put(c, k);
                        }
                    });
                    DrillClient.sleep(100);
                }
            });
            live = () -> {
                Sample s = samples.isEmpty() ? null : samples.get(samples.size() - 1);
                return s == null ? "no tick yet" : String.format(Locale.ROOT,
                        "admitted %d of %d, waiting %d; health factor %.2f (%s); signups sent %d, accounts %d; verifier %s, book %d, refused in outage %d, throttled %d",
                        s.admitted(), devices, s.waiting(), s.factor(), s.signal(), signupOf.size(), s.signedUp(),
                        down.get() ? "DOWN" : "up", verifier.book().size(), verifier.refusedInOutage(), verifier.throttled());
            };
            progress.step(String.format(Locale.ROOT, "admitting at %d/s; every %s device signs up as it is admitted (%d signers)",
                    rate, ordinal(signEvery), signers.size()), live);
            admissionStart = System.nanoTime();
            ticker.start();
        }

        /** The verifier goes down once half the queue is admitted; then admission runs until everyone is in and the brake is off. */
        void admitThroughOutage() {
            long halfDeadline = System.nanoTime() + Duration.ofSeconds(settings.scaled(180, 90)).toNanos();
            while (System.nanoTime() < halfDeadline) {
                Sample last = samples.isEmpty() ? null : samples.get(samples.size() - 1);
                if (last != null && last.admitted() >= devices / 2) {
                    progress.step(String.format(Locale.ROOT, "OUTAGE: identity verification down for %.0f s with half the queue admitted", outageMillis / 1000.0), live);
                    verifier.outage(true);
                    down.set(true);
                    outageAt = System.nanoTime();
                    DrillClient.sleep(outageMillis);
                    verifier.outage(false);
                    down.set(false);
                    outageEnd = System.nanoTime();
                    progress.step("verification is back: admission must recover", live);
                    break;
                }
                DrillClient.sleep(100);
            }
            long until = System.nanoTime() + Duration.ofSeconds(settings.scaled(180, 90)).toNanos();
            while (System.nanoTime() < until) {
                Sample last = samples.isEmpty() ? null : samples.get(samples.size() - 1);
                if (last != null && last.admitted() >= devices && (outageEnd == 0 || last.factor() == 1.0 && last.atNanos() > outageEnd)) {
                    break;
                }
                DrillClient.sleep(200);
            }
            admissionSeconds = (System.nanoTime() - admissionStart) / 1e9;
        }

        /** The signers finish (sabotaged: one device signs up twice), then the signup worker opens the accounts. */
        void awaitSignups() throws Exception {
            progress.step("everyone admitted: waiting for the signers and the signup worker", live);
            long signersUntil = System.nanoTime() + Duration.ofSeconds(settings.scaled(120, 60)).toNanos();
            while (signerJobs.size() < signers.size() && System.nanoTime() < signersUntil) {
                DrillClient.sleep(200);
            }
            for (Future<?> f : List.copyOf(signerJobs)) {
                f.get(Math.max(1, signersUntil - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            signerPool.shutdown();
            if (settings.sabotage()) {
                progress.note("SABOTAGE: a test hook gives one signed-up device a second admission token (as if it held two tickets) and signs it up again");
                duplicateSignup = signUpTwice(env, api, signers.get(0), rolloutId, bodyOf.get(signers.get(0).device()));
            }
            int expectedAccounts = signupOf.size() + (duplicateSignup == null ? 0 : 1);
            long workerUntil = System.nanoTime() + Duration.ofSeconds(settings.scaled(90, 60)).toNanos();
            while (System.nanoTime() < workerUntil) {
                Sample last = samples.isEmpty() ? null : samples.get(samples.size() - 1);
                if (last != null && last.signedUp() >= expectedAccounts && last.atNanos() > System.nanoTime() - 1_000_000_000L) {
                    break;
                }
                DrillClient.sleep(250);
            }
        }

        /** Every signup's outcome and account; the ticker stops; the rollout view's counts. */
        void readOutcomes() throws InterruptedException {
            progress.step("reading every signup's outcome", live);
            for (Map.Entry<String, String> s : signupOf.entrySet()) {
                JsonNode done = awaitFinished(api, s.getValue(), Duration.ofSeconds(30));
                outcome.merge(done.path("status").asText(), 1, Integer::sum);
                if ("VERIFIED".equals(done.path("status").asText())) {
                    accountsRead++;
                    accounts.add(done.path("accountId").asText());
                }
            }
            if (duplicateSignup != null) {
                JsonNode done = awaitFinished(api, duplicateSignup, Duration.ofSeconds(30));
                if ("VERIFIED".equals(done.path("status").asText())) {
                    accountsRead++;
                    accounts.add(done.path("accountId").asText());
                }
            }
            admitting.set(false);
            ticker.join(5_000);
            JsonNode view = show.get();
            viewSignedUp = RolloutWatch.sum(view, "signedUp");
            viewAdmitted = RolloutWatch.sum(view, "admitted");
            report.figure("admission", String.format(Locale.ROOT, "%d admitted in %.1f s at a configured %d/s (outage included)",
                    viewAdmitted, admissionSeconds, rate));
            report.figure("verifier", String.format(Locale.ROOT, "received %d requests: refused %d in the outage, throttled %d at its capacity; book %d",
                    verifier.received(), verifier.refusedInOutage(), verifier.throttled(), verifier.book().size()));
        }

        /** Checks "everyone admitted, in position order, earlier cohort first" on sampled tickets' admittedAt. */
        void checkAdmissionOrder() {
            int step = settings.scaled(10, 5);
            int notAdmitted = 0;
            int outOfOrder = 0;
            int read = 0;
            Map<String, long[]> firstLast = new LinkedHashMap<>();
            for (Map.Entry<String, List<Entry>> c : byCohort.entrySet()) {
                long previous = Long.MIN_VALUE;
                List<Entry> l = c.getValue();
                for (int i = 0; i < l.size(); i = (i + step < l.size() || i == l.size() - 1) ? i + step : l.size() - 1) {
                    JsonNode t = api.get("/waiting-room/tickets/" + l.get(i).ticketId(), null).json();
                    read++;
                    if (!"ADMITTED".equals(t.path("status").asText())) {
                        notAdmitted++;
                        continue;
                    }
                    long at = Instant.parse(t.path("admittedAt").asText()).toEpochMilli();
                    if (at < previous) {
                        outOfOrder++;
                    }
                    previous = Math.max(previous, at);
                    long[] fl = firstLast.computeIfAbsent(c.getKey(), k -> new long[]{at, at});
                    fl[0] = Math.min(fl[0], at);
                    fl[1] = Math.max(fl[1], at);
                }
            }
            int cohortsOverlapping = 0;
            for (int c = 1; c < cohortIds.size(); c++) {
                long[] before = firstLast.get(cohortIds.get(c - 1));
                long[] after = firstLast.get(cohortIds.get(c));
                if (before != null && after != null && before[1] > after[0]) {
                    cohortsOverlapping++;
                }
            }
            report.check("everyone admitted, in position order, earlier cohort first",
                    viewAdmitted == devices && notAdmitted == 0 && outOfOrder == 0 && cohortsOverlapping == 0,
                    "admitted %d of %d; %d tickets read (every %s by position): %d not admitted, %d admitted before a lower position of their cohort; cohorts whose first admission precedes the previous cohort's last: %d",
                    viewAdmitted, devices, read, ordinal(step), notAdmitted, outOfOrder, cohortsOverlapping);
        }

        private long outageStart() {
            return outageAt == 0 ? Long.MAX_VALUE : outageAt;
        }

        /** Checks "admission within 5 % of the configured rate while verification is healthy and the queue is full". */
        void checkPace() {
            long outageStart = outageStart();
            java.util.Optional<RolloutWatch.PacedRate> paced = RolloutWatch.pacedRate(samples, outageStart, rate, Duration.ofSeconds(1));
            double measured = paced.map(p -> p.onTime().perSecond()).orElse(Double.NaN);
            double window = paced.map(p -> p.onTime().seconds()).orElse(0.0);
            report.check("admission within 5 % of the configured rate while verification is healthy and the queue is full",
                    paced.isPresent() && window >= 2 && Math.abs(measured - rate) <= rate * 0.05,
                    "%.1f/s measured over %.1f s of on-time ticks (%d intervals at full health, more than %d waiting, before the outage); configured %d/s, allowed %.1f..%.1f; left out: %d ticker stalls over 1 s (%.1f s in all: the machine's load; a tick admits for at most 1 s), with them %.1f/s",
                    measured, window, paced.map(p -> p.onTime().samples()).orElse(0), rate, rate, rate * 0.95, rate * 1.05,
                    paced.map(RolloutWatch.PacedRate::stalls).orElse(0), paced.map(RolloutWatch.PacedRate::stalledSeconds).orElse(0.0),
                    paced.map(p -> p.overall().perSecond()).orElse(Double.NaN));
        }

        /** Checks "the admitter slowed during the outage and recovered after it" on the stored health factor. */
        void checkBrake() {
            long outageStart = outageStart();
            long endOfOutage = outageEnd;
            List<Brake> brakes = List.copyOf(samples).stream()
                    .map(x -> new Brake(x.atNanos(), (int) Math.round(x.factor() * 1000), x.signal())).toList();
            long minFactor = brakes.stream().filter(b -> b.atNanos() >= outageStart && b.atNanos() <= endOfOutage + 3_000_000_000L)
                    .mapToLong(Brake::factorMilli).min().orElse(1000);
            List<String> signals = brakes.stream().filter(b -> b.atNanos() >= outageStart && b.factorMilli() < 1000)
                    .map(Brake::signal).distinct().toList();
            java.util.Optional<Brake> recovered = brakes.stream().filter(b -> b.atNanos() > endOfOutage && b.factorMilli() == 1000).findFirst();
            long admittedInOutage = admittedBetween(samples, outageStart, endOfOutage);
            report.check("the admitter slowed during the outage and recovered after it",
                    outageAt > 0 && minFactor < 1000 && recovered.isPresent(),
                    "outage %.1f s once %d were admitted; the stored health factor (read after each of %d ticks) fell to %.2f (signals %s) and was back at 1.00 %s after the outage; %d admitted during it (%.0f/s vs %d/s configured)",
                    (endOfOutage - outageStart) / 1e9, samples.stream().filter(s -> s.atNanos() <= outageStart).mapToLong(Sample::admitted).max().orElse(0),
                    brakes.size(), minFactor / 1000.0, signals,
                    recovered.map(b -> String.format(Locale.ROOT, "%.1f s", (b.atNanos() - endOfOutage) / 1e9)).orElse("NEVER"),
                    admittedInOutage, admittedInOutage / Math.max(0.001, (endOfOutage - outageStart) / 1e9), rate);
        }

        /**
         * Signups: none lost, one account each, no token twice. Checks "no signup lost: every signup VERIFIED",
         * {@link #ONE_ACCOUNT_EACH}, "no admission token works twice", "the rollout's signedUp equals the
         * accounts opened" and "reconciliation drift zero".
         */
        void checkSignups() {
            int verified = outcome.getOrDefault("VERIFIED", 0);
            report.check("no signup lost: every signup VERIFIED", signupFailures.isEmpty() && signupOf.size() == signers.size() && verified == signers.size(),
                    "%d signing devices, %d signups accepted (202), outcomes %s; failures %d%s",
                    signers.size(), signupOf.size(), outcome, signupFailures.size(), signupFailures.isEmpty() ? "" : " (first: " + signupFailures.get(0) + ")");
            int book = verifier.book().size();
            long bookAskedMoreThanOnce = verifier.book().values().stream().filter(x -> x.requests() > 1).count();
            boolean bookIsSignups = verifier.book().keySet().containsAll(signupOf.values());
            report.check(ONE_ACCOUNT_EACH, accounts.size() == signers.size() && book == signers.size() && bookIsSignups
                            && viewSignedUp == signers.size(),
                    "%d devices signed up; accounts: %d distinct read from their signups, %d opened as the rollout counts them; the verifier's book has %d verifications (%s the drill's signups; %d asked again after a lost answer, decided once)",
                    signers.size(), accounts.size(), viewSignedUp, book, bookIsSignups ? "all of" : "NOT all of", bookAskedMoreThanOnce);
            report.check("no admission token works twice", reuseRefused.get() == signupOf.size() && replaysSame.get() == replays.get(),
                    "the same token with another body: %d of %d refused 409 ADMISSION_ALREADY_USED; with the same body: %d of %d replays answered the same signup",
                    reuseRefused.get(), signupOf.size(), replaysSame.get(), replays.get());
            report.check("the rollout's signedUp equals the accounts opened", viewSignedUp == accountsRead,
                    "GET /admin/rollouts/%s: signedUp %d; VERIFIED signups with an account %d", rolloutId, viewSignedUp, accountsRead);
            ReconciliationReport recon = new ReconciliationReader(env.deployment(), 4).run();
            report.check("reconciliation drift zero", recon.drift() == 0, "drift %d over %d accounts", recon.drift(), recon.accountsChecked());
        }
    }

    /** One consistent sample straight from the waiting room's table: the rollout's revision is the same before and after. */
    private static java.util.Optional<Sample> storedSample(WaitingRoomStore rooms, String rolloutId, List<String> cohortIds,
                                                           Map<String, Long> entered) {
        for (int attempt = 0; attempt < 3; attempt++) {
            WaitingRoomStore.RolloutState before = rooms.rollout(rolloutId).orElseThrow();
            if (before.lastTickAt().isEmpty()) {
                return java.util.Optional.empty();
            }
            Map<String, Long> admitted = new LinkedHashMap<>();
            long total = 0;
            long waiting = 0;
            long signedUp = 0;
            for (String c : cohortIds) {
                long a = rooms.cohort(rolloutId, c, true).orElseThrow().admitted();
                admitted.put(c, a);
                total += a;
                waiting += Math.max(0, entered.getOrDefault(c, 0L) - a);
                signedUp += rooms.signedUp(rolloutId, c);
            }
            WaitingRoomStore.RolloutState after = rooms.rollout(rolloutId).orElseThrow();
            if (after.revision() == before.revision()) {
                return java.util.Optional.of(new Sample(before.lastTickAt().get(), total, waiting, signedUp, before.factorMilli() / 1000.0,
                        before.signal(), admitted, System.nanoTime()));
            }
        }
        return java.util.Optional.empty();
    }

    private static long admittedBetween(List<Sample> samples, long fromNanos, long toNanos) {
        long before = samples.stream().filter(s -> s.atNanos() <= fromNanos).mapToLong(Sample::admitted).max().orElse(0);
        long after = samples.stream().filter(s -> s.atNanos() <= toNanos).mapToLong(Sample::admitted).max().orElse(before);
        return after - before;
    }

    private static DrillClient.Reply enter(DrillClient api, String link, String device) {
        ObjectNode b = Json.object();
        b.put("link", link);
        b.put("deviceId", device);
        return api.send("POST", "/waiting-room/enter", null, Json.write(b));
    }

    static String person(String name) {
        ObjectNode n = Json.object();
        n.put("name", name);
        n.put("birthDate", "1990-04-30");
        n.put("phone", "+821012345678");
        n.put("region", "Seoul");
        return Json.write(n);
    }

    /** One admitted device: fetches its token, signs up, tries the token again with another body (and now and then with the same). */
    private static Void signUp(DrillClient api, Entry e, Map<String, String> signupOf, Map<String, String> bodyOf, AtomicInteger reuseRefused,
                               AtomicInteger replays, AtomicInteger replaysSame, List<String> failures) {
        try {
            String token = null;
            for (int i = 0; i < 50 && token == null; i++) {
                JsonNode t = api.get("/waiting-room/tickets/" + e.ticketId(), null).json();
                if ("ADMITTED".equals(t.path("status").asText())) {
                    token = t.path("admissionToken").asText();
                } else {
                    DrillClient.sleep(200);
                }
            }
            if (token == null) {
                failures.add(e.device() + ": never admitted");
                return null;
            }
            String body = person("Surge Person " + e.device());
            DrillClient.Reply first = api.send("POST", "/signup", token, body);
            for (int i = 0; i < 40 && (first.status() == 429 || first.status() == 503); i++) {
                DrillClient.sleep(250);
                first = api.send("POST", "/signup", token, body);
            }
            if (first.status() != 202) {
                failures.add(e.device() + ": signup answered " + first.status() + " " + first.raw());
                return null;
            }
            String id = first.json().path("signupId").asText();
            signupOf.put(e.device(), id);
            bodyOf.put(e.device(), body);
            DrillClient.Reply reuse = api.send("POST", "/signup", token, person("Someone Else " + e.device()));
            if (reuse.status() == 409 && "ADMISSION_ALREADY_USED".equals(reuse.code())) {
                reuseRefused.incrementAndGet();
            }
            if (e.position() % 10 == 1) {
                replays.incrementAndGet();
                DrillClient.Reply replay = api.send("POST", "/signup", token, body);
                if (replay.status() == 202 && id.equals(replay.json().path("signupId").asText())) {
                    replaysSame.incrementAndGet();
                }
            }
        } catch (RuntimeException x) {
            failures.add(e.device() + ": " + x);
        }
        return null;
    }

    /** The sabotage: a second admission token for a device that already signed up, under a ticket the waiting room never gave it. */
    private static String signUpTwice(LocalHoldfast env, DrillClient api, Entry device, String rolloutId, String body) {
        Instant now = env.deployment().clock().instant();
        String token = new AdmissionToken(device.ticketId() + "-second", rolloutId, device.cohort(), now.minusSeconds(1),
                now.plus(Duration.ofMinutes(10))).sign(env.signingKey());
        DrillClient.Reply r = api.send("POST", "/signup", token, body);
        if (r.status() != 202) {
            throw new IllegalStateException("sabotage: the second signup answered " + r.status() + " " + r.raw());
        }
        return r.json().path("signupId").asText();
    }

    private static JsonNode awaitFinished(DrillClient api, String signupId, Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        JsonNode v = api.get("/signup/" + signupId, null).json();
        while ("PENDING".equals(v.path("status").asText()) && System.nanoTime() < until) {
            DrillClient.sleep(200);
            v = api.get("/signup/" + signupId, null).json();
        }
        return v;
    }

    private static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static String ordinal(int n) {
        return switch (n) {
            case 1 -> "";
            case 2 -> "2nd";
            case 3 -> "3rd";
            default -> n + "th";
        };
    }
}
