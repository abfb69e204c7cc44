package dev.holdfast.local;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import dev.holdfast.resources.Triggers;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Lambda's DynamoDB stream event source mapping, locally: reads every shard of a table's stream in
 * order, invokes the consumer with the real {@link DynamodbEvent}, and honours partial batch
 * responses by retrying from the first reported failure (its sequence number), up to
 * {@code maxRetries} times, after which the batch is skipped and logged, as Lambda would send it
 * to an on-failure destination. Like Lambda's mapping, it keeps its place: with a data folder, the
 * last delivered sequence number per shard is saved after each batch ({@code checkpoints}), so a
 * restarted environment — even after {@code SIGKILL} — carries on after it instead of re-reading the
 * whole stream from its trim horizon (a record may still come again, which consumers tolerate as
 * they must on Lambda). Without a data folder, shards are read from their trim horizon.
 */
public final class StreamPoller implements Runnable {
    private final Triggers.StreamTrigger trigger;
    private final String streamArn;
    private final String region;
    private final DynamoDbStreamsClient streams;
    private final FunctionHost host;
    private final Map<String, String> iterators = new LinkedHashMap<>();
    private final Map<String, Integer> attempts = new HashMap<>();
    private final Map<String, String> lastDelivered = new HashMap<>();
    private volatile boolean running = true;
    /** Where the last delivered sequence number per shard is kept across restarts, or null. */
    private final java.nio.file.Path checkpoints;
    private final java.util.Properties saved = new java.util.Properties();

    StreamPoller(Triggers.StreamTrigger trigger, String streamArn, String region, DynamoDbStreamsClient streams,
                 FunctionHost host) {
        this(trigger, streamArn, region, streams, host, null);
    }

    StreamPoller(Triggers.StreamTrigger trigger, String streamArn, String region, DynamoDbStreamsClient streams,
                 FunctionHost host, java.nio.file.Path checkpoints) {
        this.trigger = trigger;
        this.streamArn = streamArn;
        this.region = region;
        this.streams = streams;
        this.host = host;
        this.checkpoints = checkpoints;
        if (checkpoints != null && java.nio.file.Files.exists(checkpoints)) {
            try (java.io.Reader r = java.nio.file.Files.newBufferedReader(checkpoints)) {
                saved.load(r);
            } catch (java.io.IOException | IllegalArgumentException unreadable) {
                saved.clear(); // from the trim horizon, as without a checkpoint
            }
            saved.stringPropertyNames().forEach(shard -> lastDelivered.put(shard, saved.getProperty(shard)));
        }
    }

    /** The shard's first iterator: after its checkpoint if there is one, else at its trim horizon. */
    private String start(String shardId) {
        String last = lastDelivered.get(shardId);
        if (last != null) {
            try {
                return iterator(shardId, ShardIteratorType.AFTER_SEQUENCE_NUMBER, last);
            } catch (RuntimeException stale) {
                // a checkpoint the stream no longer knows: from the trim horizon
            }
        }
        return iterator(shardId, ShardIteratorType.TRIM_HORIZON, null);
    }

    private void delivered(String shardId, String sequenceNumber) {
        lastDelivered.put(shardId, sequenceNumber);
        if (checkpoints == null) {
            return;
        }
        saved.setProperty(shardId, sequenceNumber);
        try {
            java.nio.file.Files.createDirectories(checkpoints.getParent());
            java.nio.file.Path tmp = checkpoints.resolveSibling(checkpoints.getFileName() + ".tmp");
            try (java.io.Writer w = java.nio.file.Files.newBufferedWriter(tmp)) {
                saved.store(w, "last delivered sequence number per shard");
            }
            java.nio.file.Files.move(tmp, checkpoints, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.io.IOException e) {
            System.err.println("{\"level\":\"WARN\",\"logger\":\"local-streams\",\"message\":\"checkpoint not saved: "
                    + e.getClass().getSimpleName() + "\"}");
        }
    }

    void stop() {
        running = false;
    }

    private List<Shard> shards() {
        return streams.describeStream(b -> b.streamArn(streamArn)).streamDescription().shards();
    }

    private String iterator(String shardId, ShardIteratorType type, String sequenceNumber) {
        return streams.getShardIterator(b -> {
            b.streamArn(streamArn).shardId(shardId).shardIteratorType(type);
            if (sequenceNumber != null) {
                b.sequenceNumber(sequenceNumber);
            }
        }).shardIterator();
    }

    @Override
    public void run() {
        while (running && !Thread.currentThread().isInterrupted()) {
            try {
                if (pollOnce() == 0) {
                    Thread.sleep(200);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                if (running) {
                    System.err.println("{\"level\":\"WARN\",\"logger\":\"local-streams\",\"message\":\"poll failed: "
                            + e.getClass().getSimpleName() + "\"}");
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }
    }

    /** Reads each shard once and delivers what it holds; returns the number of records delivered. */
    int pollOnce() {
        for (Shard s : shards()) {
            iterators.computeIfAbsent(s.shardId(), this::start);
        }
        int delivered = 0;
        for (Map.Entry<String, String> e : new ArrayList<>(iterators.entrySet())) {
            String shardId = e.getKey();
            String it = e.getValue();
            if (it == null) {
                continue; // closed shard, fully read
            }
            GetRecordsResponse page;
            try {
                page = streams.getRecords(b -> b.shardIterator(it).limit(trigger.batchSize()));
            } catch (TrimmedDataAccessException | ExpiredIteratorException gone) {
                // an iterator DynamoDB Local no longer honours: resume after the last delivered record
                String last = lastDelivered.get(shardId);
                iterators.put(shardId, last == null
                        ? iterator(shardId, ShardIteratorType.TRIM_HORIZON, null)
                        : iterator(shardId, ShardIteratorType.AFTER_SEQUENCE_NUMBER, last));
                continue;
            }
            if (page.records().isEmpty()) {
                iterators.put(shardId, page.nextShardIterator());
                continue;
            }
            String failedAt = deliver(page.records());
            delivered += page.records().size();
            if (failedAt == null) {
                attempts.remove(shardId);
                delivered(shardId, page.records().get(page.records().size() - 1).dynamodb().sequenceNumber());
                iterators.put(shardId, page.nextShardIterator());
            } else if (attempts.merge(shardId, 1, Integer::sum) > trigger.maxRetries()) {
                attempts.remove(shardId);
                System.err.println("{\"level\":\"ERROR\",\"logger\":\"local-streams\",\"message\":\"batch discarded after "
                        + trigger.maxRetries() + " retries\",\"shardId\":\"" + shardId + "\",\"sequenceNumber\":\"" + failedAt + "\"}");
                delivered(shardId, page.records().get(page.records().size() - 1).dynamodb().sequenceNumber());
                iterators.put(shardId, page.nextShardIterator());
            } else {
                iterators.put(shardId, iterator(shardId, ShardIteratorType.AT_SEQUENCE_NUMBER, failedAt));
            }
        }
        return delivered;
    }

    /** Invokes the consumer; returns the sequence number to retry from, or null if all succeeded. */
    private String deliver(List<Record> records) {
        DynamodbEvent event = new DynamodbEvent();
        List<DynamodbEvent.DynamodbStreamRecord> out = new ArrayList<>();
        for (Record r : records) {
            out.add(toRecord(r));
        }
        event.setRecords(out);
        try {
            StreamsEventResponse response = host.invoke(trigger.function(), event, UUID.randomUUID().toString());
            if (response == null || response.getBatchItemFailures() == null || response.getBatchItemFailures().isEmpty()) {
                return null;
            }
            return response.getBatchItemFailures().stream()
                    .map(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                    .min((a, b) -> new BigInteger(a).compareTo(new BigInteger(b)))
                    .orElse(null);
        } catch (RuntimeException e) {
            return records.get(0).dynamodb().sequenceNumber();
        }
    }

    private DynamodbEvent.DynamodbStreamRecord toRecord(Record r) {
        DynamodbEvent.DynamodbStreamRecord out = new DynamodbEvent.DynamodbStreamRecord();
        out.setEventID(r.eventID());
        out.setEventName(r.eventNameAsString());
        out.setEventVersion(r.eventVersion());
        out.setEventSource("aws:dynamodb");
        out.setAwsRegion(region);
        out.setEventSourceARN(streamArn);
        var d = r.dynamodb();
        StreamRecord s = new StreamRecord();
        s.setSequenceNumber(d.sequenceNumber());
        s.setSizeBytes(d.sizeBytes());
        s.setStreamViewType(com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType.fromValue(d.streamViewTypeAsString()));
        if (d.approximateCreationDateTime() != null) {
            s.setApproximateCreationDateTime(Date.from(d.approximateCreationDateTime()));
        }
        s.setKeys(convert(d.keys()));
        if (d.hasNewImage()) {
            s.setNewImage(convert(d.newImage()));
        }
        if (d.hasOldImage()) {
            s.setOldImage(convert(d.oldImage()));
        }
        out.setDynamodb(s);
        return out;
    }

    public static Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> convert(
            Map<String, AttributeValue> item) {
        if (item == null) {
            return null;
        }
        Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> out = new LinkedHashMap<>();
        item.forEach((k, v) -> out.put(k, convert(v)));
        return out;
    }

    static com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue convert(AttributeValue v) {
        var out = new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue();
        if (v.s() != null) {
            out.setS(v.s());
        } else if (v.n() != null) {
            out.setN(v.n());
        } else if (v.b() != null) {
            out.setB(ByteBuffer.wrap(v.b().asByteArray()));
        } else if (v.bool() != null) {
            out.setBOOL(v.bool());
        } else if (v.nul() != null) {
            out.setNULL(v.nul());
        } else if (v.hasSs()) {
            out.setSS(v.ss());
        } else if (v.hasNs()) {
            out.setNS(v.ns());
        } else if (v.hasBs()) {
            out.setBS(v.bs().stream().map(b -> ByteBuffer.wrap(b.asByteArray())).toList());
        } else if (v.hasM()) {
            out.setM(convert(v.m()));
        } else if (v.hasL()) {
            out.setL(v.l().stream().map(StreamPoller::convert).toList());
        }
        return out;
    }
}
