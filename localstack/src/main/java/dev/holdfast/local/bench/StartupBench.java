package dev.holdfast.local.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Measures the local environment's cold start as a user sees it: a fresh JVM per run, from
 * process launch to the first {@code 200} of {@code GET /status} (which also provisions nothing:
 * the tables and queues are created before the port opens). Prints each run and the median.
 */
public final class StartupBench {
    private StartupBench() {}

    /** The bench (from {@link BenchCommand}). */
    public static void run(int runs) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
        List<Long> millis = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            Path endpoints = Files.createTempFile("holdfast-bench", ".json");
            Files.delete(endpoints);
            List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    "dev.holdfast.local.LocalHoldfast", "--port", "0", "--endpoints-file", endpoints.toString());
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                String base = null;
                while (base == null) {
                    if (!p.isAlive()) {
                        throw new IllegalStateException("environment exited with " + p.exitValue());
                    }
                    if (Files.exists(endpoints) && Files.size(endpoints) > 0) {
                        String json = Files.readString(endpoints);
                        int at = json.indexOf("http://127.0.0.1:");
                        base = json.substring(at, json.indexOf('"', at));
                    } else {
                        Thread.sleep(5);
                    }
                }
                int status = 0;
                while (status != 200) {
                    status = http.send(HttpRequest.newBuilder(URI.create(base + "/status")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode();
                }
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                millis.add(ms);
                System.out.printf("run %d/%d: launch to first GET /status 200 in %d ms%n", i, runs, ms);
            } finally {
                p.destroy();
                p.waitFor(20, TimeUnit.SECONDS);
                Files.deleteIfExists(endpoints);
            }
        }
        List<Long> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        System.out.printf("startup: median %d ms, min %d ms, max %d ms over %d runs%n",
                sorted.get(sorted.size() / 2), sorted.get(0), sorted.get(sorted.size() - 1), runs);
        BenchRecord.note("startup", "local environment: launch to first GET /status, median", sorted.get(sorted.size() / 2), "ms",
                runs + " runs");
    }
}
