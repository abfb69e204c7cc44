package dev.holdfast.local.environment;

import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;

import dev.holdfast.local.testing.ZeroDrift;
import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.api.Json;
import dev.holdfast.local.testing.RecordingConsumers;
import dev.holdfast.resources.FunctionDef;
import dev.holdfast.resources.QueueDef;
import dev.holdfast.resources.Queues;
import dev.holdfast.resources.Tables;
import dev.holdfast.resources.Triggers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local environment invokes queue, stream and schedule consumers as Lambda would: partial
 * batch failures honoured, redrive to the DLQ after the queue's receive count, stream retries from
 * the failed record, schedules fired; and it writes its endpoints file.
 */
class LocalTriggersTest {
    /** A queue with few receives before its DLQ (each failed receive waits out the scaled visibility timeout). */
    static final QueueDef QUEUE = Queues.FEED;
    static final FunctionDef QUEUE_CONSUMER = new FunctionDef("test-queue",
            RecordingConsumers.QueueConsumer.class.getName(), 256, 10, List.of(), List.of(), List.of());
    static final FunctionDef STREAM_CONSUMER = new FunctionDef("test-stream",
            RecordingConsumers.StreamConsumer.class.getName(), 256, 10, List.of(), List.of(), List.of());
    static final FunctionDef TICKER = new FunctionDef("test-ticker",
            RecordingConsumers.Ticker.class.getName(), 256, 10, List.of(), List.of(), List.of());

    @TempDir
    static Path dir;
    private static LocalHoldfast env;

    @BeforeAll
    static void start() throws Exception {
        // the test consumer is the queue's only consumer (the defined signup worker would take its messages)
        Triggers.TriggerSet triggers = new Triggers.TriggerSet(
                Triggers.QUEUES.stream().filter(t -> t.queue() != QUEUE).toList(), Triggers.STREAMS, Triggers.SCHEDULES)
                .plus(new Triggers.QueueTrigger(QUEUE, QUEUE_CONSUMER, 10))
                .plus(new Triggers.StreamTrigger(Tables.ORDERS, STREAM_CONSUMER, 10, 3))
                .plus(new Triggers.ScheduleTrigger(TICKER, 1));
        LocalOptions options = new LocalOptions(0, dir.resolve("out/endpoints.json"), null, null, "us-east-1",
                LocalOptions.FAST_TIME, null);
        env = LocalHoldfast.start(options, triggers);
    }

    @AfterAll
    static void stop() {
        try {
            ZeroDrift.assertZero(env, "LocalTriggersTest");
        } finally {
            env.close();
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static void send(String body, String group, String dedup) {
        env.deployment().clients().sqs().sendMessage(b -> b.queueUrl(env.queueUrls(QUEUE).url())
                .messageBody(body).messageGroupId(group).messageDeduplicationId(dedup));
    }

    @Test
    void queueConsumerGetsRealEventsAndAPoisonMessageAloneGoesToTheDlq() throws Exception {
        send("good-1", "g1", "d1");
        send("poison-1", "g2", "d2");
        send("good-2", "g3", "d3");
        send("good-1", "g1", "d1"); // a duplicate within the dedup window is dropped by SQS FIFO

        await("good messages", () -> RecordingConsumers.QUEUE_BODIES.stream().filter(b -> b.startsWith("good")).count() >= 2);
        assertTrue(RecordingConsumers.QUEUE_BODIES.contains("good-1|group=g1|receives=1"));
        assertTrue(RecordingConsumers.QUEUE_BODIES.contains("good-2|group=g3|receives=1"));

        String dlq = env.queueUrls(QUEUE).dlqUrl();
        List<Message>[] moved = new List[1];
        await("poison message in the DLQ", () -> {
            moved[0] = env.deployment().clients().sqs().receiveMessage(b -> b.queueUrl(dlq).waitTimeSeconds(1)).messages();
            return !moved[0].isEmpty();
        });
        assertEquals("poison-1", moved[0].get(0).body());
        assertEquals(QUEUE.maxReceiveCount(), RecordingConsumers.QUEUE_ATTEMPTS.get("poison-1"),
                "delivered exactly maxReceiveCount times before redrive");
        assertEquals(1, RecordingConsumers.QUEUE_ATTEMPTS.get("good-1"), "succeeded messages are deleted, never redelivered");
    }

    @Test
    void streamConsumerSeesWritesAndRetriesFromTheFailedRecord() throws Exception {
        var ddb = env.deployment().clients().dynamo();
        String table = env.deployment().names().table(Tables.ORDERS);
        ddb.putItem(b -> b.tableName(table).item(Map.of("pk", AttributeValue.fromS("s-1"), "sk", AttributeValue.fromS("x"))));
        ddb.putItem(b -> b.tableName(table).item(Map.of("pk", AttributeValue.fromS("s-2"), "sk", AttributeValue.fromS("x"),
                "failOnce", AttributeValue.fromBool(true))));
        ddb.putItem(b -> b.tableName(table).item(Map.of("pk", AttributeValue.fromS("s-3"), "sk", AttributeValue.fromS("x"))));

        await("all three records", () -> RecordingConsumers.STREAM_KEYS.containsAll(List.of("s-1", "s-2", "s-3")));
        assertEquals(2, RecordingConsumers.STREAM_ATTEMPTS.get("s-2"), "the failed record was retried once");
        assertEquals(1, RecordingConsumers.STREAM_KEYS.stream().filter("s-1"::equals).count(),
                "records before the failure are not delivered again");
        assertEquals(List.of("s-1", "s-2", "s-3"), RecordingConsumers.STREAM_KEYS.stream().toList(), "in order");
    }

    @Test
    void schedulesFire() throws Exception {
        await("two ticks", () -> RecordingConsumers.TICKS.get() >= 2);
        Map<String, Object> detail = RecordingConsumers.TICK_DETAILS.peek();
        assertEquals(1, detail.get("ticks"));
        assertEquals(1, detail.get("everySeconds"));
    }

    @Test
    void endpointsFileNamesEverything() throws Exception {
        Path file = dir.resolve("out/endpoints.json");
        assertTrue(Files.exists(file));
        JsonNode e = Json.parse(Files.readString(file));
        assertTrue(e.path("apiBaseUrl").asText().startsWith("http://127.0.0.1:"));
        assertTrue(e.path("dynamodbEndpoint").asText().startsWith("http://127.0.0.1:"));
        assertTrue(e.path("sqsEndpoint").asText().startsWith("http://127.0.0.1:"));
        assertEquals("us-east-1", e.path("region").asText());
        assertTrue(e.path("websocketUrl").asText().matches("ws://127\\.0\\.0\\.1:\\d+/ws"), e.toString());
        for (QueueDef q : Queues.ALL) {
            JsonNode urls = e.path("queues").path(q.queueName(LocalHoldfast.PREFIX));
            assertTrue(urls.path("url").asText().endsWith(q.queueName(LocalHoldfast.PREFIX)), q.id());
            assertTrue(urls.path("dlqUrl").asText().endsWith(q.dlqName(LocalHoldfast.PREFIX)), q.id());
        }
        assertTrue(e.path("queues").has("holdfast-feed.fifo"), "the contract's queue name");
        for (var t : Tables.ALL) {
            assertFalse(e.path("tables").path(t.id()).asText().isEmpty(), t.id());
        }
    }
}
