package dev.holdfast.local.capacity;

import com.sun.net.httpserver.HttpServer;
import dev.holdfast.domain.capacity.CapacitySettings;
import dev.holdfast.domain.surge.ExpectedPeak;
import dev.holdfast.domain.capacity.PlannedSurge;
import dev.holdfast.domain.capacity.PreScalingAction;
import dev.holdfast.domain.capacity.PreScalingPlan;
import dev.holdfast.domain.capacity.WarmTarget;
import dev.holdfast.domain.capacity.WarmUnits;
import dev.holdfast.functions.capacity.AwsCapacityControls;
import dev.holdfast.functions.capacity.CapacityControls;
import dev.holdfast.functions.capacity.LambdaProvisioning;
import dev.holdfast.functions.capacity.Preparer;
import dev.holdfast.resources.Functions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The preparer over real signed HTTP: Lambda's provisioned-concurrency API is a stand-in server on a
 * local port that keeps the configuration per alias and refuses unsigned calls; warm throughput is
 * kept in memory (DynamoDB Local has no warm throughput).
 */
class PreparerTest {
    private static final Instant START = Instant.parse("2026-12-20T09:00:00Z");
    private static final Instant END = START.plus(Duration.ofHours(2));
    private static final Pattern PATH = Pattern.compile("/2019-09-30/functions/([^/]+)/provisioned-concurrency");

    private HttpServer lambda;
    private final Map<String, Integer> configured = new ConcurrentHashMap<>();
    private final List<String> calls = new ArrayList<>();
    private final AtomicReference<Instant> now = new AtomicReference<>();
    private volatile boolean failPuts;

    @BeforeEach
    void startLambdaStandIn() throws Exception {
        lambda = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        lambda.createContext("/", ex -> {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            Matcher m = PATH.matcher(ex.getRequestURI().getPath());
            String query = ex.getRequestURI().getQuery();
            int status;
            String body = "";
            if (auth == null || !auth.startsWith("AWS4-HMAC-SHA256 Credential=AKIDTEST/") || !auth.contains("/lambda/aws4_request")) {
                status = 403;
                body = "{\"message\":\"unsigned\"}";
            } else if (!m.matches() || !"Qualifier=live".equals(query)) {
                status = 400;
            } else {
                String key = m.group(1);
                synchronized (calls) {
                    calls.add(ex.getRequestMethod() + " " + key);
                }
                switch (ex.getRequestMethod()) {
                    case "GET" -> {
                        Integer n = configured.get(key);
                        status = n == null ? 404 : 200;
                        body = n == null ? "{\"Type\":\"ProvisionedConcurrencyConfigNotFoundException\"}"
                                : "{\"RequestedProvisionedConcurrentExecutions\":" + n + ",\"Status\":\"READY\"}";
                    }
                    case "PUT" -> {
                        String in = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                        Matcher n = Pattern.compile("\"ProvisionedConcurrentExecutions\":(\\d+)").matcher(in);
                        if (failPuts) {
                            status = 429;
                            body = "{\"Type\":\"TooManyRequestsException\"}";
                        } else if (n.find()) {
                            configured.put(key, Integer.parseInt(n.group(1)));
                            status = 202;
                            body = "{\"Status\":\"IN_PROGRESS\"}";
                        } else {
                            status = 400;
                        }
                    }
                    case "DELETE" -> status = configured.remove(key) == null ? 404 : 204;
                    default -> status = 405;
                }
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, status == 204 ? -1 : bytes.length);
            if (status != 204) {
                ex.getResponseBody().write(bytes);
            }
            ex.close();
        });
        lambda.start();
    }

    @AfterEach
    void stop() {
        lambda.stop(0);
    }

    /** Warm throughput in memory, provisioned concurrency through the real adapter to the stand-in. */
    private Preparer preparer(List<PlannedSurge> calendar, Map<WarmTarget, WarmUnits> warm, Map<String, Integer> resting) {
        Map<String, String> env = new TreeMap<>();
        for (var f : List.of(Functions.ORDERS, Functions.WAITING_ROOM, Functions.PLATFORM)) {
            env.put(f.nameEnvVar(), "holdfast-test-" + f.id());
        }
        LambdaProvisioning signed = new LambdaProvisioning(URI.create("http://127.0.0.1:" + lambda.getAddress().getPort()),
                "eu-west-1", StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")),
                UrlConnectionHttpClient.create());
        AwsCapacityControls aws = new AwsCapacityControls(null, () -> signed, env);
        CapacityControls controls = new CapacityControls() {
            @Override
            public WarmUnits warm(WarmTarget target) {
                return warm.getOrDefault(target, CapacitySettings.NEW_ON_DEMAND);
            }

            @Override
            public void raiseWarm(WarmTarget target, WarmUnits units) {
                warm.put(target, units);
            }

            @Override
            public int provisioned(String functionId) {
                return aws.provisioned(functionId);
            }

            @Override
            public void setProvisioned(String functionId, int executions) {
                aws.setProvisioned(functionId, executions);
            }
        };
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        return new Preparer(controls, t -> calendar.stream().filter(s -> s.endsAt().isAfter(t)).toList(), clock, resting);
    }

    @Test
    void warmsAheadHoldsThroughTheSurgeAndRestoresAfterOverSignedCalls() {
        PlannedSurge derby = new PlannedSurge("derby", "BROADCAST", START, END, new ExpectedPeak(2_000, 0, 0));
        Map<WarmTarget, WarmUnits> warm = new TreeMap<>();
        Preparer p = preparer(List.of(derby), warm, Map.of());

        now.set(START.minus(Duration.ofDays(2)));
        assertEquals(List.of(), p.run().applied(), "nothing two days ahead");

        now.set(START.minus(Duration.ofHours(23)));
        Preparer.Run dayAhead = p.run();
        // 2,000 orders/s × 8 exposure write units × 1.25 = 20,000
        assertEquals(new WarmUnits(12_000, 20_000), warm.get(WarmTarget.table("exposure")));
        assertTrue(dayAhead.applied().stream().allMatch(a -> a instanceof PreScalingAction.SetWarmThroughput), dayAhead.toString());
        assertEquals(Map.of(), configured, "no provisioned concurrency a day ahead");

        now.set(START.minus(Duration.ofMinutes(10)));
        p.run();
        // 2,000 × 50 ms × 1.25 = 125 executions on orders; status 13; the waiting room has no enters
        assertEquals(Map.of("holdfast-test-orders", 125, "holdfast-test-platform", 13), configured);

        calls.clear();
        now.set(START.plus(Duration.ofMinutes(30)));
        assertEquals(List.of(), p.run().applied(), "a run inside the window changes nothing");
        assertTrue(calls.stream().allMatch(c -> c.startsWith("GET ")), calls.toString());

        now.set(END.plus(Duration.ofMinutes(3)));
        Preparer.Run after = p.run();
        assertEquals(Map.of(), configured, "restored: no provisioned concurrency after the surge");
        assertEquals(new WarmUnits(12_000, 20_000), warm.get(WarmTarget.table("exposure")), "warm throughput is never lowered");
        assertEquals(2, after.applied().size());
    }

    @Test
    void aFailedCallIsReportedAndTheNextRunCatchesUp() {
        PlannedSurge cohort = new PlannedSurge("cohort 3", "COHORT", START, END, new ExpectedPeak(0, 300, 0));
        Preparer p = preparer(List.of(cohort), new TreeMap<>(), Map.of("platform", 2));
        now.set(START);
        failPuts = true;
        Preparer.Run failed = p.run();
        assertEquals(2, failed.failures().size(), failed.toString());
        assertTrue(failed.failures().get(0).contains("429"), failed.toString());
        failPuts = false;
        p.run();
        // 300 enters/s × (1 + 20 polls) × 20 ms × 1.25 = 157.5, capped at the waiting room's reserved 138
        assertEquals(Map.of("holdfast-test-waiting-room", 138, "holdfast-test-platform", 13), configured);
        now.set(END);
        p.run();
        assertEquals(Map.of("holdfast-test-platform", 2), configured, "back to the resting figure");
    }

    @Test
    void unsignedCallsAreRefused() {
        LambdaProvisioning unsigned = new LambdaProvisioning(URI.create("http://127.0.0.1:" + lambda.getAddress().getPort()),
                "eu-west-1", StaticCredentialsProvider.create(AwsBasicCredentials.create("OTHER", "secret")),
                UrlConnectionHttpClient.create());
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> unsigned.put("f", "live", 3));
        assertTrue(e.getMessage().contains("403"), e.getMessage());
        assertEquals(PreScalingPlan.CONCURRENCY_LEAD, Duration.ofMinutes(15));
    }
}
