package dev.holdfast.local.hygiene;

import dev.holdfast.local.LocalHoldfast;

import dev.holdfast.domain.Rfc3339;
import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.Markets;
import dev.holdfast.local.testing.SharedEnvironment;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14 #5, the admin side: every time an admin sends ({@code POST /admin/events} startsAt,
 * {@code POST /admin/rollouts} cohorts' opensAt and closesAt) is RFC 3339 with a four-digit year,
 * inside a sane window (from 2000 to ten years ahead), else {@code 400 VALIDATION_ERROR} naming it;
 * times come back with a four-digit year and milliseconds.
 */
class AdminTimesTest {
    static final String SHAPE = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

    static List<String> impossible() {
        Instant now = Instant.now();
        return List.of("+999999999-12-31T23:59:59Z", "+10000-01-01T00:00:00Z", "10000-01-01T00:00:00Z",
                "-0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "1999-12-31T23:59:59.999Z",
                now.plus(Duration.ofDays(3700)).toString(), "2026-12-07T05:00Z", "2026-12-07 05:00:00Z",
                "2026-13-01T00:00:00Z", "2026-12-07T05:00:00", "20261207T050000Z");
    }

    @Test
    void everyAdminTimeOutsideTheWindowIsA400NamingIt() {
        LocalHoldfast env = SharedEnvironment.get();
        Markets markets = new Markets(env);
        Api api = markets.api();
        String admin = markets.admin();
        List<String> failures = new ArrayList<>();
        String later = Rfc3339.format(Instant.now().plus(Duration.ofDays(1)));
        for (String t : impossible()) {
            Api.Reply e = api.post("/admin/events", admin,
                    "{\"name\":\"times\",\"startsAt\":\"" + t + "\",\"segment\":\"football\"}");
            if (e.status() != 400 || !"startsAt".equals(e.json().path("error").path("details").path("field").asText())) {
                failures.add("event startsAt " + t + " -> " + e.status() + " " + e.raw());
            }
            for (String field : List.of("opensAt", "closesAt")) {
                String opens = field.equals("opensAt") ? t : Rfc3339.format(Instant.now());
                String closes = field.equals("closesAt") ? t : later;
                Api.Reply r = api.post("/admin/rollouts", admin, "{\"name\":\"times\",\"admissionRatePerSecond\":5,"
                        + "\"cohorts\":[{\"cohortId\":\"a\",\"label\":\"A\",\"opensAt\":\"" + opens + "\",\"closesAt\":\"" + closes + "\"}]}");
                if (r.status() != 400 || !("cohorts[0]." + field).equals(r.json().path("error").path("details").path("field").asText())) {
                    failures.add("cohort " + field + " " + t + " -> " + r.status() + " " + r.raw());
                }
            }
        }
        assertEquals(List.of(), failures);

        // in the window, with an offset and no fraction: accepted, and answered in the contract's shape
        Api.Reply ok = api.post("/admin/events", admin,
                "{\"name\":\"times\",\"startsAt\":\"2027-03-01T09:00:00+09:00\",\"segment\":\"football\"}");
        assertEquals(201, ok.status(), ok.raw());
        assertEquals("2027-03-01T00:00:00.000Z", ok.json().path("startsAt").asText());
        Api.Reply rollout = api.post("/admin/rollouts", admin, "{\"name\":\"times\",\"admissionRatePerSecond\":5,"
                + "\"cohorts\":[{\"cohortId\":\"a\",\"label\":\"A\",\"opensAt\":\"2026-01-01T00:00:00Z\",\"closesAt\":\"" + later + "\"}]}");
        assertEquals(201, rollout.status(), rollout.raw());
        assertTrue(rollout.json().path("cohorts").get(0).path("opensAt").asText().matches(SHAPE), rollout.raw());
    }
}
