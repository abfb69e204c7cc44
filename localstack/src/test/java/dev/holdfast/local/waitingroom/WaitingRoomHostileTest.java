package dev.holdfast.local.waitingroom;

import dev.holdfast.local.LocalHoldfast;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.Rollouts;
import dev.holdfast.local.testing.Rollouts.CohortSpec;
import dev.holdfast.local.testing.SharedEnvironment;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14 #7 (and #9): the waiting room against clients that enter too often. One device's
 * concurrent enters allocate one position; the counts a rollout shows are true.
 */
class WaitingRoomHostileTest {
    static final LocalHoldfast env = SharedEnvironment.get();
    static final Api api = new Api(env.apiBaseUrl());
    static final Rollouts rollouts = new Rollouts(api);

    static CohortSpec open(String id) {
        return new CohortSpec(id, Duration.ofSeconds(-1), Duration.ofMinutes(30));
    }

    static List<Api.Reply> concurrently(int n, Callable<Api.Reply> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Api.Reply>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                fs.add(pool.submit(call));
            }
            List<Api.Reply> out = new ArrayList<>();
            for (Future<Api.Reply> f : fs) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    static JsonNode cohortView(String rolloutId, String cohortId) {
        for (JsonNode c : rollouts.show(rolloutId).json().path("cohorts")) {
            if (c.path("cohortId").asText().equals(cohortId)) {
                return c;
            }
        }
        throw new AssertionError("no cohort " + cohortId);
    }

    @Test
    void oneDevicesConcurrentEntersAllocateOnePositionAndTheCountsAreTrue() throws Exception {
        Rollouts.Created c = rollouts.create("dupe-enters", 1, null, open("a"));
        String link = c.link("a");
        List<Api.Reply> replies = concurrently(30, () -> rollouts.enter(link, "dupe-device-0001"));
        Set<String> tickets = new HashSet<>();
        Set<Long> positions = new HashSet<>();
        for (Api.Reply r : replies) {
            assertEquals(201, r.status(), r.raw());
            tickets.add(r.json().path("ticketId").asText());
            positions.add(r.json().path("position").asLong());
        }
        assertEquals(1, tickets.size(), "one ticket: " + tickets);
        assertEquals(Set.of(1L), positions, "one position, the first");
        assertEquals(1, cohortView(c.rolloutId(), "a").path("entered").asLong(), "one entered");

        // the next new device is right behind it
        Api.Reply next = rollouts.enter(link, "dupe-device-0002");
        assertEquals(201, next.status(), next.raw());
        assertEquals(2, next.json().path("position").asLong(), next.raw());
        assertTrue(next.json().path("aheadOfYou").asLong() <= 1, next.raw());

        // several devices, each many times at once, interleaved
        List<Callable<Api.Reply>> calls = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String device = "dupe-device-1" + String.format("%03d", i % 3);
            calls.add(() -> rollouts.enter(link, device));
        }
        ExecutorService pool = Executors.newFixedThreadPool(30);
        Set<String> more = new HashSet<>();
        Set<Long> morePositions = new HashSet<>();
        try {
            for (Future<Api.Reply> f : pool.invokeAll(calls)) {
                Api.Reply r = f.get();
                assertEquals(201, r.status(), r.raw());
                more.add(r.json().path("ticketId").asText());
                morePositions.add(r.json().path("position").asLong());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(3, more.size());
        assertEquals(Set.of(3L, 4L, 5L), morePositions, "no position nobody holds");
        JsonNode view = cohortView(c.rolloutId(), "a");
        assertEquals(5, view.path("entered").asLong(), view.toString());
        assertEquals(view.path("entered").asLong() - view.path("admitted").asLong(), view.path("waiting").asLong());
    }

    @Test
    void aDeviceIdIsOneDeviceInAnyLetterCase() {
        Rollouts.Created c = rollouts.create("device-case", 1, null, open("a"));
        Set<String> tickets = new HashSet<>();
        Set<Long> positions = new HashSet<>();
        for (String spelling : List.of("CaseDevice-01", "casedevice-01", "CASEDEVICE-01", "cAsEdEvIcE-01")) {
            Api.Reply r = rollouts.enter(c.link("a"), spelling);
            assertEquals(201, r.status(), r.raw());
            tickets.add(r.json().path("ticketId").asText());
            positions.add(r.json().path("position").asLong());
        }
        assertEquals(1, tickets.size(), "one ticket for one device: " + tickets);
        assertEquals(1, positions.size());
        assertEquals(1, cohortView(c.rolloutId(), "a").path("entered").asLong());
    }

    @Test
    void entersAreLimitedPerDeviceAndPerAddressWith429AndRetryAfter() {
        dev.holdfast.local.testing.Trading trading = new dev.holdfast.local.testing.Trading(env);
        JsonNode before = trading.changeRiskConfig(cfg -> {
            ((com.fasterxml.jackson.databind.node.ObjectNode) cfg.path("rateLimits")).put("entersPerDevicePerMinute", 5);
            ((com.fasterxml.jackson.databind.node.ObjectNode) cfg.path("rateLimits")).put("entersPerAddressPerMinute", 20);
        });
        try {
            // one device hammering: refused past its limit (11 calls span at most two windows: one has 6)
            Rollouts.Created c = rollouts.create("limits", 1, null, open("a"), open("b"));
            List<Api.Reply> device = new ArrayList<>();
            for (int i = 0; i < 11; i++) {
                device.add(rollouts.enter(c.link("a"), "hammer-device-01"));
            }
            assertLimited(device);
            assertTrue(device.stream().filter(r -> r.status() == 201).map(r -> r.json().path("ticketId").asText())
                    .distinct().count() == 1, "one place at most");

            // one address with generated devices: no more than the limit of new places per window
            List<Api.Reply> stuffing = new ArrayList<>();
            for (int i = 0; i < 41; i++) {
                stuffing.add(rollouts.enter(c.link("b"), "generated-" + String.format("%04d", i) + "-x"));
            }
            assertLimited(stuffing);
            long places = stuffing.stream().filter(r -> r.status() == 201).count();
            assertTrue(places <= 40, places + " places from one address");
            assertEquals(places, cohortView(c.rolloutId(), "b").path("entered").asLong(), "a refused enter takes no place");
        } finally {
            trading.restoreRiskConfig(before);
        }
    }

    private static void assertLimited(List<Api.Reply> replies) {
        List<Api.Reply> refused = replies.stream().filter(r -> r.status() == 429).toList();
        assertTrue(!refused.isEmpty(), "some were refused");
        for (Api.Reply r : replies) {
            assertTrue(r.status() == 201 || r.status() == 429, r.raw());
        }
        for (Api.Reply r : refused) {
            assertEquals("RATE_LIMITED", r.code(), r.raw());
            long after = Long.parseLong(r.header("Retry-After"));
            assertTrue(after >= 1 && after <= 60, r.header("Retry-After"));
            assertEquals(after, r.json().path("error").path("details").path("retryAfterSeconds").asLong());
        }
    }
}
