package dev.holdfast.persistence.live;

import dev.holdfast.persistence.Contention;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.domain.live.Subscriptions;
import dev.holdfast.persistence.live.LiveItems.ConnectionItem;
import dev.holdfast.persistence.live.LiveItems.HeldItem;
import dev.holdfast.persistence.live.LiveItems.SubscriptionItem;
import dev.holdfast.resources.Tables;
import dev.holdfast.retry.Retry;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The connections table of the live-price WebSocket API:
 * <ul>
 *   <li>{@code CONN#<connectionId>} / {@code CONN}: who connected, the markets it watches
 *       ({@code markets}, a string set) and a {@code revision} guarding their changes;</li>
 *   <li>{@code SUBS#<marketId>#<shard>} / {@code <connectionId>}: one item per subscription, spread over
 *       {@link #SHARDS} partitions per market so a million subscribes never write one partition,
 *       while one change still reads a bounded number of partitions ({@link #SHARDS} queries, each
 *       page up to 1 MB, some 10,000 subscribers);</li>
 *   <li>{@code CHANNEL#<marketId>} / {@code CHANNEL}: the market's publish {@code sequence} and the
 *       market {@code revision} it was last advanced for, so each stored market change gets its
 *       sequence exactly once however often its stream record is delivered;</li>
 *   <li>{@code CHANNEL#<marketId>} / {@code SEQ#<sequence>}: a published change (its wire message),
 *       held for resume until it expires.</li>
 * </ul>
 * Connection and subscription items expire ({@code expiresAt}) just after API Gateway's maximum
 * connection duration, so a connection whose {@code $disconnect} never ran is removed anyway.
 */
public final class LiveStore {
    /** A batch write's unprocessed items are sent again at once, up to 8 tries. */
    private static final Retry UNPROCESSED = Retry.atOnce(8);

    /** Subscription partitions per market. */
    public static final int SHARDS = 8;
    /** API Gateway closes a WebSocket connection after 2 hours; items outlive it by a margin. */
    public static final Duration CONNECTION_TTL = Duration.ofHours(2).plusMinutes(10);
    /** How long a published change is held for resume (the count is bounded by the resume query). */
    public static final Duration HELD_TTL = Duration.ofMinutes(15);

    private final DynamoDbClient dynamo;
    private final String table;

    public LiveStore(Deployment deployment) {
        this.dynamo = deployment.clients().dynamo();
        this.table = deployment.names().table(Tables.CONNECTIONS);
    }

    /** A connection as stored. */
    public record Connection(String connectionId, String sub, Subscriptions subscriptions, long revision,
                             Instant expiresAt) {}

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk));
    }

    private static Map<String, AttributeValue> connKey(String connectionId) {
        return key(LiveItems.connPk(connectionId), LiveItems.CONN_SK);
    }

    static int shard(String connectionId) {
        return Math.floorMod(connectionId.hashCode(), SHARDS);
    }

    // ---- connections ----

    public void connect(String connectionId, String sub, Instant at) {
        Map<String, AttributeValue> item = ConnectionItem.SCHEMA.itemToMap(
                LiveItems.connectionItem(connectionId, sub, at, at.plus(CONNECTION_TTL)), true);
        dynamo.putItem(b -> b.tableName(table).item(item));
    }

    public Optional<Connection> connection(String connectionId, int limit) {
        Map<String, AttributeValue> i = dynamo.getItem(b -> b.tableName(table).key(connKey(connectionId)).consistentRead(true)).item();
        if (i == null || i.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(LiveItems.fromItem(ConnectionItem.SCHEMA.mapToItem(i), connectionId, limit));
    }

    /**
     * Stores {@code after} as the connection's subscriptions, if nothing changed them since
     * {@code before} was read: the connection item and one item per added or removed subscription,
     * all or nothing (at most 1 + 2 × {@link Subscriptions#MAX_PER_MESSAGE} actions).
     *
     * @return false if the connection changed or is gone (read it again)
     */
    public boolean saveSubscriptions(Connection before, Subscriptions after, List<String> added, List<String> removed) {
        List<TransactWriteItem> tx = new ArrayList<>();
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":r", AttributeValue.fromN(Long.toString(before.revision())));
        values.put(":one", AttributeValue.fromN("1"));
        String set = "SET revision = revision + :one";
        String expr;
        if (after.marketIds().isEmpty()) {
            expr = set + " REMOVE markets";
        } else {
            values.put(":m", AttributeValue.fromSs(List.copyOf(after.marketIds())));
            expr = set + ", markets = :m";
        }
        tx.add(TransactWriteItem.builder().update(Update.builder().tableName(table).key(connKey(before.connectionId()))
                .updateExpression(expr).conditionExpression("revision = :r").expressionAttributeValues(values).build()).build());
        for (String m : added) {
            Map<String, AttributeValue> item = SubscriptionItem.SCHEMA.itemToMap(
                    LiveItems.subscriptionItem(m, shard(before.connectionId()), before.connectionId(), before.expiresAt()), true);
            tx.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(item).build()).build());
        }
        for (String m : removed) {
            tx.add(TransactWriteItem.builder().delete(Delete.builder().tableName(table)
                    .key(key(LiveItems.subsPk(m, shard(before.connectionId())), before.connectionId())).build()).build());
        }
        try {
            dynamo.transactWriteItems(b -> b.transactItems(tx));
            return true;
        } catch (TransactionCanceledException e) {
            if (Contention.conditionFailed(e, 0) || Contention.conflicted(e)) {
                return false;
            }
            throw e;
        }
    }

    /** Removes a connection and every subscription it holds (idempotent). */
    public void disconnect(String connectionId) {
        Optional<Connection> c = connection(connectionId, Subscriptions.DEFAULT_LIMIT);
        if (c.isEmpty()) {
            return;
        }
        List<WriteRequest> deletes = new ArrayList<>();
        for (String m : c.get().subscriptions().marketIds()) {
            deletes.add(WriteRequest.builder().deleteRequest(d -> d.key(key(LiveItems.subsPk(m, shard(connectionId)), connectionId))).build());
        }
        deletes.add(WriteRequest.builder().deleteRequest(d -> d.key(connKey(connectionId))).build());
        for (int i = 0; i < deletes.size(); i += 25) {
            List<WriteRequest> page = deletes.subList(i, Math.min(deletes.size(), i + 25));
            Map<String, List<WriteRequest>> left = Map.of(table, page);
            for (Retry.Turns turns = UNPROCESSED.start(); !left.isEmpty() && turns.next(); ) {
                Map<String, List<WriteRequest>> req = left;
                left = dynamo.batchWriteItem(b -> b.requestItems(req)).unprocessedItems();
            }
        }
    }

    // ---- fan-out ----

    /** The connections subscribed to a market, and how many query pages reading them took. */
    public record Subscribers(List<String> connectionIds, int pages) {}

    /** Every subscriber of {@code marketId}: {@link #SHARDS} queries (more only past ~10,000 subscribers per shard). */
    public Subscribers subscribers(String marketId) {
        List<String> out = new ArrayList<>();
        int pages = 0;
        for (int s = 0; s < SHARDS; s++) {
            Subscribers one = subscribers(marketId, s);
            out.addAll(one.connectionIds());
            pages += one.pages();
        }
        return new Subscribers(out, pages);
    }

    /** The subscribers of {@code marketId} in one shard (a query, paged past 1 MB). */
    public Subscribers subscribers(String marketId, int shard) {
        List<String> out = new ArrayList<>();
        int pages = 0;
        String pk = LiveItems.subsPk(marketId, shard);
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse r = dynamo.query(b -> {
                b.tableName(table).keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk)))
                        .projectionExpression("sk");
                if (from != null) {
                    b.exclusiveStartKey(from);
                }
            });
            pages++;
            r.items().forEach(i -> out.add(i.get("sk").s()));
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        return new Subscribers(out, pages);
    }

    // ---- the market's publish sequence and held changes ----

    /** The sequences given to one market change: {@code first .. first + count - 1}. */
    public record Claim(long first, int count, boolean again) {}

    /**
     * Gives the market change at {@code revision} its {@code count} sequences, once: the counter
     * advances only for a revision newer than the last one it advanced for. A redelivered record
     * gets its same sequences back ({@code again}); a record older than what was already published
     * (a replayed stream) gets none.
     */
    public Optional<Claim> claim(String marketId, long revision, int count) {
        try {
            Map<String, AttributeValue> out = dynamo.updateItem(b -> b.tableName(table).key(key(LiveItems.channelPk(marketId), LiveItems.CHANNEL_SK))
                    .updateExpression("SET #seq = if_not_exists(#seq, :zero) + :k, lastRevision = :rev")
                    .conditionExpression("attribute_not_exists(lastRevision) OR lastRevision < :rev")
                    .expressionAttributeNames(Map.of("#seq", "sequence"))
                    .expressionAttributeValues(Map.of(":zero", AttributeValue.fromN("0"),
                            ":k", AttributeValue.fromN(Integer.toString(count)),
                            ":rev", AttributeValue.fromN(Long.toString(revision))))
                    .returnValues(ReturnValue.UPDATED_NEW)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).attributes();
            long last = Long.parseLong(out.get("sequence").n());
            return Optional.of(new Claim(last - count + 1, count, false));
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> old = e.item();
            if (old != null && old.containsKey("lastRevision") && Long.parseLong(old.get("lastRevision").n()) == revision) {
                long last = Long.parseLong(old.get("sequence").n());
                return Optional.of(new Claim(last - count + 1, count, true));
            }
            return Optional.empty();
        }
    }

    /** The market's newest published sequence (0 before its first change). */
    public long sequence(String marketId) {
        Map<String, AttributeValue> i = dynamo.getItem(b -> b.tableName(table).key(key(LiveItems.channelPk(marketId), LiveItems.CHANNEL_SK))
                .consistentRead(true)).item();
        return i == null || !i.containsKey("sequence") ? 0 : Long.parseLong(i.get("sequence").n());
    }

    /** A published change as held for resume: its sequence and wire message. */
    public record Held(long sequence, String message) {}

    /** Holds published changes for resume (idempotent: a change's item is keyed by its sequence). */
    public void hold(String marketId, List<Held> changes, Instant at) {
        List<WriteRequest> puts = new ArrayList<>();
        for (Held h : changes) {
            Map<String, AttributeValue> item = HeldItem.SCHEMA.itemToMap(LiveItems.toItem(marketId, h, at.plus(HELD_TTL)), true);
            puts.add(WriteRequest.builder().putRequest(p -> p.item(item)).build());
        }
        for (int i = 0; i < puts.size(); i += 25) {
            Map<String, List<WriteRequest>> left = Map.of(table, puts.subList(i, Math.min(puts.size(), i + 25)));
            for (Retry.Turns turns = UNPROCESSED.start(); !left.isEmpty() && turns.next(); ) {
                Map<String, List<WriteRequest>> req = left;
                left = dynamo.batchWriteItem(b -> b.requestItems(req)).unprocessedItems();
            }
        }
    }

    /** The held changes after {@code sequence}, oldest first, at most {@code limit}, expired ones left out. */
    public List<Held> held(String marketId, long sequence, int limit, Instant now) {
        List<Held> out = new ArrayList<>();
        dynamo.query(b -> b.tableName(table).keyConditionExpression("pk = :pk AND sk BETWEEN :from AND :to")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(LiveItems.channelPk(marketId)),
                        ":from", AttributeValue.fromS(LiveItems.seqSk(sequence + 1)), ":to", AttributeValue.fromS(LiveItems.seqSk(Long.MAX_VALUE))))
                .consistentRead(true).limit(limit)).items().forEach(m -> {
            HeldItem i = HeldItem.SCHEMA.mapToItem(m);
            if (i.expiresAt > now.getEpochSecond()) {
                out.add(LiveItems.fromItem(i));
            }
        });
        return out;
    }
}
