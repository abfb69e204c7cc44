package dev.holdfast.local.signup;

import dev.holdfast.local.EnterLimits;
import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;

import dev.holdfast.persistence.waitingroom.WaitingRoomStore;
import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.domain.waitingroom.AdmissionToken;
import dev.holdfast.functions.waitingroom.Admitter;
import dev.holdfast.local.drill.ArrivalOrder;
import dev.holdfast.local.drill.RolloutWatch;
import dev.holdfast.local.drill.RolloutWatch.Sample;
import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.Rollouts;
import dev.holdfast.local.testing.Rollouts.CohortSpec;
import dev.holdfast.local.testing.Signing;
import dev.holdfast.local.testing.ZeroDrift;
import dev.holdfast.resources.Functions;
import dev.holdfast.resources.Triggers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The signup surge at full size: 20,000 simulated devices enter four cohorts at once over real HTTP;
 * then admission runs at the configured rate while a few hundred admitted devices sign up and the
 * identity verifier goes down midway. Checks: unique positions in arrival order (within the stated
 * bound), admission in position order at the configured rate (±5 %), slowing while verification
 * fails and recovering after, no signup lost, no admission token working twice, exactly one account
 * per signing-up device.
 *
 * <p>Admission is held until everyone has entered (the test ticks the real {@link Admitter} itself
 * instead of the environment's schedule), so the rate is measured on a full queue. Size with
 * {@code -Dholdfast.surge.devices=N}.
 */
class SignupSurgeTest {
    static final int DEVICES = Integer.getInteger("holdfast.surge.devices", 20_000);
    static final int COHORTS = 4;
    /** Admission takes about 20 s at full health, whatever the size. */
    static final int RATE = Math.max(50, DEVICES / 20);
    static final int THREADS = 32;
    static final int SIGNUPS = Math.min(400, DEVICES / 10);

    static LocalHoldfast env;
    static Api api;

    @BeforeAll
    static void start() throws Exception {
        Triggers.TriggerSet d = Triggers.DEFINED;
        env = LocalHoldfast.start(LocalOptions.defaults().withPort(0), new Triggers.TriggerSet(d.queues(), d.streams(),
                d.schedules().stream().filter(s -> s.function() != Functions.ADMITTER).toList()));
        api = new Api(env.apiBaseUrl());
        EnterLimits.raise(env, 100_000); // thousands of devices from one address (the loopback)
    }

    @AfterAll
    static void stop() {
        if (env != null) {
            ZeroDrift.assertZero(env);
            env.close();
        }
    }

    record Entry(String device, String cohort, long sentNanos, long answeredNanos, long position, String ticketId) {
        ArrivalOrder.Arrival arrival() {
            return new ArrivalOrder.Arrival(sentNanos, answeredNanos, position);
        }
    }

    @Test
    void twentyThousandDevicesQueueFairlyAndEverySigningUpDeviceGetsOneAccount() throws Exception {
        Rollouts rollouts = new Rollouts(api);
        Rollouts.Created rollout = rollouts.create("surge", RATE, 600L,
                new CohortSpec("c1", Duration.ofSeconds(-4), Duration.ofMinutes(30)),
                new CohortSpec("c2", Duration.ofSeconds(-3), Duration.ofMinutes(30)),
                new CohortSpec("c3", Duration.ofSeconds(-2), Duration.ofMinutes(30)),
                new CohortSpec("c4", Duration.ofSeconds(-1), Duration.ofMinutes(30)));

        // ---- everyone enters at once ---------------------------------------------------------------
        List<Entry> entries = Collections.synchronizedList(new ArrayList<>());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> jobs = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < THREADS; t++) {
            jobs.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < DEVICES; i = next.getAndIncrement()) {
                    String cohort = "c" + (i % COHORTS + 1);
                    String device = "surge-device-" + i;
                    String body = "{\"link\":\"" + rollout.link(cohort) + "\",\"deviceId\":\"" + device + "\"}";
                    long sent = System.nanoTime();
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(env.apiBaseUrl() + "/waiting-room/enter"))
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    long answered = System.nanoTime();
                    assertEquals(201, r.statusCode(), r.body());
                    JsonNode j = dev.holdfast.api.Json.parse(r.body());
                    entries.add(new Entry(device, cohort, sent, answered, j.path("position").asLong(), j.path("ticketId").asText()));
                }
                return null;
            }));
        }
        for (Future<?> f : jobs) {
            f.get();
        }
        double enterSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("[surge] %d devices entered %d cohorts in %.1f s = %.0f enters/s (%d threads, real HTTP)%n",
                DEVICES, COHORTS, enterSeconds, DEVICES / enterSeconds, THREADS);
        assertEquals(DEVICES, entries.size());

        Map<String, List<Entry>> byCohort = new HashMap<>();
        entries.forEach(e -> byCohort.computeIfAbsent(e.cohort(), k -> new ArrayList<>()).add(e));
        long maxInversion = 0;
        for (List<Entry> c : byCohort.values()) {
            Set<Long> positions = new HashSet<>();
            c.forEach(e -> assertTrue(positions.add(e.position()), "position " + e.position() + " given twice"));
            for (long p = 1; p <= c.size(); p++) {
                assertTrue(positions.contains(p), "positions are 1.." + c.size() + " without a hole; missing " + p);
            }
            maxInversion = Math.max(maxInversion, ArrivalOrder.maxInversion(c.stream().map(Entry::arrival).toList()));
        }
        long bound = (long) WaitingRoomStore.STRIPES * (THREADS + 1);
        System.out.printf("[surge] arrival order: the largest overtaking by a later arrival is %d places (bound %d = stripes x (enters in flight + 1))%n",
                maxInversion, bound);
        assertTrue(maxInversion <= bound, "arrival order within the stated bound: " + maxInversion + " > " + bound);
        Set<String> tickets = new HashSet<>();
        entries.forEach(e -> tickets.add(e.ticketId()));
        assertEquals(DEVICES, tickets.size(), "one ticket per device");
        Entry again = entries.get(123);
        Api.Reply reentered = new Rollouts(api).enter(rollout.link(again.cohort()), again.device());
        assertEquals(again.position(), reentered.json().path("position").asLong(), "the same device keeps its place");

        // ---- admission, signups and a verifier outage ----------------------------------------------
        List<Entry> signers = new ArrayList<>();
        List<Entry> inOrder = new ArrayList<>(entries);
        inOrder.sort(Comparator.comparing(Entry::cohort).thenComparingLong(Entry::position));
        for (int i = 0; i < SIGNUPS; i++) {
            signers.add(inOrder.get((int) ((long) i * inOrder.size() / SIGNUPS)));
        }
        Admitter admitter = new Admitter(env.deployment());
        AtomicBoolean admitting = new AtomicBoolean(true);
        Thread ticker = new Thread(() -> {
            while (admitting.get()) {
                admitter.tick();
                Signing.sleep(200);
            }
        }, "surge-admitter");
        List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
        Thread sampler = new Thread(() -> {
            while (admitting.get()) {
                RolloutWatch.sample(() -> rollouts.show(rollout.rolloutId()).json()).ifPresent(samples::add);
                Signing.sleep(250);
            }
        }, "surge-sampler");
        Signing signing = new Signing(env, api);
        Map<String, String> signupOf = new ConcurrentHashMap<>();
        AtomicInteger submitted = new AtomicInteger();
        AtomicInteger reuseRefused = new AtomicInteger();
        ExecutorService signerPool = Executors.newFixedThreadPool(8);
        long admissionStart = System.nanoTime();
        ticker.start();
        sampler.start();
        List<Future<?>> signerJobs = new ArrayList<>();
        for (Entry s : signers) {
            signerJobs.add(signerPool.submit(() -> {
                String token = awaitAdmitted(s.ticketId(), Duration.ofSeconds(180));
                AdmissionToken t = AdmissionToken.verify(token, env.signingKey(), Instant.now());
                assertEquals(s.ticketId(), t.ticketId(), "the token is bound to its ticket");
                String body = Signing.body("Surge Person " + s.device());
                Api.Reply first = retryWhileBusy(() -> signing.signup(token, body));
                assertEquals(202, first.status(), first.raw());
                signupOf.put(s.device(), first.json().path("signupId").asText());
                submitted.incrementAndGet();
                Api.Reply reuse = signing.signup(token, Signing.body("Someone Else " + s.device()));
                assertEquals(409, reuse.status(), reuse.raw());
                assertEquals("ADMISSION_ALREADY_USED", reuse.code());
                reuseRefused.incrementAndGet();
                Api.Reply replay = signing.signup(token, body);
                assertEquals(first.json().path("signupId").asText(), replay.json().path("signupId").asText(), "a replay, not a second signup");
                return null;
            }));
        }
        // the verifier goes down for five seconds once half the queue is admitted
        long outageAt = 0;
        long outageEnd = 0;
        while (true) {
            Sample last = samples.isEmpty() ? null : samples.get(samples.size() - 1);
            if (last != null && last.admitted() >= DEVICES / 2) {
                env.verifier().outage(true);
                outageAt = System.nanoTime();
                Signing.sleep(5_000);
                env.verifier().outage(false);
                outageEnd = System.nanoTime();
                break;
            }
            if (System.nanoTime() - admissionStart > Duration.ofMinutes(3).toNanos()) {
                throw new AssertionError("half the queue was never admitted: " + last);
            }
            Signing.sleep(100);
        }
        for (Future<?> f : signerJobs) {
            f.get();
        }
        signerPool.shutdown();
        long until = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        Sample last = null;
        while (System.nanoTime() < until) {
            last = samples.isEmpty() ? null : samples.get(samples.size() - 1);
            if (last != null && last.admitted() == DEVICES) {
                break;
            }
            Signing.sleep(200);
        }
        admitting.set(false);
        ticker.join();
        sampler.join();
        assertNotNull(last);
        assertEquals(DEVICES, last.admitted(), "everyone admitted in the end");
        System.out.printf("[surge] %d admitted in %.1f s at a configured %d/s%n", DEVICES,
                (System.nanoTime() - admissionStart) / 1e9, RATE);

        // ---- the admission rate while the queue was full and verification healthy -----------------
        double rate = healthyRate(samples, outageAt);
        System.out.printf("[surge] measured admission rate on a full queue, verifier healthy: %.1f/s (configured %d/s)%n", rate, RATE);
        assertTrue(Math.abs(rate - RATE) <= RATE * 0.05, "admission within 5 % of the configured rate: " + rate);
        long outageStartNanos = outageAt;
        long outageEndNanos = outageEnd;
        boolean slowed = samples.stream().anyMatch(s -> s.atNanos() >= outageStartNanos && s.factor() < 1.0);
        System.out.printf("[surge] during the outage the admitter %s (health factor min %.2f)%n", slowed ? "slowed down" : "did NOT slow down",
                samples.stream().filter(s -> s.atNanos() >= outageStartNanos && s.atNanos() <= outageEndNanos + 3_000_000_000L)
                        .mapToDouble(Sample::factor).min().orElse(1));

        // ---- admission followed position ------------------------------------------------------------
        Map<String, List<long[]>> admittedAt = new HashMap<>();
        for (int i = 0; i < inOrder.size(); i += 20) {
            Entry e = inOrder.get(i);
            JsonNode t = new Rollouts(api).ticket(e.ticketId()).json();
            assertEquals("ADMITTED", t.path("status").asText(), t.toString());
            admittedAt.computeIfAbsent(e.cohort(), k -> new ArrayList<>())
                    .add(new long[]{e.position(), Instant.parse(t.path("admittedAt").asText()).toEpochMilli()});
        }
        for (String c : List.of("c1", "c2", "c3", "c4")) {
            List<long[]> list = admittedAt.get(c);
            list.sort(Comparator.comparingLong(a -> a[0]));
            for (int i = 1; i < list.size(); i++) {
                assertTrue(list.get(i)[1] >= list.get(i - 1)[1], c + ": a later position was admitted before an earlier one");
            }
        }
        assertTrue(admittedAt.get("c1").get(admittedAt.get("c1").size() - 1)[1] <= admittedAt.get("c4").get(0)[1],
                "the earliest-opening cohort is served first");

        // ---- no signup lost, one account each ----------------------------------------------------
        Set<String> accounts = new HashSet<>();
        for (Map.Entry<String, String> s : signupOf.entrySet()) {
            JsonNode done = signing.awaitFinished(s.getValue(), Duration.ofSeconds(90));
            assertEquals("VERIFIED", done.path("status").asText(), s.getKey() + ": " + done);
            assertTrue(accounts.add(done.path("accountId").asText()), "one account per signup");
            assertEquals(1, signing.account(done.path("accountId").asText()).revision(), "opened once, empty");
        }
        assertEquals(SIGNUPS, signupOf.size());
        assertEquals(SIGNUPS, accounts.size());
        assertEquals(SIGNUPS, reuseRefused.get(), "no admission token worked twice");
        long signedUp = 0;
        for (String c : List.of("c1", "c2", "c3", "c4")) {
            signedUp += signing.signedUp(rollout.rolloutId(), c);
        }
        assertEquals(SIGNUPS, signedUp);
        assertEquals(SIGNUPS, env.verifier().book().size(), "the verifier verified each signup once");
        assertTrue(env.verifier().refusedInOutage() > 0 || !slowed, "the outage hit verifications in flight");
        System.out.printf("[surge] %d signups, %d accounts, %d token reuses refused, verifier refused %d calls during the outage%n",
                signupOf.size(), accounts.size(), reuseRefused.get(), env.verifier().refusedInOutage());
    }

    /** Admitted per second over the longest run at full health with people waiting, before the outage. */
    static double healthyRate(List<Sample> samples, long outageAtNanos) {
        RolloutWatch.Rate r = RolloutWatch.healthyRate(samples, outageAtNanos, RATE).orElseThrow(
                () -> new AssertionError("fewer than 2 samples at full health before the outage"));
        assertTrue(r.seconds() >= 3, "a window of at least 3 s: " + r.seconds());
        return r.perSecond();
    }

    private static String awaitAdmitted(String ticketId, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode t = new Rollouts(api).ticket(ticketId).json();
            if ("ADMITTED".equals(t.path("status").asText())) {
                return t.path("admissionToken").asText();
            }
            Signing.sleep(Math.min(2_000, Math.max(200, t.path("pollAfterSeconds").asLong(1) * 200)));
        }
        throw new AssertionError("ticket " + ticketId + " was not admitted in time");
    }

    private static Api.Reply retryWhileBusy(java.util.function.Supplier<Api.Reply> call) {
        Api.Reply r = call.get();
        for (int i = 0; i < 20 && (r.status() == 429 || r.status() == 503); i++) {
            Signing.sleep(250);
            r = call.get();
        }
        return r;
    }
}
