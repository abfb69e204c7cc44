package dev.holdfast.local.platform;

import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.functions.deploy.CodeDeployLifecycle;
import dev.holdfast.functions.deploy.PreTrafficHook;
import dev.holdfast.functions.platform.ChangeFreeze;
import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.Api.Reply;
import dev.holdfast.local.testing.MutableClock;
import dev.holdfast.resources.Triggers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The surge calendar, the change freeze and the announced end of a maintenance, over real HTTP in an
 * environment of their own (the freeze on, lead {@value #LEAD_MINUTES} min) whose clock the test moves;
 * and the CodeDeploy pre-traffic hook's handler against that environment's calendar, reporting to a
 * stand-in of CodeDeploy's API over HTTP (the only fake: the AWS boundary, for failure injection).
 * Each test first jumps the clock ten days, so the surges of one never freeze another.
 */
class SurgesTest {
    static final int LEAD_MINUTES = 30;
    private static LocalHoldfast env;
    private static MutableClock clock;
    private static Api api;
    private String admin;

    @BeforeAll
    static void start() throws Exception {
        clock = new MutableClock(Instant.now());
        env = LocalHoldfast.start(LocalOptions.defaults().withPort(0).withFreezeLead(Integer.toString(LEAD_MINUTES)),
                new Triggers.TriggerSet(Triggers.QUEUES, Triggers.STREAMS, List.of()), clock);
        api = new Api(env.apiBaseUrl());
    }

    @AfterAll
    static void stop() {
        env.close();
    }

    @BeforeEach
    void aFreshStretchOfTime() {
        clock.advance(Duration.ofDays(10));
        admin = api.token("ops-" + UUID.randomUUID(), "admin");
        api.post("/admin/maintenance", admin, "{\"mode\":\"NORMAL\"}");
    }

    private static String at(Duration fromNow) {
        return Rfc3339.format(clock.instant().plus(fromNow));
    }

    private static String surgeBody(String name, String kind, String startsAt, String endsAt) {
        return "{\"name\":\"" + name + "\",\"kind\":\"" + kind + "\",\"startsAt\":\"" + startsAt + "\",\"endsAt\":\"" + endsAt
                + "\",\"expectedPeak\":{\"ordersPerSecond\":4000,\"entersPerSecond\":0,\"withdrawalsPerSecond\":250}}";
    }

    private JsonNode declare(Duration startsIn, Duration lasts) {
        Reply r = api.post("/admin/surges", admin, surgeBody("Final, live on TV", "BROADCAST", at(startsIn), at(startsIn.plus(lasts))));
        assertEquals(201, r.status(), r.raw());
        return r.json();
    }

    private static void assertError(Reply r, int status, String code) {
        assertEquals(status, r.status(), r.raw());
        assertEquals(code, r.code(), r.raw());
        assertNotNull(r.header("X-Request-Id"));
    }

    private JsonNode audit(String action, String target) {
        Reply r = api.get("/admin/audit?limit=50&action=" + action + "&target=" + target, admin);
        assertEquals(200, r.status(), r.raw());
        return r.json().path("records");
    }

    @Test
    void aDeclaredSurgeIsListedAndAudited() {
        JsonNode s = declare(Duration.ofHours(2), Duration.ofHours(1));
        String id = s.path("surgeId").asText();
        assertTrue(id.startsWith("sg-"), id);
        assertEquals("BROADCAST", s.path("kind").asText());
        assertEquals("UPCOMING", s.path("status").asText());
        assertEquals(4000, s.path("expectedPeak").path("ordersPerSecond").asLong());
        assertEquals(at(Duration.ofHours(2).minusMinutes(LEAD_MINUTES)), s.path("freezeStartsAt").asText());
        assertTrue(s.path("cancelled").isNull());

        Reply list = api.get("/admin/surges", admin);
        assertEquals(200, list.status(), list.raw());
        assertEquals(LEAD_MINUTES, list.json().path("freezeLeadMinutes").asInt());
        assertTrue(contains(list.json().path("surges"), id), list.raw());

        JsonNode records = audit("SURGE_DECLARED", "surge/" + id);
        assertEquals(1, records.size());
        assertEquals(s, records.get(0).path("after"));

        clock.advance(Duration.ofHours(2)); // current, then over: no longer listed
        admin = api.token("ops-" + UUID.randomUUID(), "admin");
        assertEquals("CURRENT", find(api.get("/admin/surges", admin).json().path("surges"), id).path("status").asText());
        clock.advance(Duration.ofHours(1));
        admin = api.token("ops-" + UUID.randomUUID(), "admin");
        assertFalse(contains(api.get("/admin/surges", admin).json().path("surges"), id));
        assertEquals(403, api.get("/admin/surges", api.token("u-1")).status());
        assertEquals(401, api.get("/admin/surges", null).status());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "kind not in the enum      | {\"name\":\"x\",\"kind\":\"PARTY\",\"startsAt\":\"S\",\"endsAt\":\"E\",\"expectedPeak\":P}                | kind",
            "no kind                   | {\"name\":\"x\",\"startsAt\":\"S\",\"endsAt\":\"E\",\"expectedPeak\":P}                                   | kind",
            "ends before it starts     | {\"name\":\"x\",\"kind\":\"LISTING\",\"startsAt\":\"E\",\"endsAt\":\"S\",\"expectedPeak\":P}            | endsAt",
            "not RFC 3339              | {\"name\":\"x\",\"kind\":\"LISTING\",\"startsAt\":\"tomorrow 9am\",\"endsAt\":\"E\",\"expectedPeak\":P}  | startsAt",
            "no offset                 | {\"name\":\"x\",\"kind\":\"LISTING\",\"startsAt\":\"2030-01-01T10:00:00\",\"endsAt\":\"E\",\"expectedPeak\":P} | startsAt",
            "over already              | {\"name\":\"x\",\"kind\":\"LISTING\",\"startsAt\":\"2001-01-01T10:00:00Z\",\"endsAt\":\"2001-01-01T11:00:00Z\",\"expectedPeak\":P} | endsAt",
            "blank name                | {\"name\":\" \",\"kind\":\"LISTING\",\"startsAt\":\"S\",\"endsAt\":\"E\",\"expectedPeak\":P}            | name",
            "name too long             | {\"name\":\"LONG\",\"kind\":\"LISTING\",\"startsAt\":\"S\",\"endsAt\":\"E\",\"expectedPeak\":P}         | name",
            "no expectedPeak           | {\"name\":\"x\",\"kind\":\"LISTING\",\"startsAt\":\"S\",\"endsAt\":\"E\"}                                | expectedPeak",
            "negative peak             | {\"name\":\"x\",\"kind\":\"LISTING\",\"startsAt\":\"S\",\"endsAt\":\"E\",\"expectedPeak\":{\"ordersPerSecond\":-1,\"entersPerSecond\":0,\"withdrawalsPerSecond\":0}} | expectedPeak.ordersPerSecond",
            "fractional peak           | {\"name\":\"x\",\"kind\":\"LISTING\",\"startsAt\":\"S\",\"endsAt\":\"E\",\"expectedPeak\":{\"ordersPerSecond\":0,\"entersPerSecond\":1.5,\"withdrawalsPerSecond\":0}} | expectedPeak.entersPerSecond",
            "peak as a string          | {\"name\":\"x\",\"kind\":\"LISTING\",\"startsAt\":\"S\",\"endsAt\":\"E\",\"expectedPeak\":{\"ordersPerSecond\":0,\"entersPerSecond\":0,\"withdrawalsPerSecond\":\"8\"}} | expectedPeak.withdrawalsPerSecond",
            "missing peak field        | {\"name\":\"x\",\"kind\":\"LISTING\",\"startsAt\":\"S\",\"endsAt\":\"E\",\"expectedPeak\":{\"ordersPerSecond\":0,\"entersPerSecond\":0}} | expectedPeak.withdrawalsPerSecond",
            "unknown peak field        | {\"name\":\"x\",\"kind\":\"LISTING\",\"startsAt\":\"S\",\"endsAt\":\"E\",\"expectedPeak\":{\"ordersPerSecond\":0,\"entersPerSecond\":0,\"withdrawalsPerSecond\":0,\"x\":1}} | expectedPeak.x",
            "unknown field             | {\"name\":\"x\",\"kind\":\"LISTING\",\"startsAt\":\"S\",\"endsAt\":\"E\",\"expectedPeak\":P,\"extra\":1} | extra",
            "longer than 31 days       | {\"name\":\"x\",\"kind\":\"LISTING\",\"startsAt\":\"S\",\"endsAt\":\"FAR\",\"expectedPeak\":P}          | endsAt",
    })
    void badSurgesAre400NamingTheField(String why, String template, String field) {
        String body = template.replace("\"S\"", "\"" + at(Duration.ofHours(1)) + "\"")
                .replace("\"E\"", "\"" + at(Duration.ofHours(2)) + "\"")
                .replace("\"FAR\"", "\"" + at(Duration.ofDays(40)) + "\"")
                .replace("\"LONG\"", "\"" + "n".repeat(201) + "\"")
                .replace(":P", ":{\"ordersPerSecond\":1,\"entersPerSecond\":0,\"withdrawalsPerSecond\":0}");
        int before = api.get("/admin/surges", admin).json().path("surges").size();
        Reply r = api.post("/admin/surges", admin, body);
        assertError(r, 400, "VALIDATION_ERROR");
        assertEquals(field, r.json().path("error").path("details").path("field").asText(), why + ": " + r.raw());
        assertEquals(before, api.get("/admin/surges", admin).json().path("surges").size(), "nothing written");
    }

    @Test
    void cancellingKeepsTheSurgeMarkedAndCancellingAgainChangesNothing() {
        String id = declare(Duration.ofMinutes(10), Duration.ofHours(1)).path("surgeId").asText();
        Reply cancelled = api.send("DELETE", "/admin/surges/" + id, admin, "{\"reason\":\"the broadcast was moved\"}");
        assertEquals(200, cancelled.status(), cancelled.raw());
        assertEquals("CANCELLED", cancelled.json().path("status").asText());
        assertEquals("the broadcast was moved", cancelled.json().path("cancelled").path("reason").asText());

        Reply again = api.send("DELETE", "/admin/surges/" + id, admin, "{\"reason\":\"once more\"}");
        assertEquals(200, again.status(), again.raw());
        assertEquals(cancelled.json().path("cancelled"), again.json().path("cancelled"), "as first cancelled");
        assertEquals(1, audit("SURGE_CANCELLED", "surge/" + id).size(), "one audit record");

        JsonNode listed = find(api.get("/admin/surges", admin).json().path("surges"), id);
        assertEquals("CANCELLED", listed.path("status").asText(), "kept, marked cancelled");
        assertEquals(200, api.post("/admin/maintenance", admin, "{\"mode\":\"TRADING_HALTED\"}").status(),
                "a cancelled surge freezes nothing");
    }

    @Test
    void unknownAndImpossibleIdsAre404AndACancelNeedsAReason() {
        assertError(api.send("DELETE", "/admin/surges/sg-0000000000000-00000000000000000000", admin, "{\"reason\":\"x\"}"),
                404, "SURGE_NOT_FOUND");
        assertError(api.send("DELETE", "/admin/surges/nope", admin, "{\"reason\":\"x\"}"), 404, "SURGE_NOT_FOUND");
        assertError(api.post("/admin/surges/" + "x".repeat(300) + "/override", admin, "{\"reason\":\"x\"}"), 404, "SURGE_NOT_FOUND");
        String id = declare(Duration.ofHours(3), Duration.ofHours(1)).path("surgeId").asText();
        Reply noReason = api.send("DELETE", "/admin/surges/" + id, admin, "{}");
        assertError(noReason, 400, "VALIDATION_ERROR");
        assertEquals("reason", noReason.json().path("error").path("details").path("field").asText());
    }

    @Test
    void maintenanceIsFrozenFromTheLeadTimeUntilTheEndUnlessOverridden() {
        String id = declare(Duration.ofMinutes(LEAD_MINUTES + 10), Duration.ofMinutes(60)).path("surgeId").asText();
        String before = api.get("/status", null).raw();
        assertEquals(200, api.post("/admin/maintenance", admin, "{\"mode\":\"NORMAL\",\"notice\":\"fine\"}").status());

        clock.advance(Duration.ofMinutes(11)); // inside the lead time
        Reply frozen = api.post("/admin/maintenance", admin, "{\"mode\":\"TRADING_HALTED\",\"notice\":\"db work\"}");
        assertError(frozen, 409, "CHANGE_FROZEN");
        assertEquals(id, frozen.json().path("error").path("details").path("surgeId").asText());
        assertEquals("NORMAL", api.get("/status", null).json().path("mode").asText(), "nothing changed");
        assertError(api.post("/admin/maintenance", admin, "{\"mode\":\"READ_ONLY\"}"), 409, "CHANGE_FROZEN");
        assertEquals(200, api.post("/admin/maintenance", admin, "{\"mode\":\"NORMAL\",\"notice\":\"all good\"}").status(),
                "NORMAL is never frozen");

        Reply badOverride = api.post("/admin/maintenance", admin, "{\"mode\":\"TRADING_HALTED\",\"override\":{}}");
        assertError(badOverride, 400, "VALIDATION_ERROR");
        assertEquals("override.reason", badOverride.json().path("error").path("details").path("field").asText());

        Reply overridden = api.post("/admin/maintenance", admin,
                "{\"mode\":\"TRADING_HALTED\",\"notice\":\"db failover\",\"override\":{\"reason\":\"primary is failing\"}}");
        assertEquals(200, overridden.status(), overridden.raw());
        JsonNode record = null;
        for (JsonNode r : audit("MAINTENANCE_SET", "platform/status")) {
            if (r.path("after").has("override")) {
                record = r;
                break;
            }
        }
        assertNotNull(record, "the overriding change is audited with its reason");
        assertEquals("primary is failing", record.path("after").path("override").path("reason").asText(), record.toString());
        assertEquals(id, record.path("after").path("override").path("surgeId").asText());
        assertEquals(200, api.post("/admin/maintenance", admin, "{\"mode\":\"NORMAL\"}").status());

        clock.advance(Duration.ofMinutes(LEAD_MINUTES + 60)); // past the end
        admin = api.token("ops-" + UUID.randomUUID(), "admin");
        assertEquals(200, api.post("/admin/maintenance", admin, "{\"mode\":\"TRADING_HALTED\"}").status());
        api.post("/admin/maintenance", admin, "{\"mode\":\"NORMAL\"}");
        assertTrue(before.contains("\"mode\""));
    }

    @Test
    void aMaintenancePastItsAnnouncedEndSaysItIsExtended() {
        String until = at(Duration.ofMinutes(20));
        Reply set = api.post("/admin/maintenance", admin,
                "{\"mode\":\"TRADING_HALTED\",\"notice\":\"Upgrade\",\"until\":\"" + until + "\"}");
        assertEquals(200, set.status(), set.raw());
        JsonNode s = api.get("/status", null).json();
        assertEquals(until, s.path("until").asText());
        assertFalse(s.path("extended").asBoolean());
        assertEquals("Upgrade", s.path("notice").asText());

        clock.advance(Duration.ofMinutes(21));
        JsonNode late = api.get("/status", null).json();
        assertTrue(late.path("extended").asBoolean(), late.toString());
        assertTrue(late.path("notice").asText().startsWith("Upgrade [Extended:"), late.toString());
        assertTrue(late.path("notice").asText().contains(until), late.toString());

        Reply past = api.post("/admin/maintenance", admin, "{\"mode\":\"TRADING_HALTED\",\"until\":\"" + at(Duration.ofMinutes(-1)) + "\"}");
        assertError(past, 400, "VALIDATION_ERROR");
        assertEquals("until", past.json().path("error").path("details").path("field").asText());
        Reply normal = api.post("/admin/maintenance", admin, "{\"mode\":\"NORMAL\",\"until\":\"" + at(Duration.ofMinutes(5)) + "\"}");
        assertError(normal, 400, "VALIDATION_ERROR");
        assertError(api.post("/admin/maintenance", admin, "{\"mode\":\"TRADING_HALTED\",\"until\":\"soon\"}"), 400, "VALIDATION_ERROR");

        JsonNode back = api.post("/admin/maintenance", admin, "{\"mode\":\"NORMAL\"}").json();
        assertTrue(back.path("until").isNull());
        assertFalse(back.path("extended").asBoolean());
    }

    @Test
    void aRolloutsCohortsRegisterTheirOwnSurges() {
        String opens = at(Duration.ofHours(5));
        String closes = at(Duration.ofHours(7));
        Reply r = api.post("/admin/rollouts", admin, "{\"name\":\"City launch\",\"admissionRatePerSecond\":120,\"cohorts\":["
                + "{\"cohortId\":\"c1\",\"label\":\"Gangnam\",\"opensAt\":\"" + opens + "\",\"closesAt\":\"" + closes + "\"},"
                + "{\"cohortId\":\"c2\",\"label\":\"Mapo\",\"opensAt\":\"" + at(Duration.ofHours(6)) + "\",\"closesAt\":\"" + closes + "\"}]}");
        assertEquals(201, r.status(), r.raw());
        JsonNode surges = api.get("/admin/surges", admin).json().path("surges");
        for (JsonNode c : r.json().path("cohorts")) {
            JsonNode s = find(surges, c.path("surgeId").asText());
            assertEquals("COHORT", s.path("kind").asText());
            assertEquals(120, s.path("expectedPeak").path("entersPerSecond").asLong());
            assertEquals(closes, s.path("endsAt").asText());
            assertTrue(s.path("name").asText().startsWith("City launch / "), s.toString());
        }
        assertEquals(opens, find(surges, r.json().path("cohorts").get(0).path("surgeId").asText()).path("startsAt").asText());
    }

    // ---- the pre-traffic hook -----------------------------------------------------------------

    /** CodeDeploy's API as far as the hook uses it: records each call, answers as told. */
    static final class StandInCodeDeploy implements AutoCloseable {
        final HttpServer server;
        final List<JsonNode> calls = Collections.synchronizedList(new ArrayList<>());
        final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger failNext = new AtomicInteger();
        volatile int failWith = 500;

        StandInCodeDeploy() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", x -> {
                byte[] in = x.getRequestBody().readAllBytes();
                String target = x.getRequestHeaders().getFirst("X-Amz-Target");
                int status = 200;
                String body = "{}";
                if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    status = failWith;
                    body = "{\"__type\":\"InternalFailure\"}";
                } else if (!"CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus".equals(target)) {
                    status = 400;
                    body = "{\"__type\":\"UnknownOperationException\"}";
                } else {
                    calls.add(dev.holdfast.api.Json.parse(new String(in, StandardCharsets.UTF_8)));
                    authorizations.add(x.getRequestHeaders().getFirst("Authorization"));
                }
                byte[] out = body.getBytes(StandardCharsets.UTF_8);
                x.sendResponseHeaders(status, out.length);
                x.getResponseBody().write(out);
                x.close();
            });
            server.start();
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private static PreTrafficHook hook(StandInCodeDeploy codeDeploy) {
        return new PreTrafficHook(env.deployment(), Map.of(ChangeFreeze.LEAD_VARIABLE, Integer.toString(LEAD_MINUTES)),
                new CodeDeployLifecycle(codeDeploy.url(), "us-east-1",
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret"))));
    }

    private static Map<String, Object> event(String deploymentId) {
        return Map.of("DeploymentId", deploymentId, "LifecycleEventHookExecutionId", "exec-" + deploymentId);
    }

    @Test
    void theHookFailsAFrozenDeploymentUntilOpsRecordAnOverride() throws Exception {
        try (StandInCodeDeploy codeDeploy = new StandInCodeDeploy()) {
            PreTrafficHook hook = hook(codeDeploy);
            hook.handleRequest(event("d-QUIET"), null);
            assertEquals("Succeeded", codeDeploy.calls.get(0).path("status").asText(), "no surge: deploy");
            assertEquals("d-QUIET", codeDeploy.calls.get(0).path("deploymentId").asText());
            assertEquals("exec-d-QUIET", codeDeploy.calls.get(0).path("lifecycleEventHookExecutionId").asText());
            assertTrue(codeDeploy.authorizations.get(0).startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
                    && codeDeploy.authorizations.get(0).contains("/codedeploy/aws4_request"), codeDeploy.authorizations.get(0));

            String id = declare(Duration.ofMinutes(LEAD_MINUTES - 5), Duration.ofHours(1)).path("surgeId").asText();
            Map<String, Object> refused = hook.handleRequest(event("d-FROZEN"), null);
            assertEquals("Failed", codeDeploy.calls.get(1).path("status").asText(), "within the lead time: refused");
            assertEquals(id, refused.get("surgeId"));
            assertEquals(1, audit("DEPLOYMENT_REFUSED", "deployment/d-FROZEN").size());

            Reply badOverride = api.post("/admin/surges/" + id + "/override", admin, "{\"reason\":\"hotfix\",\"minutes\":0}");
            assertError(badOverride, 400, "VALIDATION_ERROR");
            Reply override = api.post("/admin/surges/" + id + "/override", admin, "{\"reason\":\"hotfix for the payment outage\",\"minutes\":30}");
            assertEquals(200, override.status(), override.raw());
            assertEquals(at(Duration.ofMinutes(30)), override.json().path("deployOverride").path("expiresAt").asText());
            assertEquals(1, audit("SURGE_DEPLOY_OVERRIDE", "surge/" + id).size());

            hook.handleRequest(event("d-HOTFIX"), null);
            assertEquals("Succeeded", codeDeploy.calls.get(2).path("status").asText(), "overridden: deploy");
            JsonNode let = audit("DEPLOYMENT_ALLOWED_BY_OVERRIDE", "deployment/d-HOTFIX");
            assertEquals("hotfix for the payment outage", let.get(0).path("after").path("override").path("reason").asText());
            assertEquals(200, api.post("/admin/maintenance", admin, "{\"mode\":\"NORMAL\"}").status());
            assertError(api.post("/admin/maintenance", admin, "{\"mode\":\"TRADING_HALTED\"}"), 409, "CHANGE_FROZEN");

            clock.advance(Duration.ofMinutes(31)); // the override expired, the surge goes on
            hook.handleRequest(event("d-LATER"), null);
            assertEquals("Failed", codeDeploy.calls.get(3).path("status").asText());
        }
    }

    @Test
    void theHooksCallToCodeDeployIsRetriedAndAFailureIsNotSwallowed() throws Exception {
        try (StandInCodeDeploy codeDeploy = new StandInCodeDeploy()) {
            PreTrafficHook hook = hook(codeDeploy);
            codeDeploy.failNext.set(1);
            hook.handleRequest(event("d-RETRY"), null);
            assertEquals(1, codeDeploy.calls.size(), "one 500, then the verdict got through");
            assertEquals("Succeeded", codeDeploy.calls.get(0).path("status").asText());

            codeDeploy.failWith = 403;
            codeDeploy.failNext.set(5);
            assertThrows(IllegalStateException.class, () -> hook.handleRequest(event("d-DENIED"), null),
                    "a verdict CodeDeploy did not take is an error of the invocation, never a silent pass");
            assertEquals(4, codeDeploy.failNext.get(), "403 is not retried");
        }
    }

    private static boolean contains(JsonNode surges, String id) {
        for (JsonNode s : surges) {
            if (s.path("surgeId").asText().equals(id)) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode find(JsonNode surges, String id) {
        for (JsonNode s : surges) {
            if (s.path("surgeId").asText().equals(id)) {
                return s;
            }
        }
        throw new AssertionError("no surge " + id + " in " + surges);
    }
}
