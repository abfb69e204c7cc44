package dev.holdfast.local.risk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.Api.Reply;
import dev.holdfast.local.testing.SharedEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The risk config over real HTTP: {@code GET/PUT /admin/risk/config} and its history, against the
 * shared embedded environment. Other tests read (and change) the config too, so no test assumes a
 * version number and every test that changes the config puts the original values back.
 */
class RiskConfigTest {
    private static final String TIME = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

    private static Api api;
    private static String admin;

    @BeforeAll
    static void connect() {
        api = new Api(SharedEnvironment.get().apiBaseUrl());
        admin = api.token("risk-admin-" + UUID.randomUUID(), "admin");
    }

    private static JsonNode config() {
        Reply r = api.get("/admin/risk/config", admin);
        assertEquals(200, r.status(), r.raw());
        return r.json();
    }

    private static Reply put(String token, JsonNode config, String reason, String ifMatch) {
        ObjectNode body = config.deepCopy();
        if (reason != null) {
            body.put("reason", reason);
        }
        return ifMatch == null
                ? api.send("PUT", "/admin/risk/config", token, Json.write(body))
                : api.send("PUT", "/admin/risk/config", token, Json.write(body), "If-Match", ifMatch);
    }

    /** Puts {@code values} back (whatever the version is now). */
    private static void restore(JsonNode values) {
        ObjectNode back = values.deepCopy();
        back.remove("version");
        Reply r = put(admin, back, "restore after RiskConfigTest", Long.toString(config().path("version").asLong()));
        assertEquals(200, r.status(), r.raw());
    }

    private static JsonNode changed(JsonNode base, Consumer<ObjectNode> change) {
        ObjectNode c = base.deepCopy();
        change.accept(c);
        return c;
    }

    private static void assertError(Reply r, int status, String code) {
        assertEquals(status, r.status(), r.raw());
        assertEquals(code, r.code(), r.raw());
        assertNotNull(r.header("X-Request-Id"));
    }

    private static void assertField(Reply r, String field) {
        assertError(r, 400, "VALIDATION_ERROR");
        assertEquals(field, r.json().path("error").path("details").path("field").asText(), r.raw());
    }

    @Test
    void getReturnsTheCurrentConfigWithItsVersionAndETag() {
        Reply r = api.get("/admin/risk/config", admin);
        assertEquals(200, r.status(), r.raw());
        JsonNode c = r.json();
        long version = c.path("version").asLong();
        assertTrue(c.path("version").isIntegralNumber() && version >= 1, r.raw());
        assertEquals("\"" + version + "\"", r.header("ETag"));
        assertNotNull(r.header("X-Request-Id"));
        for (JsonNode amount : List.of(c.at("/stake/min"), c.at("/stake/max"), c.at("/limits/global"),
                c.at("/limits/event/default"), c.at("/limits/user/default"), c.at("/limits/segment/default"))) {
            assertTrue(amount.isTextual() && amount.textValue().matches("0|[1-9][0-9]{0,14}"), r.raw());
        }
        for (String scope : List.of("event", "user", "segment")) {
            assertTrue(c.path("limits").path(scope).path("overrides").isObject(), r.raw());
        }
        assertTrue(c.at("/rateLimits/ordersPerUserPerMinute").isIntegralNumber(), r.raw());
        assertTrue(c.at("/rateLimits/ordersPerAddressPerMinute").isIntegralNumber(), r.raw());
        assertTrue(c.at("/feed/keepSeconds").isIntegralNumber(), r.raw());
        assertTrue(c.at("/feed/suspendAfterSeconds").isIntegralNumber(), r.raw());
        assertTrue(c.at("/failClose/maxRiskLagSeconds").isIntegralNumber(), r.raw());
        assertTrue(!c.has("reason"), "the reason is kept with the version, not in the config");
    }

    @Test
    void aChangeMakesTheNextVersionAndAStaleIfMatchIsAConflict() {
        String sub = "risk-ops-" + UUID.randomUUID();
        String token = api.token(sub, "admin");
        String eventId = "e-risk-" + UUID.randomUUID();
        String reason = "cap " + eventId;
        JsonNode before = config();
        long v = before.path("version").asLong();
        JsonNode next = changed(before, c -> ((ObjectNode) c.at("/limits/event/overrides")).put(eventId, "300000000"));
        try {
            Reply r = put(token, next, reason, "\"" + v + "\"");
            assertEquals(200, r.status(), r.raw());
            assertEquals(v + 1, r.json().path("version").asLong());
            assertEquals("\"" + (v + 1) + "\"", r.header("ETag"));
            assertEquals("300000000", r.json().at("/limits/event/overrides/" + eventId).asText());
            assertEquals(r.json(), config(), "GET shows the new version");

            Reply stale = put(token, next, reason, Long.toString(v));
            assertError(stale, 409, "VERSION_CONFLICT");
            assertTrue(stale.json().at("/error/details/currentVersion").asLong() >= v + 1, stale.raw());
            Reply ahead = put(token, next, reason, Long.toString(v + 1000));
            assertError(ahead, 409, "VERSION_CONFLICT");
            assertEquals(r.json(), config(), "a conflict changes nothing");

            JsonNode mine = versionInHistory(v + 1);
            assertEquals(sub, mine.path("changedBy").asText());
            assertEquals(reason, mine.path("reason").asText());
            assertTrue(mine.path("changedAt").asText().matches(TIME), mine.toString());
            assertEquals(r.json(), mine.path("config"));
            assertTrue(mine.path("diff").size() >= 1, mine.toString());
            JsonNode change = find(mine.path("diff"), "limits.event.overrides." + eventId);
            assertTrue(change.path("before").isNull(), change.toString());
            assertEquals("300000000", change.path("after").asText());

            JsonNode audit = auditRecord(sub);
            assertEquals("risk/config", audit.path("target").asText());
            assertEquals(v, audit.path("before").path("version").asLong());
            assertEquals(r.json(), audit.path("after"));
            assertTrue(audit.path("at").asText().matches(TIME));
        } finally {
            restore(before);
        }
        JsonNode restored = config();
        assertTrue(restored.at("/limits/event/overrides/" + eventId).isMissingNode(), restored.toString());
    }

    @Test
    void racingChangesFromOneVersionHaveExactlyOneWinner() throws Exception {
        JsonNode before = config();
        long v = before.path("version").asLong();
        int n = 4;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<Reply> replies = new ArrayList<>();
        try {
            List<Future<Reply>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String id = "e-race-" + i + "-" + UUID.randomUUID();
                JsonNode next = changed(before, c -> ((ObjectNode) c.at("/limits/event/overrides")).put(id, "1"));
                futures.add(pool.submit(() -> put(admin, next, "race " + id, Long.toString(v))));
            }
            for (Future<Reply> f : futures) {
                replies.add(f.get());
            }
        } finally {
            pool.shutdown();
            restore(before);
        }
        long won = replies.stream().filter(r -> r.status() == 200).count();
        assertEquals(1, won, replies.toString());
        for (Reply r : replies) {
            if (r.status() != 200) {
                assertError(r, 409, "VERSION_CONFLICT");
                assertEquals(v + 1, r.json().at("/error/details/currentVersion").asLong(), r.raw());
            }
        }
    }

    @Test
    void theIfMatchHeaderIsRequiredAndMustBeAVersion() {
        JsonNode before = config();
        assertField(put(admin, before, "no if-match", null), "If-Match");
        for (String bad : List.of("abc", "*", "W/\"1\"", "\"1", "-1", "1.0", "12345678901234567890")) {
            assertField(put(admin, before, "bad if-match", bad), "If-Match");
        }
        assertEquals(before, config(), "nothing changed");
    }

    @ParameterizedTest(name = "{0} = {1} -> field {2}")
    @CsvSource(delimiter = '|', value = {
            "stake.min                    | \"20000000\"         | stake.min",
            "limits.global                | \"1000000000000000\" | limits.global",
            "limits.global                | 5000000000           | limits.global",
            "extra                        | true                 | extra",
            "limits.user.extra            | \"1\"                | limits.user.extra",
            "limits.event.overrides       | {\"e-x\":\"-1\"}     | limits.event.overrides.e-x",
            "rateLimits.ordersPerUserPerMinute | 0               | rateLimits.ordersPerUserPerMinute",
            "feed.keepSeconds             | 11                   | feed.keepSeconds",
            "failClose                    | <absent>             | failClose",
            "reason                       | <absent>             | reason",
            "reason                       | \"\"                 | reason",
    })
    void invalidBodiesAre400WithTheField(String path, String value, String field) throws Exception {
        JsonNode before = config();
        ObjectNode body = before.deepCopy();
        body.put("reason", "an invalid change");
        String[] parts = path.split("\\.");
        ObjectNode parent = body;
        for (int i = 0; i < parts.length - 1; i++) {
            parent = (ObjectNode) parent.get(parts[i]);
        }
        if (value.equals("<absent>")) {
            parent.remove(parts[parts.length - 1]);
        } else {
            parent.set(parts[parts.length - 1], Json.parse(value));
        }
        String version = Long.toString(before.path("version").asLong());
        assertField(api.send("PUT", "/admin/risk/config", admin, Json.write(body), "If-Match", version), field);
        assertEquals(before, config(), "a rejected body changes nothing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{bad json", "[1]", "\"config\""})
    void malformedBodiesAre400(String raw) {
        String version = Long.toString(config().path("version").asLong());
        assertField(api.send("PUT", "/admin/risk/config", admin, raw, "If-Match", version), "body");
    }

    @Test
    void onlyAdminsMayReadOrChangeTheConfig() {
        String user = api.token("u-" + UUID.randomUUID());
        JsonNode current = config();
        String version = Long.toString(current.path("version").asLong());
        assertError(api.get("/admin/risk/config", null), 401, "UNAUTHENTICATED");
        assertError(api.get("/admin/risk/config/history", null), 401, "UNAUTHENTICATED");
        assertError(put(null, current, "no token", version), 401, "UNAUTHENTICATED");
        assertError(put("not-a-jwt", current, "bad token", version), 401, "UNAUTHENTICATED");
        assertError(api.get("/admin/risk/config", user), 403, "FORBIDDEN");
        assertError(api.get("/admin/risk/config/history", user), 403, "FORBIDDEN");
        assertError(put(user, current, "not an admin", version), 403, "FORBIDDEN");
        assertEquals(current, config(), "nothing changed");
    }

    @Test
    void historyListsEveryVersionOldestFirstWithItsDiff() {
        Reply r = api.get("/admin/risk/config/history", admin);
        assertEquals(200, r.status(), r.raw());
        JsonNode versions = r.json().path("versions");
        assertTrue(versions.isArray() && versions.size() >= 1, r.raw());
        JsonNode first = versions.get(0);
        assertEquals(1, first.path("version").asLong());
        assertEquals("system", first.path("changedBy").asText());
        assertEquals("initial defaults", first.path("reason").asText());
        assertEquals(0, first.path("diff").size(), "version 1 has nothing to differ from");
        for (int i = 0; i < versions.size(); i++) {
            JsonNode v = versions.get(i);
            assertEquals(i + 1, v.path("version").asLong(), "oldest first, no gaps");
            assertTrue(v.path("changedAt").asText().matches(TIME), v.toString());
            assertTrue(v.path("changedBy").isTextual() && v.path("reason").isTextual(), v.toString());
            assertEquals(v.path("version"), v.path("config").path("version"));
            for (JsonNode d : v.path("diff")) {
                assertTrue(d.path("path").isTextual() && d.has("before") && d.has("after"), d.toString());
            }
        }
        assertTrue(versions.get(versions.size() - 1).path("version").asLong() <= config().path("version").asLong());
    }

    private static JsonNode versionInHistory(long version) {
        Reply r = api.get("/admin/risk/config/history", admin);
        assertEquals(200, r.status(), r.raw());
        for (JsonNode v : r.json().path("versions")) {
            if (v.path("version").asLong() == version) {
                return v;
            }
        }
        throw new AssertionError("no version " + version + " in " + r.raw());
    }

    private static JsonNode find(JsonNode diff, String path) {
        for (JsonNode d : diff) {
            if (d.path("path").asText().equals(path)) {
                return d;
            }
        }
        throw new AssertionError("no change of " + path + " in " + diff);
    }

    private static JsonNode auditRecord(String actor) {
        String cursor = null;
        for (int page = 0; page < 100; page++) {
            Reply r = api.get("/admin/audit?limit=200" + (cursor == null ? "" : "&cursor=" + cursor), admin);
            assertEquals(200, r.status(), r.raw());
            for (JsonNode rec : r.json().path("records")) {
                if (rec.path("actor").asText().equals(actor) && rec.path("action").asText().equals("RISK_CONFIG_SET")) {
                    return rec;
                }
            }
            cursor = r.json().path("nextCursor").asText(null);
            if (cursor == null) {
                break;
            }
        }
        throw new AssertionError("no RISK_CONFIG_SET audit record by " + actor);
    }
}
