package dev.holdfast.local.environment;

import dev.holdfast.local.LocalHoldfast;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.api.Json;
import dev.holdfast.local.testing.Api;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code --data-dir} keeps when the environment dies by {@code SIGKILL} (no shutdown hook, no
 * flush by the process): DynamoDB Local's data, queued messages, and an in-flight message — which
 * stays invisible after the restart until its visibility timeout, counted from its receive, runs
 * out, as an SQS message of a crashed consumer does in AWS.
 */
class CrashPersistenceTest {
    @TempDir
    Path dir;

    private Process launch(Path data, Path endpoints) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), LocalHoldfast.class.getName(),
                "--port", "0", "--endpoints-file", endpoints.toString(), "--data-dir", data.toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("env.log").toFile())).start();
    }

    private static JsonNode awaitEndpoints(Process p, Path file) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            assertTrue(p.isAlive(), "the environment died while starting");
            if (Files.exists(file) && Files.size(file) > 0) {
                Thread.sleep(100);
                return Json.parse(Files.readString(file));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no endpoints file");
    }

    private static SqsClient sqs(JsonNode e) {
        return dev.holdfast.runtime.AwsClients.forEndpoints(java.net.URI.create(e.path("dynamodbEndpoint").asText()),
                java.net.URI.create(e.path("sqsEndpoint").asText()), e.path("region").asText()).sqs();
    }

    /** No consumer reads a dead-letter queue, so the test alone moves its messages. */
    private static String dlq(JsonNode e) {
        return e.path("queues").path("holdfast-withdrawals.fifo").path("dlqUrl").asText();
    }

    @Test
    void dataQueuedAndInFlightMessagesSurviveSigkill() throws Exception {
        Path data = dir.resolve("data");
        Path e1 = dir.resolve("e1.json");
        Process first = launch(data, e1);
        String notice = "kept-after-kill-" + System.nanoTime();
        long receivedAt;
        int inFlightSeconds = 20;
        try {
            JsonNode e = awaitEndpoints(first, e1);
            Api api = new Api(e.path("apiBaseUrl").asText());
            String token = api.token("ops-crash", "admin");
            assertEquals(200, api.post("/admin/maintenance", token, "{\"mode\":\"NORMAL\",\"notice\":\"" + notice + "\"}").status());
            SqsClient sqs = sqs(e);
            String url = dlq(e);
            sqs.sendMessage(b -> b.queueUrl(url).messageBody("in-flight").messageGroupId("g1").messageDeduplicationId("d1"));
            sqs.sendMessage(b -> b.queueUrl(url).messageBody("queued").messageGroupId("g2").messageDeduplicationId("d2"));
            List<Message> got = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(1).visibilityTimeout(inFlightSeconds)).messages();
            receivedAt = System.nanoTime();
            assertEquals("in-flight", got.get(0).body());
        } finally {
            first.destroyForcibly(); // SIGKILL, at once
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(137, first.exitValue(), "killed by SIGKILL");

        Path e2 = dir.resolve("e2.json");
        Process second = launch(data, e2);
        try {
            JsonNode e = awaitEndpoints(second, e2);
            Api api = new Api(e.path("apiBaseUrl").asText());
            assertEquals(notice, api.get("/status", null).json().path("notice").asText(), "DynamoDB data survives SIGKILL");
            SqsClient sqs = sqs(e);
            String url = dlq(e);
            List<String> bodies = new ArrayList<>();
            long inFlightBackAfter = -1;
            long deadline = receivedAt + Duration.ofSeconds(inFlightSeconds + 30).toNanos();
            while (System.nanoTime() < deadline && inFlightBackAfter < 0) {
                for (Message m : sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
                    bodies.add(m.body());
                    System.out.printf("after the restart: %s at %.1f s after the receive%n", m.body(), (System.nanoTime() - receivedAt) / 1e9);
                    if (m.body().equals("in-flight")) {
                        inFlightBackAfter = System.nanoTime() - receivedAt;
                    }
                    sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
                }
            }
            assertTrue(bodies.contains("queued"), "a queued message survives SIGKILL: " + bodies);
            assertTrue(inFlightBackAfter > 0, "the in-flight message survives SIGKILL: " + bodies);
            System.out.printf("in-flight message back %.1f s after its receive (visibility timeout %d s)%n",
                    inFlightBackAfter / 1e9, inFlightSeconds);
            assertTrue(inFlightBackAfter >= Duration.ofSeconds(inFlightSeconds - 1).toNanos(),
                    "it stays invisible until its visibility timeout: back after " + inFlightBackAfter / 1e9 + " s");
        } finally {
            second.destroy();
            second.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
