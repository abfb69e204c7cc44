package dev.holdfast.local.platform;

import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalJwt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.Api.Reply;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The first slice of the contract over real HTTP: {@code GET /status}, {@code POST
 * /admin/maintenance}, {@code GET /admin/audit}, {@code POST /local/token}. Runs against the
 * embedded environment ({@link EmbeddedPlatformSliceTest}) and, where Docker exists, against
 * LocalStack ({@link LocalStackPlatformSliceTest}).
 */
abstract class PlatformSliceContract {

    /** The environment under test. */
    protected abstract LocalHoldfast environment();

    private Api api;
    private String admin;

    @BeforeEach
    void connect() {
        api = new Api(environment().apiBaseUrl());
        admin = api.token("ops-" + UUID.randomUUID(), "admin");
    }

    private Reply setMode(String token, String body) {
        return api.post("/admin/maintenance", token, body);
    }

    private void assertError(Reply r, int status, String code) {
        assertEquals(status, r.status(), r.raw());
        assertEquals(code, r.code(), r.raw());
        assertNotNull(r.json().path("error").path("message").asText(null), r.raw());
        assertTrue(r.json().path("error").path("details").isObject(), r.raw());
        assertNotNull(r.header("X-Request-Id"), "every response carries X-Request-Id");
    }

    @Test
    void statusIsPublicAndHasTheContractShape() {
        Reply r = api.get("/status", null);
        assertEquals(200, r.status());
        assertNotNull(r.header("X-Request-Id"));
        assertTrue(r.header("Content-Type").startsWith("application/json"));
        assertTrue(Set.of("NORMAL", "TRADING_HALTED", "READ_ONLY").contains(r.json().path("mode").asText()));
        assertTrue(r.json().has("notice"));
        assertTrue(r.json().path("since").asText().matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z"));
    }

    @Test
    void maintenanceNeedsAToken() {
        assertError(setMode(null, "{\"mode\":\"NORMAL\"}"), 401, "UNAUTHENTICATED");
        assertError(setMode("not-a-jwt", "{\"mode\":\"NORMAL\"}"), 401, "UNAUTHENTICATED");
        String forged = admin.substring(0, admin.lastIndexOf('.') + 1) + "AAAA" + admin.substring(admin.lastIndexOf('.') + 5);
        assertError(setMode(forged, "{\"mode\":\"NORMAL\"}"), 401, "UNAUTHENTICATED");
        String expired = environment().jwt().issue("ops-1", List.of("admin"),
                Instant.now().minus(Duration.ofHours(2)), Duration.ofHours(1));
        assertError(setMode(expired, "{\"mode\":\"NORMAL\"}"), 401, "UNAUTHENTICATED");
        String foreign = LocalJwt.generate(java.time.Clock.systemUTC()).issue("ops-1", List.of("admin"), Duration.ofHours(1));
        assertError(setMode(foreign, "{\"mode\":\"NORMAL\"}"), 401, "UNAUTHENTICATED");
        assertError(api.get("/admin/audit", null), 401, "UNAUTHENTICATED");
    }

    @Test
    void maintenanceNeedsTheAdminGroup() {
        String user = api.token("u-" + UUID.randomUUID());
        String other = api.token("u-" + UUID.randomUUID(), "ops", "support");
        assertError(setMode(user, "{\"mode\":\"NORMAL\"}"), 403, "FORBIDDEN");
        assertError(setMode(other, "{\"mode\":\"NORMAL\"}"), 403, "FORBIDDEN");
        assertError(api.get("/admin/audit", user), 403, "FORBIDDEN");
    }

    @ParameterizedTest(name = "{0} -> field {1}")
    @CsvSource(delimiter = '|', value = {
            "{bad json                             | body",
            "[1,2]                                 | body",
            "\"NORMAL\"                            | body",
            "{}                                    | mode",
            "{\"mode\":null}                       | mode",
            "{\"mode\":\"PAUSED\"}                 | mode",
            "{\"mode\":7}                          | mode",
            "{\"mode\":\"NORMAL\",\"notice\":12}   | notice",
            "{\"mode\":\"NORMAL\",\"notice\":\" \"} | notice",
            "{\"mode\":\"NORMAL\",\"extra\":true}  | extra",
            "{\"mode\":\"NORMAL\"} trailing        | body",
    })
    void badMaintenanceBodiesAre400WithTheField(String body, String field) {
        String before = api.get("/status", null).raw();
        Reply r = setMode(admin, body);
        assertError(r, 400, "VALIDATION_ERROR");
        assertEquals(field, r.json().path("error").path("details").path("field").asText(), r.raw());
        assertEquals(before, api.get("/status", null).raw(), "a rejected body changes nothing");
    }

    @Test
    void emptyAndOversizedBodiesAre4xx() {
        assertError(setMode(admin, null), 400, "VALIDATION_ERROR");
        assertError(setMode(admin, "{\"mode\":\"NORMAL\",\"notice\":\"" + "x".repeat(501) + "\"}"), 400, "VALIDATION_ERROR");
        assertError(setMode(admin, "{\"mode\":\"NORMAL\",\"notice\":\"" + "x".repeat(2_000_000) + "\"}"), 413, "PAYLOAD_TOO_LARGE");
    }

    @Test
    void maintenanceChangesStatusAndIsAudited() {
        String sub = "ops-" + UUID.randomUUID();
        String token = api.token(sub, "admin");
        String notice = "Upgrade in progress " + UUID.randomUUID();
        JsonNode before = api.get("/status", null).json();

        Reply r = setMode(token, "{\"mode\":\"TRADING_HALTED\",\"notice\":\"" + notice + "\"}");
        assertEquals(200, r.status(), r.raw());
        assertEquals("TRADING_HALTED", r.json().path("mode").asText());
        assertEquals(notice, r.json().path("notice").asText());
        assertEquals(r.json(), api.get("/status", null).json(), "GET /status shows the new status");

        JsonNode record = findAudit(token, sub, notice);
        assertEquals("MAINTENANCE_SET", record.path("action").asText());
        assertEquals("platform/status", record.path("target").asText());
        assertEquals(r.json(), record.path("after"));
        assertTrue(record.path("before").has("mode"));
        assertTrue(record.path("at").asText().endsWith("Z"));

        Reply back = setMode(token, "{\"mode\":\"NORMAL\"}");
        assertEquals(200, back.status());
        assertEquals("NORMAL", back.json().path("mode").asText());
        assertTrue(back.json().path("notice").isNull());
        assertNotNull(before);
    }

    private JsonNode findAudit(String token, String actor, String notice) {
        String cursor = null;
        for (int page = 0; page < 100; page++) {
            Reply r = api.get("/admin/audit?limit=50" + (cursor == null ? "" : "&cursor=" + cursor), token);
            assertEquals(200, r.status(), r.raw());
            for (JsonNode rec : r.json().path("records")) {
                if (rec.path("actor").asText().equals(actor) && rec.path("after").path("notice").asText().equals(notice)) {
                    return rec;
                }
            }
            cursor = r.json().path("nextCursor").asText(null);
            if (cursor == null) {
                break;
            }
        }
        throw new AssertionError("no audit record by " + actor);
    }

    @Test
    void auditIsPagedNewestFirstWithoutGapsOrRepeats() {
        String sub = "ops-" + UUID.randomUUID();
        String token = api.token(sub, "admin");
        for (int i = 0; i < 5; i++) {
            assertEquals(200, setMode(token, "{\"mode\":\"NORMAL\",\"notice\":\"n" + i + "\"}").status());
        }
        List<String> ids = new ArrayList<>();
        List<String> times = new ArrayList<>();
        String cursor = null;
        do {
            Reply r = api.get("/admin/audit?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), token);
            assertEquals(200, r.status(), r.raw());
            assertTrue(r.json().path("records").size() <= 2);
            for (JsonNode rec : r.json().path("records")) {
                ids.add(rec.path("auditId").asText());
                times.add(rec.path("at").asText());
            }
            cursor = r.json().path("nextCursor").isNull() ? null : r.json().path("nextCursor").asText();
        } while (cursor != null && ids.size() < 10_000);
        assertEquals(ids.size(), new HashSet<>(ids).size(), "no record twice");
        for (int i = 1; i < times.size(); i++) {
            assertTrue(times.get(i - 1).compareTo(times.get(i)) >= 0, "newest first");
        }
        assertTrue(ids.size() >= 5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cursor=nope", "cursor=", "limit=0", "limit=201", "limit=abc", "cursor=YWJj"})
    void badAuditQueriesAre400(String query) {
        Reply r = api.get("/admin/audit?" + query, admin);
        assertError(r, 400, "VALIDATION_ERROR");
        assertEquals(query.substring(0, query.indexOf('=')), r.json().path("error").path("details").path("field").asText());
    }

    @Test
    void concurrentAdminChangesAreEachAppliedAndAuditedOnce() throws Exception {
        String sub = "ops-" + UUID.randomUUID();
        String token = api.token(sub, "admin");
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Reply>> replies = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String body = "{\"mode\":\"NORMAL\",\"notice\":\"race-" + sub + "-" + i + "\"}";
                replies.add(pool.submit(() -> setMode(token, body)));
            }
            for (Future<Reply> f : replies) {
                assertEquals(200, f.get().status(), f.get().raw());
            }
        } finally {
            pool.shutdown();
        }
        List<JsonNode> mine = new ArrayList<>();
        String cursor = null;
        do {
            Reply r = api.get("/admin/audit?limit=200" + (cursor == null ? "" : "&cursor=" + cursor), token);
            for (JsonNode rec : r.json().path("records")) {
                if (rec.path("actor").asText().equals(sub)) {
                    mine.add(rec);
                }
            }
            cursor = r.json().path("nextCursor").isNull() ? null : r.json().path("nextCursor").asText();
        } while (cursor != null);
        assertEquals(n, mine.size(), "one audit record per change");
        // each change saw the one before it: the records form one chain, none lost
        Set<String> notices = new HashSet<>();
        for (JsonNode rec : mine) {
            notices.add(rec.path("after").path("notice").asText());
        }
        assertEquals(n, notices.size());
    }

    @Test
    void unknownRoutesAreContract404s() {
        assertError(api.get("/no/such/route", null), 404, "NOT_FOUND");
        assertError(api.send("DELETE", "/status", null, null), 404, "NOT_FOUND");
        assertError(api.send("PUT", "/admin/maintenance", admin, "{}"), 404, "NOT_FOUND");
        assertError(api.get("/local/token", null), 404, "NOT_FOUND");
    }

    @Test
    void localTokenValidatesItsBody() {
        assertError(api.post("/local/token", null, "{}"), 400, "VALIDATION_ERROR");
        assertError(api.post("/local/token", null, "{\"sub\":\"u\",\"groups\":\"admin\"}"), 400, "VALIDATION_ERROR");
        assertError(api.post("/local/token", null, "{\"sub\":\"u\",\"ttlSeconds\":0}"), 400, "VALIDATION_ERROR");
        assertError(api.post("/local/token", null, "nope"), 400, "VALIDATION_ERROR");
        Reply ok = api.post("/local/token", null, "{\"sub\":\"u-9\",\"groups\":[\"admin\"],\"ttlSeconds\":60}");
        assertEquals(200, ok.status());
        assertEquals(3, ok.json().path("token").asText().split("\\.").length);
        assertNull(ok.json().get("error"));
    }
}
