package dev.holdfast.local.waitingroom;

import dev.holdfast.local.LocalHoldfast;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.domain.waitingroom.AdmissionToken;
import dev.holdfast.domain.waitingroom.CohortLink;
import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.Rollouts;
import dev.holdfast.local.testing.Rollouts.CohortSpec;
import dev.holdfast.local.testing.SharedEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rollouts, links, entering and polling the waiting room, over real HTTP. */
class WaitingRoomTest {
    static LocalHoldfast env;
    static Api api;
    static Rollouts rollouts;

    @BeforeAll
    static void start() {
        env = SharedEnvironment.get();
        api = new Api(env.apiBaseUrl());
        rollouts = new Rollouts(api);
    }

    static CohortSpec open(String id) {
        return new CohortSpec(id, Duration.ofSeconds(-1), Duration.ofMinutes(30));
    }

    @Test
    void creatingARolloutIsAdminOnlyValidatedAndAudited() {
        String user = api.token("wr-user-1");
        String body = "{\"name\":\"x\",\"admissionRatePerSecond\":5,\"cohorts\":[{\"cohortId\":\"a\",\"label\":\"A\","
                + "\"opensAt\":\"2026-01-01T00:00:00.000Z\",\"closesAt\":\"2027-01-01T00:00:00.000Z\"}]}";
        assertEquals(403, api.post("/admin/rollouts", user, body).status());
        assertEquals(401, api.post("/admin/rollouts", null, body).status());
        String admin = rollouts.adminToken();
        record Bad(String body, String field) {}
        for (Bad b : List.of(
                new Bad("{\"admissionRatePerSecond\":5,\"cohorts\":[]}", "name"),
                new Bad("{\"name\":\"x\",\"cohorts\":[]}", "admissionRatePerSecond"),
                new Bad("{\"name\":\"x\",\"admissionRatePerSecond\":0,\"cohorts\":[]}", "admissionRatePerSecond"),
                new Bad("{\"name\":\"x\",\"admissionRatePerSecond\":5,\"cohorts\":[]}", "cohorts"),
                new Bad("{\"name\":\"x\",\"admissionRatePerSecond\":5,\"cohorts\":[{\"cohortId\":\"a\",\"label\":\"A\","
                        + "\"opensAt\":\"nope\",\"closesAt\":\"2027-01-01T00:00:00.000Z\"}]}", "cohorts[0].opensAt"),
                new Bad("{\"name\":\"x\",\"admissionRatePerSecond\":5,\"cohorts\":[{\"cohortId\":\"a\",\"label\":\"A\","
                        + "\"opensAt\":\"2027-01-01T00:00:00.000Z\",\"closesAt\":\"2026-01-01T00:00:00.000Z\"}]}", "cohorts[0].closesAt"),
                new Bad(body.replace("\"cohorts\":[", "\"cohorts\":[{\"cohortId\":\"a\",\"label\":\"A2\",\"opensAt\":\"2026-01-01T00:00:00.000Z\","
                        + "\"closesAt\":\"2027-01-01T00:00:00.000Z\"},"), "cohorts.cohortId"),
                new Bad(body.replace("\"name\"", "\"extra\":1,\"name\""), "extra"))) {
            Api.Reply r = api.post("/admin/rollouts", admin, b.body());
            assertEquals(400, r.status(), b.body() + " -> " + r.raw());
            assertEquals("VALIDATION_ERROR", r.code());
            assertEquals(b.field(), r.json().path("error").path("details").path("field").asText(), r.raw());
        }
        Rollouts.Created c = rollouts.create("audited", 5, null, open("a"));
        Api.Reply audit = api.get("/admin/audit?limit=50", admin);
        boolean found = false;
        for (JsonNode rec : audit.json().path("records")) {
            found |= rec.path("action").asText().equals("ROLLOUT_CREATED")
                    && rec.path("target").asText().equals("rollout/" + c.rolloutId());
        }
        assertTrue(found, "audit record of the rollout");
        assertEquals(404, rollouts.show("r-00000000000000000000000000000000").status());
        assertEquals("ROLLOUT_NOT_FOUND", rollouts.show("r-00000000000000000000000000000000").code());
    }

    @Test
    void forgedAlteredOrForeignLinksAreRefused() {
        Rollouts.Created c = rollouts.create("links", 5, null, open("a"));
        String link = c.link("a");
        assertTrue(link.startsWith(env.apiBaseUrl() + "/?c="), link);
        String token = link.substring(link.indexOf("c=") + 2);
        String altered = link.substring(0, link.length() - 3) + (link.endsWith("AAA") ? "BBB" : "AAA");
        String foreign = new CohortLink(c.rolloutId(), "a").link(env.apiBaseUrl() + "/",
                "another-environment-key-of-at-least-32-bytes!!".getBytes());
        String unknownRollout = new CohortLink("r-00000000000000000000000000000000", "a").link(env.apiBaseUrl() + "/", env.signingKey());
        String unknownCohort = new CohortLink(c.rolloutId(), "zz").link(env.apiBaseUrl() + "/", env.signingKey());
        for (String bad : List.of(altered, foreign, unknownRollout, unknownCohort, "https://example.com/?c=abc", "nothing")) {
            Api.Reply r = rollouts.enter(bad, "device-forged-1");
            assertEquals(403, r.status(), bad + " -> " + r.raw());
            assertEquals("INVALID_LINK", r.code());
        }
        assertEquals(201, rollouts.enter(token, "device-bare-token").status(), "the bare token works too");
        Api.Reply bad = rollouts.enter(link, "short");
        assertEquals(400, bad.status());
        assertEquals("deviceId", bad.json().path("error").path("details").path("field").asText());
    }

    @Test
    void earlyIsTooEarlyAndLateIsTooLate() {
        Rollouts.Created c = rollouts.create("times", 5, null,
                new CohortSpec("early", Duration.ofHours(1), Duration.ofHours(2)),
                new CohortSpec("late", Duration.ofHours(-2), Duration.ofHours(-1)));
        Api.Reply early = rollouts.enter(c.link("early"), "device-early-1");
        assertEquals(425, early.status(), early.raw());
        assertEquals("COHORT_NOT_OPEN", early.code());
        assertNotNull(early.json().path("error").path("details").path("opensAt").asText(null));
        Api.Reply late = rollouts.enter(c.link("late"), "device-late-1");
        assertEquals(410, late.status(), late.raw());
        assertEquals("COHORT_CLOSED", late.code());
    }

    @Test
    void aDeviceKeepsItsPlaceAndSequentialArrivalsQueueInOrder() {
        Rollouts.Created c = rollouts.create("order", 1, null, open("a"));
        List<Long> positions = new ArrayList<>();
        Set<String> tickets = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            Api.Reply r = rollouts.enter(c.link("a"), "device-order-" + i);
            assertEquals(201, r.status(), r.raw());
            positions.add(r.json().path("position").asLong());
            tickets.add(r.json().path("ticketId").asText());
            assertEquals("a", r.json().path("cohortId").asText());
            assertTrue(r.json().path("pollAfterSeconds").asInt() >= 1);
            assertTrue(r.json().has("estimatedWaitSeconds"));
        }
        assertEquals(40, tickets.size());
        for (int i = 1; i < positions.size(); i++) {
            assertTrue(positions.get(i) > positions.get(i - 1), "sequential arrivals in order: " + positions);
        }
        Api.Reply again = rollouts.enter(c.link("a"), "device-order-7");
        assertEquals(201, again.status());
        assertEquals("true", again.header("Idempotent-Replayed"));
        assertEquals(positions.get(7), again.json().path("position").asLong());
        Api.Reply otherCohortSameDevice = rollouts.enter(rollouts.create("order-2", 1, null, open("a")).link("a"), "device-order-7");
        assertFalse(tickets.contains(otherCohortSameDevice.json().path("ticketId").asText()));
    }

    @Test
    void waitingThenAdmittedWithATokenBoundToTheTicketThenExpired() throws Exception {
        Rollouts.Created c = rollouts.create("admit", 2, 3L, open("a"));
        String first = rollouts.enter(c.link("a"), "device-admit-1").json().path("ticketId").asText();
        String tenth = null;
        for (int i = 2; i <= 10; i++) {
            tenth = rollouts.enter(c.link("a"), "device-admit-" + i).json().path("ticketId").asText();
        }
        Api.Reply waiting = rollouts.ticket(tenth);
        assertEquals(200, waiting.status(), waiting.raw());
        assertEquals("WAITING", waiting.json().path("status").asText(), waiting.raw());
        assertTrue(waiting.json().path("aheadOfYou").asLong() > 0, waiting.raw());
        assertTrue(waiting.json().path("estimatedWaitSeconds").asLong() > 0, waiting.raw());

        JsonNode admitted = awaitStatus(first, "ADMITTED", Duration.ofSeconds(10));
        String token = admitted.path("admissionToken").asText();
        AdmissionToken t = AdmissionToken.verify(token, env.signingKey(), Instant.now());
        assertEquals(first, t.ticketId());
        assertEquals(c.rolloutId(), t.rolloutId());
        assertEquals("a", t.cohortId());
        assertTrue(Duration.between(t.issuedAt(), t.expiresAt()).toSeconds() <= 3);
        assertEquals(token, rollouts.ticket(first).json().path("admissionToken").asText(), "the same token on every poll");
        awaitStatus(first, "EXPIRED", Duration.ofSeconds(10));
        assertEquals(404, rollouts.ticket("t-AAAAAAAAAAAAAAAAAAAAAA").status());
        assertEquals("TICKET_NOT_FOUND", rollouts.ticket("nope").code());

        JsonNode view = rollouts.show(c.rolloutId()).json();
        JsonNode cohort = view.path("cohorts").get(0);
        assertEquals(10, cohort.path("entered").asLong(), view.toString());
        assertTrue(cohort.path("admitted").asLong() >= 1, view.toString());
        assertEquals(10 - cohort.path("admitted").asLong(), cohort.path("waiting").asLong());
        assertEquals("OPEN", cohort.path("phase").asText());
    }

    static JsonNode awaitStatus(String ticketId, String status, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        Api.Reply r;
        do {
            r = rollouts.ticket(ticketId);
            if (status.equals(r.json().path("status").asText())) {
                return r.json();
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("ticket " + ticketId + " never became " + status + ": " + r.raw());
    }
}
