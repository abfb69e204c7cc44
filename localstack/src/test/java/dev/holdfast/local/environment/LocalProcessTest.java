package dev.holdfast.local.environment;

import dev.holdfast.local.LocalHoldfast;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.api.Json;
import dev.holdfast.local.testing.Api;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The environment as a user starts it: its own JVM with the README's arguments, ready within
 * seconds, stopped cleanly by SIGTERM (what Ctrl-C sends), and with {@code --data-dir} it keeps
 * data and signing key across restarts.
 */
class LocalProcessTest {
    @TempDir
    Path dir;

    private Process launch(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LocalHoldfast.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("out-" + System.nanoTime() + ".log").toFile()).start();
    }

    private JsonNode awaitEndpoints(Process p, Path file) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos(); // a loaded shared machine starts slowly
        while (System.nanoTime() < deadline) {
            assertTrue(p.isAlive(), "the environment died while starting");
            if (Files.exists(file) && Files.size(file) > 0) {
                return Json.parse(Files.readString(file));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no endpoints file");
    }

    private static int stop(Process p) throws Exception {
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "stopped within 20 s of SIGTERM");
        return p.exitValue();
    }

    @Test
    void startsServesAndStopsOnSigterm() throws Exception {
        Path endpoints = dir.resolve("endpoints.json");
        Process p = launch("--port", "0", "--endpoints-file", endpoints.toString());
        try {
            JsonNode e = awaitEndpoints(p, endpoints);
            Api api = new Api(e.path("apiBaseUrl").asText());
            assertEquals(200, api.get("/status", null).status());
        } finally {
            int code = stop(p);
            // the JVM exits with 143 (128 + SIGTERM) after running its shutdown hook
            assertTrue(code == 143 || code == 0, "exit code " + code);
        }
        String out = Files.readString(Files.list(dir).filter(f -> f.getFileName().toString().startsWith("out-")).findFirst().orElseThrow());
        assertTrue(out.contains("ready in"), out);
        assertTrue(out.contains("stopping"), out);
        assertQuietStart(out);
    }

    /**
     * Until it is ready, the environment prints only its own lines (starting, ready), the endpoints
     * (pretty JSON) and the hints (token, ops console, Ctrl-C): no SLF4J binder warning, no JAXB
     * warning, no DynamoDB Local banner.
     */
    static void assertQuietStart(String output) {
        assertFalse(output.contains("SLF4J"), output);
        assertFalse(output.contains("JAXB"), output);
        List<String> lines = output.lines().toList();
        int ready = lines.indexOf("Press Ctrl-C to stop.");
        assertTrue(ready > 0, output);
        boolean inJson = false;
        for (String line : lines.subList(0, ready)) {
            if (line.equals("{")) {
                inJson = true;
            }
            boolean ours = inJson || line.equals("Holdfast local environment starting...")
                    || line.startsWith("Holdfast local environment ready in ") || line.startsWith("Get a token:  curl ")
                    || line.startsWith("Ops console:  ");
            assertTrue(ours, "a line that is not the environment's own: " + line + "\n" + output);
            if (line.equals("}")) {
                inJson = false;
            }
        }
    }

    @Test
    void dataDirKeepsDataAndTokensAcrossRestarts() throws Exception {
        Path data = dir.resolve("data");
        Path endpoints = dir.resolve("e1.json");
        Process first = launch("--port", "0", "--endpoints-file", endpoints.toString(), "--data-dir", data.toString());
        String token;
        String notice = "kept-" + System.nanoTime();
        try {
            Api api = new Api(awaitEndpoints(first, endpoints).path("apiBaseUrl").asText());
            token = api.token("ops-keep", "admin");
            assertEquals(200, api.post("/admin/maintenance", token, "{\"mode\":\"NORMAL\",\"notice\":\"" + notice + "\"}").status());
            JsonNode e = Json.parse(Files.readString(endpoints));
            try (var sqs = sqs(e)) {
                String url = e.path("queues").path("holdfast-signups.fifo").path("dlqUrl").asText(); // no consumer reads a DLQ
                sqs.sendMessage(b -> b.queueUrl(url).messageBody(notice).messageGroupId("g").messageDeduplicationId("d"));
            }
        } finally {
            stop(first);
        }
        Path endpoints2 = dir.resolve("e2.json");
        Process second = launch("--port", "0", "--endpoints-file", endpoints2.toString(), "--data-dir", data.toString());
        try {
            Api api = new Api(awaitEndpoints(second, endpoints2).path("apiBaseUrl").asText());
            assertEquals(notice, api.get("/status", null).json().path("notice").asText());
            assertEquals(200, api.get("/admin/audit?limit=1", token).status(), "the old token still verifies");
            JsonNode e = Json.parse(Files.readString(endpoints2));
            try (var sqs = sqs(e)) {
                String url = e.path("queues").path("holdfast-signups.fifo").path("dlqUrl").asText(); // no consumer reads a DLQ
                var got = sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(2)).messages();
                assertEquals(1, got.size(), "a queued message survives the restart");
                assertEquals(notice, got.get(0).body());
            }
        } finally {
            stop(second);
        }
        assertTrue(new File(data.toFile(), "dynamodb").isDirectory());
        try (var outputs = Files.list(dir)) {
            for (Path f : outputs.filter(f -> f.getFileName().toString().startsWith("out-")).toList()) {
                assertQuietStart(Files.readString(f)); // persisted DynamoDB Local and ElasticMQ too
            }
        }
    }

    private static software.amazon.awssdk.services.sqs.SqsClient sqs(JsonNode endpoints) {
        return dev.holdfast.runtime.AwsClients.forEndpoints(java.net.URI.create(endpoints.path("dynamodbEndpoint").asText()),
                java.net.URI.create(endpoints.path("sqsEndpoint").asText()), endpoints.path("region").asText()).sqs();
    }

    @Test
    void badArgumentsAreRefusedInOneLine() throws Exception {
        Process p = launch("--port", "eighty");
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
        String out = Files.readString(Files.list(dir).filter(f -> f.getFileName().toString().startsWith("out-")).findFirst().orElseThrow());
        assertEquals(List.of("localstack/run: Invalid value for option '--port': 'eighty' is not an int (see localstack/run --help)"),
                out.lines().toList());
    }

    @Test
    void helpPrintsUsage() throws Exception {
        Process p = launch("--help");
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        String out = Files.readString(Files.list(dir).filter(f -> f.getFileName().toString().startsWith("out-")).findFirst().orElseThrow());
        assertTrue(out.startsWith("Usage: localstack/run"), out);
        assertTrue(out.contains("--aws-faithful"), out);
    }
}
