package dev.holdfast.functions.signup;

import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;

import dev.holdfast.persistence.signups.SignupStore;
import dev.holdfast.persistence.signups.VerifierStats;
import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.api.token.AdmissionTokens;
import dev.holdfast.domain.signup.Person;
import dev.holdfast.domain.signup.Signup;
import dev.holdfast.domain.signup.SignupIds;
import dev.holdfast.domain.waitingroom.AdmissionToken;
import dev.holdfast.domain.wallet.Account;
import dev.holdfast.functions.signup.SignupRedrive;
import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.Rollouts;
import dev.holdfast.local.testing.Signing;
import dev.holdfast.local.testing.Trading;
import dev.holdfast.local.testing.ZeroDrift;
import dev.holdfast.local.verifier.StandInVerifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Signups end to end over real HTTP: {@code POST /signup} with an admission token, the real FIFO
 * queue, the worker calling the stand-in verifier over HTTP, the account opened with an empty
 * wallet. Its own environment, because it switches the platform to READ_ONLY and breaks the verifier.
 */
class SignupTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static LocalHoldfast env;
    private static Trading trading;
    private static Api api;
    private static Signing signing;
    private static VerifierStats stats;

    @BeforeAll
    static void start() throws Exception {
        env = LocalHoldfast.start(LocalOptions.defaults().withPort(0));
        trading = new Trading(env);
        api = trading.api();
        signing = new Signing(env, api);
        stats = new VerifierStats(env.deployment());
    }

    @AfterAll
    static void stop() {
        try {
            ZeroDrift.assertZero(env, "SignupTest");
        } finally {
            env.close();
        }
    }

    @AfterEach
    void healVerifier() {
        env.verifier().reset();
    }

    private static String rollout() {
        return "r-" + UUID.randomUUID();
    }

    private static String accepted(Api.Reply r) {
        assertEquals(202, r.status(), r.raw());
        assertEquals("PENDING", r.json().path("status").asText(), r.raw());
        String id = r.json().path("signupId").asText();
        assertTrue(SignupIds.wellFormed(id), id);
        return id;
    }

    @Test
    void aVerifiedSignupOpensOneAccountWithAnEmptyWallet() {
        String rollout = rollout();
        VerifierStats.Snapshot before = stats.read();
        String id = accepted(signing.signup(signing.admission(rollout, "c1"), Signing.body("Kim Minji")));

        JsonNode done = signing.awaitFinished(id, WAIT);
        assertEquals("VERIFIED", done.path("status").asText(), done.toString());
        assertEquals(id, done.path("signupId").asText());
        String accountId = done.path("accountId").asText();
        assertEquals(SignupIds.accountId(id), accountId);
        assertTrue(done.path("rejectionReason").isMissingNode(), done.toString());

        JsonNode wallet = trading.wallet(api.token(accountId));
        assertEquals("0", wallet.path("cash").asText(), wallet.toString());
        assertEquals("0", wallet.path("bonus").asText(), wallet.toString());
        Account stored = signing.account(accountId);
        assertEquals(1, stored.revision(), "the account item exists, opened once");
        assertEquals(0, stored.ledgerSeq());
        assertTrue(stored.heldForWithdrawal().isZero() && stored.openExposure().isZero());
        // the new account works like any other: it can be credited
        trading.credit(accountId, "5000", "CASH");
        assertEquals("5000", trading.wallet(api.token(accountId)).path("cash").asText());

        assertEquals(1, signing.signedUp(rollout, "c1"));
        StandInVerifier.Decision d = env.verifier().decision(id);
        assertEquals("VERIFIED", d.status());
        VerifierStats.Snapshot after = stats.read();
        assertTrue(after.submitted() - before.submitted() >= 1);
        assertTrue(after.finished() - before.finished() >= 1);
    }

    @Test
    void aRejectedIdentityOpensNoAccount() {
        String rollout = rollout();
        String id = accepted(signing.signup(signing.admission(rollout, "c1"), Signing.body("Please REJECT me")));
        JsonNode done = signing.awaitFinished(id, WAIT);
        assertEquals("REJECTED", done.path("status").asText(), done.toString());
        assertEquals("IDENTITY_NOT_CONFIRMED", done.path("rejectionReason").asText());
        assertTrue(done.path("accountId").isMissingNode(), done.toString());
        assertEquals(0, signing.account(SignupIds.accountId(id)).revision(), "no account");
        assertEquals(0, signing.signedUp(rollout, "c1"));

        String minor = LocalDate.now().minusYears(15).toString();
        String id2 = accepted(signing.signup(signing.admission(rollout, "c1"),
                Signing.body("Young One", minor, "+821099998888", "Busan")));
        JsonNode d2 = signing.awaitFinished(id2, WAIT);
        assertEquals("REJECTED", d2.path("status").asText(), d2.toString());
        assertEquals("UNDERAGE", d2.path("rejectionReason").asText());
    }

    @Test
    void theSameAdmissionReplaysTheSameSignupAndRefusesAnother() {
        String token = signing.admission(rollout(), "c1");
        String id = accepted(signing.signup(token, Signing.body("Lee Jieun")));

        Api.Reply again = signing.signup(token, Signing.body("Lee Jieun"));
        assertEquals(202, again.status(), again.raw());
        assertEquals(id, again.json().path("signupId").asText());
        assertEquals("true", again.header("Idempotent-Replayed"));

        Api.Reply other = signing.signup(token, Signing.body("Someone Else"));
        assertEquals(409, other.status(), other.raw());
        assertEquals("ADMISSION_ALREADY_USED", other.code());
        assertEquals(id, other.json().path("error").path("details").path("signupId").asText());

        assertEquals("VERIFIED", signing.awaitFinished(id, WAIT).path("status").asText());
        Api.Reply late = signing.signup(token, Signing.body("Lee Jieun"));
        assertEquals(202, late.status(), "a replay after verification still names the same signup");
        assertEquals(id, late.json().path("signupId").asText());
    }

    @Test
    void concurrentDuplicatesMakeOneSignupAndOneAccount() throws Exception {
        String rollout = rollout();
        String token = signing.admission(rollout, "c1");
        VerifierStats.Snapshot before = stats.read();
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Callable<Api.Reply>> calls = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                calls.add(() -> signing.signup(token, Signing.body("Park Jimin")));
            }
            Set<String> ids = new HashSet<>();
            int fresh = 0;
            for (Future<Api.Reply> f : pool.invokeAll(calls)) {
                Api.Reply r = f.get();
                ids.add(accepted(r));
                if (r.header("Idempotent-Replayed") == null) {
                    fresh++;
                }
            }
            assertEquals(1, ids.size(), "one signup for one admission: " + ids);
            assertEquals(1, fresh, "exactly one answer is the original");
            String id = ids.iterator().next();
            JsonNode done = signing.awaitFinished(id, WAIT);
            assertEquals("VERIFIED", done.path("status").asText());
            Signing.sleep(1_500); // let any duplicate delivery run
            assertEquals(1, signing.signedUp(rollout, "c1"), "counted once");
            assertEquals(1, signing.account(done.path("accountId").asText()).revision());
            VerifierStats.Snapshot after = stats.read();
            assertEquals(1, after.submitted() - before.submitted(), "submitted once");
            assertEquals(1, after.finished() - before.finished(), "finished once");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void tokensAndBodiesAreCheckedWithContractCodes() {
        String body = Signing.body("Choi Yuna");
        Api.Reply none = signing.signup(null, body);
        assertEquals(401, none.status(), none.raw());
        assertEquals("UNAUTHENTICATED", none.code());
        assertEquals("UNAUTHENTICATED", signing.signup("not.a.token", body).code());
        String forged = AdmissionTokens.sign(new AdmissionToken("t-x", "r", "c", Instant.now(), Instant.now().plusSeconds(600)),
                "another-secret-another-secret-another-secret".getBytes(StandardCharsets.UTF_8));
        assertEquals(401, signing.signup(forged, body).status());
        assertEquals("UNAUTHENTICATED", signing.signup(forged, body).code());
        assertEquals("UNAUTHENTICATED", signing.signup(api.token("user-1"), body).code(), "a user token is no admission");
        String expired = AdmissionTokens.sign(new AdmissionToken("t-" + UUID.randomUUID(), "r", "c", Instant.now().minusSeconds(900),
                Instant.now().minusSeconds(1)), env.signingKey());
        Api.Reply exp = signing.signup(expired, body);
        assertEquals(401, exp.status(), exp.raw());
        assertEquals("ADMISSION_EXPIRED", exp.code());

        String token = signing.admission(rollout(), "c1");
        String future = LocalDate.now().plusDays(1).toString();
        String ancient = LocalDate.now().minusYears(130).toString();
        String[][] bad = {
                {"{\"birthDate\":\"1990-01-01\",\"phone\":\"+8210123456\",\"region\":\"Seoul\"}", "name"},
                {Signing.body(" ", "1990-01-01", "+8210123456", "Seoul"), "name"},
                {Signing.body("x".repeat(101), "1990-01-01", "+8210123456", "Seoul"), "name"},
                {Signing.body("A", "01/02/1990", "+8210123456", "Seoul"), "birthDate"},
                {Signing.body("A", "1990-02-30", "+8210123456", "Seoul"), "birthDate"},
                {Signing.body("A", future, "+8210123456", "Seoul"), "birthDate"},
                {Signing.body("A", ancient, "+8210123456", "Seoul"), "birthDate"},
                {Signing.body("A", "1990-01-01", "010-1234-5678", "Seoul"), "phone"},
                {Signing.body("A", "1990-01-01", "+12", "Seoul"), "phone"},
                {Signing.body("A", "1990-01-01", "+8210123456", ""), "region"},
                {"{\"name\":\"A\",\"birthDate\":\"1990-01-01\",\"phone\":\"+8210123456\",\"region\":\"Seoul\",\"admin\":true}", "admin"},
                {"[]", "body"},
                {"{", "body"},
        };
        for (String[] b : bad) {
            Api.Reply r = signing.signup(token, b[0]);
            assertEquals(400, r.status(), b[0] + " -> " + r.raw());
            assertEquals("VALIDATION_ERROR", r.code());
            assertEquals(b[1], r.json().path("error").path("details").path("field").asText(), r.raw());
        }
        // nothing was recorded: the admission is still good
        accepted(signing.signup(token, body));

        Api.Reply unknown = api.get("/signup/" + SignupIds.random(), null);
        assertEquals(404, unknown.status());
        assertEquals("SIGNUP_NOT_FOUND", unknown.code());
        assertEquals("SIGNUP_NOT_FOUND", api.get("/signup/nonsense", null).code());
    }

    @Test
    void readOnlyRefusesSignupsAndTradingHaltedDoesNot() {
        String admin = trading.admin();
        try {
            assertEquals(200, api.post("/admin/maintenance", admin,
                    "{\"mode\":\"READ_ONLY\",\"notice\":\"back at 10\","
                            + "\"override\":{\"reason\":\"the open cohorts' surges freeze changes: go ahead\"}}").status());
            String token = signing.admission(rollout(), "c1");
            Api.Reply r = signing.signup(token, Signing.body("Jung Hoseok"));
            assertEquals(503, r.status(), r.raw());
            assertEquals("TRADING_HALTED", r.code());
            assertEquals("back at 10", r.json().path("error").path("details").path("notice").asText());

            assertEquals(200, api.post("/admin/maintenance", admin,
                    "{\"mode\":\"TRADING_HALTED\",\"notice\":\"trading only\","
                            + "\"override\":{\"reason\":\"the open cohorts' surges freeze changes: go ahead\"}}").status());
            String id = accepted(signing.signup(token, Signing.body("Jung Hoseok")));
            assertEquals("VERIFIED", signing.awaitFinished(id, WAIT).path("status").asText());
        } finally {
            api.post("/admin/maintenance", admin, "{\"mode\":\"NORMAL\"}");
        }
    }

    @Test
    void aVerifierOutageDelaysSignupsAndLosesNone() {
        String rollout = rollout();
        int n = 20;
        env.verifier().outage(true);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(accepted(signing.signup(signing.admission(rollout, "c1"), Signing.body("Outage Person " + i))));
        }
        Signing.sleep(3_000);
        for (String id : ids) {
            assertEquals("PENDING", signing.status(id).path("status").asText(), "waits while verification is down");
        }
        assertTrue(env.verifier().refusedInOutage() > 0, "the worker did try");
        env.verifier().outage(false);
        long healed = System.nanoTime();

        Set<String> accounts = new HashSet<>();
        for (String id : ids) {
            JsonNode done = signing.awaitFinished(id, WAIT);
            assertEquals("VERIFIED", done.path("status").asText(), done.toString());
            accounts.add(done.path("accountId").asText());
            assertEquals(1, signing.account(done.path("accountId").asText()).revision());
            assertNotNull(env.verifier().decision(id), "the verifier's book has " + id);
        }
        System.out.printf("outage drill: %d signups verified %d ms after the verifier came back%n",
                n, (System.nanoTime() - healed) / 1_000_000);
        assertEquals(n, accounts.size(), "exactly one account per signup");
        assertEquals(n, signing.signedUp(rollout, "c1"));
        assertEquals(n, ids.stream().filter(id -> env.verifier().book().containsKey(id)).count());
    }

    @Test
    void aThrottledAndFlakyVerifierStillVerifiesEveryone() {
        String rollout = rollout();
        int n = 16;
        long throttledBefore = env.verifier().throttled();
        long failedBefore = env.verifier().failed();
        env.verifier().capacityPerSecond(6).failureRate(0.25);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(accepted(signing.signup(signing.admission(rollout, "c2"), Signing.body("Busy Person " + i))));
        }
        for (String id : ids) {
            assertEquals("VERIFIED", signing.awaitFinished(id, WAIT).path("status").asText(), id);
        }
        assertEquals(n, signing.signedUp(rollout, "c2"));
        assertTrue(env.verifier().throttled() + env.verifier().failed() > throttledBefore + failedBefore,
                "the verifier pushed back at least once");
    }

    @Test
    void theRedriveFindsASignupWhoseMessageWasLost() {
        SignupStore store = new SignupStore(env.deployment(), null);
        String rollout = rollout();
        Instant now = Instant.now();
        Signup s = Signup.pending(SignupIds.random(), "t-" + UUID.randomUUID(), rollout, "c1",
                new Person("Lost Message", LocalDate.of(1985, 5, 5), "+821055554444", "Incheon"), now);
        assertInstanceOf(SignupStore.Created.class, store.create(s, now.plusSeconds(600))); // committed, never enqueued: the send was lost
        Signing.sleep(1_500);
        assertEquals("PENDING", signing.status(s.signupId()).path("status").asText());

        assertTrue(new SignupRedrive(env.deployment()).redriveOlderThan(Duration.ZERO) >= 1);
        JsonNode done = signing.awaitFinished(s.signupId(), WAIT);
        assertEquals("VERIFIED", done.path("status").asText(), done.toString());
        assertEquals(1, signing.signedUp(rollout, "c1"));
        assertTrue(store.pendingBefore(Instant.now().plusSeconds(1), 1000).stream()
                .noneMatch(p -> p.signupId().equals(s.signupId())), "a finished signup leaves the pending marks");
        assertNull(store.signup(s.signupId()).orElseThrow().person(), "the person's data is gone once verified");
    }

    @Test
    void admittedDevicesSignUpWithTheirRealTicketsAndTheRolloutCountsThem() {
        Rollouts rollouts = new Rollouts(api);
        Rollouts.Created r = rollouts.create("signup-e2e", 50, 600L,
                new Rollouts.CohortSpec("early", Duration.ofSeconds(-5), Duration.ofMinutes(30)));
        List<String> tickets = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Api.Reply e = rollouts.enter(r.link("early"), "device-" + UUID.randomUUID());
            assertEquals(201, e.status(), e.raw());
            tickets.add(e.json().path("ticketId").asText());
        }
        List<String> ids = new ArrayList<>();
        for (String t : tickets) {
            String token = awaitAdmission(rollouts, t);
            ids.add(accepted(signing.signup(token, Signing.body("Ticket Holder " + t.substring(0, 6)))));
            Api.Reply reuse = signing.signup(token, Signing.body("Another Person"));
            assertEquals("ADMISSION_ALREADY_USED", reuse.code(), "a token works once");
        }
        for (String id : ids) {
            assertEquals("VERIFIED", signing.awaitFinished(id, WAIT).path("status").asText());
        }
        JsonNode shown = rollouts.show(r.rolloutId()).json();
        assertEquals(3, shown.path("cohorts").get(0).path("signedUp").asLong(), shown.toString());
    }

    private static String awaitAdmission(Rollouts rollouts, String ticketId) {
        long until = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < until) {
            JsonNode t = rollouts.ticket(ticketId).json();
            if (t.path("status").asText().equals("ADMITTED")) {
                return t.path("admissionToken").asText();
            }
            Signing.sleep(200);
        }
        throw new AssertionError("ticket " + ticketId + " was not admitted in time");
    }
}
