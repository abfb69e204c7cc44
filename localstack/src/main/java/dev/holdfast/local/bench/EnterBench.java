package dev.holdfast.local.bench;

import dev.holdfast.persistence.waitingroom.WaitingRoomStore;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.functions.waitingroom.SigningSecret;
import dev.holdfast.functions.waitingroom.WaitingRoomApi;
import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The waiting room's enter path: enters per second over real HTTP (the local API Gateway, many
 * devices at once), latency, and — through the handler in-process with a capacity meter — DynamoDB
 * write units, read units and round trips per enter. Beside it, the ceiling that one cohort's writes
 * meet in AWS: {@value WaitingRoomStore#STRIPES} position stripes, each on its own partition
 * (1,000 WCU/s each), against one counter item.
 *
 * <p>Usage: {@code localstack/bench enter [DEVICES] [THREADS]}.
 */
public final class EnterBench {
    private EnterBench() {}

    static final double PARTITION_WCU_PER_SECOND = 1000;

    /** The bench (from {@link BenchCommand}). */
    public static void run(int devices, int threads) throws Exception {
        System.out.println("starting the embedded environment...");
        try (LocalHoldfast env = LocalHoldfast.start(LocalOptions.defaults().withPort(0))) {
            BenchHttp http = new BenchHttp(env);
            dev.holdfast.local.EnterLimits.raise(env, 100_000); // every device enters from the loopback
            String admin = http.adminToken();
            String link = rollout(http, admin, "enter-bench").path("cohorts").get(0).path("link").asText();

            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger failures = new AtomicInteger();
            String prefix = UUID.randomUUID().toString().substring(0, 8);
            // warm-up: the first requests pay for class loading and connection set-up
            enterOver(client, env, link, prefix + "-warm", 200, threads, new ArrayList<>(), failures);
            System.out.printf("entering %d devices over HTTP with %d threads...%n", devices, threads);
            long t0 = System.nanoTime();
            enterOver(client, env, link, prefix, devices, threads, latencies, failures);
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (failures.get() > 0) {
                throw new IllegalStateException(failures.get() + " enters failed");
            }
            Latencies measured = Latencies.ofNanos(latencies);
            double perSecond = devices / seconds;
            double p50 = measured.p50();
            double p99 = measured.p99();
            System.out.printf("%d enters in %.1f s = %.0f enters/s; p50 %.1f ms, p99 %.1f ms%n", devices, seconds, perSecond, p50, p99);

            CapacityMeter meter = new CapacityMeter();
            WaitingRoomApi metered = new WaitingRoomApi(meter.meter(env),
                    Map.of(SigningSecret.VALUE_VARIABLE, new String(env.signingKey(), StandardCharsets.UTF_8)));
            String meteredLink = rollout(http, admin, "enter-bench-metered").path("cohorts").get(0).path("link").asText();
            int n = 500;
            metered.handleRequest(event(meteredLink, "warm-" + prefix), null); // the first one reads the cohort's state
            long callsBefore = meter.calls();
            double wBefore = meter.writeUnits();
            double rBefore = meter.readUnits();
            for (int i = 0; i < n; i++) {
                int status = metered.handleRequest(event(meteredLink, "metered-" + prefix + "-" + i), null).getStatusCode();
                if (status != 201) {
                    throw new IllegalStateException("enter answered " + status);
                }
            }
            double wcu = (meter.writeUnits() - wBefore) / n;
            double rcu = (meter.readUnits() - rBefore) / n;
            double calls = (double) (meter.calls() - callsBefore) / n;
            System.out.printf("per enter: %.2f write units, %.2f read units, %.2f DynamoDB round trips (cohort state cached 1 s)%n",
                    wcu, rcu, calls);
            // one stripe ADD (1 WCU) per enter: a cohort's enter rate is bounded by its stripes' partitions
            double striped = WaitingRoomStore.STRIPES * PARTITION_WCU_PER_SECOND;
            double single = PARTITION_WCU_PER_SECOND;
            System.out.printf("AWS ceiling per cohort from partition write limits: %.0f enters/s with %d stripes vs %.0f with one counter item%n",
                    striped, WaitingRoomStore.STRIPES, single);
            BenchRecord.note("waiting room", "enters per second (local, HTTP)", perSecond, "enters/s",
                    devices + " devices, " + threads + " threads, p50 " + String.format("%.1f", p50) + " ms, p99 "
                            + String.format("%.1f", p99) + " ms");
            BenchRecord.figure("waiting room", "write units per enter", wcu, "WCU");
            BenchRecord.figure("waiting room", "round trips per enter", calls, "calls");
            BenchRecord.figure("waiting room", "AWS enter ceiling per cohort (partition limits)", striped, "enters/s",
                    single, "one counter item");
        }
    }

    static JsonNode rollout(BenchHttp http, String admin, String name) throws Exception {
        Instant now = Instant.now();
        return http.send("POST", "/admin/rollouts", admin, "{\"name\":\"" + name + "\",\"admissionRatePerSecond\":100,"
                + "\"cohorts\":[{\"cohortId\":\"c1\",\"label\":\"bench\",\"opensAt\":\"" + Rfc3339.format(now.minusSeconds(1))
                + "\",\"closesAt\":\"" + Rfc3339.format(now.plusSeconds(3600)) + "\"}]}");
    }

    private static void enterOver(HttpClient client, LocalHoldfast env, String link, String prefix, int devices, int threads,
                                  List<Long> latencies, AtomicInteger failures) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> jobs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            jobs.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < devices; i = next.getAndIncrement()) {
                    String body = "{\"link\":" + Json.MAPPER.writeValueAsString(link) + ",\"deviceId\":\"" + prefix + "-device-" + i + "\"}";
                    long s = System.nanoTime();
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(env.apiBaseUrl() + "/waiting-room/enter"))
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    latencies.add(System.nanoTime() - s);
                    if (r.statusCode() != 201) {
                        failures.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : jobs) {
            f.get();
        }
        pool.shutdown();
    }

    static APIGatewayV2HTTPEvent event(String link, String deviceId) {
        String body = "{\"link\":\"" + link + "\",\"deviceId\":\"" + deviceId + "\"}";
        return APIGatewayV2HTTPEvent.builder().withVersion("2.0").withRouteKey("POST /waiting-room/enter")
                .withRawPath("/waiting-room/enter").withHeaders(Map.of("content-type", "application/json")).withBody(body)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId(UUID.randomUUID().toString())
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("POST").withPath("/waiting-room/enter")
                                .withSourceIp("127.0.0.1").build()).build())
                .build();
    }
}
