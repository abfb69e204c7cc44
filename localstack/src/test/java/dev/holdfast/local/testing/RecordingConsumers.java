package dev.holdfast.local.testing;

import dev.holdfast.runtime.Deployment;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Consumers that exercise the local environment's triggers the way real ones would: built by class
 * name with a {@link Deployment}, invoked with the real Lambda event classes.
 */
public final class RecordingConsumers {
    private RecordingConsumers() {}

    public static final Queue<String> QUEUE_BODIES = new ConcurrentLinkedQueue<>();
    public static final Map<String, Integer> QUEUE_ATTEMPTS = new ConcurrentHashMap<>();
    public static final Queue<String> STREAM_KEYS = new ConcurrentLinkedQueue<>();
    public static final Map<String, Integer> STREAM_ATTEMPTS = new ConcurrentHashMap<>();
    public static final AtomicInteger TICKS = new AtomicInteger();
    public static final Queue<Map<String, Object>> TICK_DETAILS = new ConcurrentLinkedQueue<>();

    /** Succeeds for every message but those whose body starts with "poison", which it reports failed. */
    public static final class QueueConsumer implements RequestHandler<SQSEvent, SQSBatchResponse> {
        public QueueConsumer(Deployment deployment) {
        }

        @Override
        public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
            List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
            for (SQSEvent.SQSMessage m : event.getRecords()) {
                QUEUE_ATTEMPTS.merge(m.getBody(), 1, Integer::sum);
                if (m.getBody().startsWith("poison")) {
                    failures.add(new SQSBatchResponse.BatchItemFailure(m.getMessageId()));
                } else {
                    QUEUE_BODIES.add(m.getBody() + "|group=" + m.getAttributes().get("MessageGroupId")
                            + "|receives=" + m.getAttributes().get("ApproximateReceiveCount"));
                }
            }
            return new SQSBatchResponse(failures);
        }
    }

    /** Records stream keys; fails an item marked {@code failOnce} the first time it sees it. */
    public static final class StreamConsumer implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
        public StreamConsumer(Deployment deployment) {
        }

        @Override
        public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
            for (DynamodbEvent.DynamodbStreamRecord r : event.getRecords()) {
                String key = r.getDynamodb().getKeys().get("pk").getS();
                if (key.equals("RISK#HEARTBEAT")) {
                    continue; // the risk pipeline's heartbeat passes through the orders stream too
                }
                int attempt = STREAM_ATTEMPTS.merge(key, 1, Integer::sum);
                var image = r.getDynamodb().getNewImage();
                if (image != null && image.containsKey("failOnce") && attempt == 1) {
                    return StreamsEventResponse.builder().withBatchItemFailures(List.of(
                            new StreamsEventResponse.BatchItemFailure(r.getDynamodb().getSequenceNumber()))).build();
                }
                STREAM_KEYS.add(key);
            }
            return StreamsEventResponse.builder().withBatchItemFailures(List.of()).build();
        }
    }

    /** Counts scheduled ticks. */
    public static final class Ticker implements RequestHandler<Map<String, Object>, Void> {
        public Ticker(Deployment deployment) {
        }

        @Override
        @SuppressWarnings("unchecked")
        public Void handleRequest(Map<String, Object> event, Context context) {
            TICKS.incrementAndGet();
            TICK_DETAILS.add(event);
            return null;
        }
    }
}
