package dev.holdfast.persistence.markets;

import dev.holdfast.persistence.Contention;
import dev.holdfast.persistence.Cursors;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.audit.AuditLog;
import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.audit.AuditRecord;
import dev.holdfast.domain.market.Event;
import dev.holdfast.domain.market.Market;
import dev.holdfast.domain.market.MarketState;
import dev.holdfast.domain.market.PriceSnapshot;
import dev.holdfast.domain.market.Transition;
import dev.holdfast.resources.Tables;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbIndex;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.GetItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.Page;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactPutItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactWriteItemsEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The markets table: events, markets with their current price pointer, their state transitions,
 * immutable price snapshots, feed links and quarantined feed messages.
 *
 * <p>Every change of a market is one transaction: the market item put with the condition that its
 * {@code revision} is still the one the change was computed from, plus the append-only records the
 * change implies (transition, snapshot, audit), each put with {@code attribute_not_exists}. So two
 * ingesters racing on one market can never both publish a version or move the pointer backwards:
 * the loser's condition fails and it re-reads.
 */
public final class MarketStore {
    private static final Expression NEW_ITEM = Expression.builder().expression("attribute_not_exists(pk)").build();

    private final DynamoDbEnhancedClient enhanced;
    private final DynamoDbTable<MarketItems.MarketItem> markets;
    private final DynamoDbIndex<MarketItems.MarketItem> byState;
    private final DynamoDbTable<MarketItems.SnapshotItem> snapshots;
    private final DynamoDbTable<MarketItems.EventItem> events;
    private final DynamoDbTable<MarketItems.TransitionItem> transitions;
    private final DynamoDbTable<MarketItems.RecordItem> records;
    private final AuditLog audit;
    private final software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamo;
    private final String tableName;

    public MarketStore(Deployment deployment, AuditLog audit) {
        this.enhanced = deployment.clients().enhanced();
        String name = deployment.names().table(Tables.MARKETS);
        this.dynamo = deployment.clients().dynamo();
        this.tableName = name;
        this.markets = enhanced.table(name, MarketItems.MarketItem.SCHEMA);
        this.byState = markets.index(MarketItems.BY_STATE);
        this.snapshots = enhanced.table(name, MarketItems.SnapshotItem.SCHEMA);
        this.events = enhanced.table(name, MarketItems.EventItem.SCHEMA);
        this.transitions = enhanced.table(name, MarketItems.TransitionItem.SCHEMA);
        this.records = enhanced.table(name, MarketItems.RecordItem.SCHEMA);
        this.audit = audit;
    }

    /** What creating a market came to. */
    public sealed interface CreateOutcome permits Created, FeedTaken {}

    /** The market, its creation transition, feed link and audit record were stored. */
    public record Created() implements CreateOutcome {}

    /** A market already maps this provider market: nothing was stored. */
    public record FeedTaken() implements CreateOutcome {}

    /** What saving a change of a market came to. */
    public sealed interface SaveOutcome permits Saved, Raced {}

    /** The change and the records it implies were stored. */
    public record Saved() implements SaveOutcome {}

    /** The market changed since it was read (or a concurrent transaction collided): nothing was stored; read it again and recompute. */
    public record Raced() implements SaveOutcome {}

    // ---- events ----

    public void createEvent(Event e, AuditRecord record) {
        enhanced.transactWriteItems(TransactWriteItemsEnhancedRequest.builder()
                .addPutItem(events, put(MarketItems.toItem(e)))
                .addPutItem(audit.table(), audit.putInTransaction(record))
                .build());
    }

    public Optional<Event> event(String eventId) {
        MarketItems.EventItem i = events.getItem(GetItemEnhancedRequest.builder()
                .key(Key.builder().partitionValue(MarketItems.eventPk(eventId)).sortValue(MarketItems.EVENT_SK).build())
                .consistentRead(true).build());
        return Optional.ofNullable(i).map(MarketItems::fromItem);
    }

    // ---- markets ----

    /**
     * Creates a market with its creation transition, its feed link and the audit record, or
     * reports {@link FeedTaken} when another market already maps the provider market.
     */
    public CreateOutcome createMarket(Market m, Transition created, AuditRecord record) {
        try {
            enhanced.transactWriteItems(TransactWriteItemsEnhancedRequest.builder()
                    .addPutItem(markets, put(MarketItems.toItem(m)))
                    .addPutItem(transitions, put(MarketItems.toItem(m, created)))
                    .addPutItem(records, put(MarketItems.feedLinkItem(m)))
                    .addPutItem(audit.table(), audit.putInTransaction(record))
                    .build());
            return new Created();
        } catch (TransactionCanceledException e) {
            if (Contention.conditionFailed(e, 2)) {
                return new FeedTaken();
            }
            throw e;
        }
    }

    /** A market's key in the markets table (for batch reads). */
    public static Map<String, AttributeValue> marketKey(String marketId) {
        return Map.of("pk", AttributeValue.fromS(MarketItems.marketPk(marketId)), "sk", AttributeValue.fromS(MarketItems.MARKET_SK));
    }

    /** The market, read strongly consistent: what every decision about it starts from. */
    public Optional<Market> market(String marketId) {
        MarketItems.MarketItem i = markets.getItem(GetItemEnhancedRequest.builder()
                .key(Key.builder().partitionValue(MarketItems.marketPk(marketId)).sortValue(MarketItems.MARKET_SK).build())
                .consistentRead(true).build());
        return Optional.ofNullable(i).map(MarketItems::fromItem);
    }

    /** The market id a provider market is linked to. */
    public Optional<String> marketIdForFeed(String provider, String providerMarketId) {
        MarketItems.RecordItem i = records.getItem(GetItemEnhancedRequest.builder()
                .key(Key.builder().partitionValue(MarketItems.feedPk(provider, providerMarketId)).sortValue(MarketItems.FEED_SK).build())
                .consistentRead(true).build());
        return Optional.ofNullable(i).map(r -> r.body);
    }

    /** One page of markets in a state, oldest first. */
    public record MarketPage(List<Market> markets, Optional<String> nextCursor) {}

    public MarketPage byState(MarketState state, int limit, Optional<String> cursor) {
        QueryEnhancedRequest.Builder q = QueryEnhancedRequest.builder()
                .queryConditional(QueryConditional.keyEqualTo(Key.builder().partitionValue(MarketItems.stateKey(state)).build()))
                .limit(limit);
        cursor.ifPresent(c -> q.exclusiveStartKey(decodeCursor(c, state)));
        Page<MarketItems.MarketItem> page = byState.query(q.build()).iterator().next();
        List<Market> out = page.items().stream().map(MarketItems::fromItem).toList();
        Optional<String> next = Optional.ofNullable(page.lastEvaluatedKey()).filter(k -> !k.isEmpty())
                .map(k -> Cursors.encode(k.get("gsi1sk").s() + "|" + k.get("pk").s()));
        return new MarketPage(out, next);
    }

    private static Map<String, AttributeValue> decodeCursor(String cursor, MarketState state) {
        String[] parts = Cursors.decode(cursor, p -> p.matches("[^|]+\\|MARKET#.+"))
                .split("\\|", 2);
        return Map.of("gsi1pk", AttributeValue.fromS(MarketItems.stateKey(state)), "gsi1sk", AttributeValue.fromS(parts[0]),
                "pk", AttributeValue.fromS(parts[1]), "sk", AttributeValue.fromS(MarketItems.MARKET_SK));
    }

    /**
     * Stores a change computed from {@code before}: the market (if it is still at
     * {@code before.revision()}), its transition, snapshot and audit record, all or nothing; or
     * {@link Raced} when the market changed since {@code before} was read.
     */
    public SaveOutcome save(Market before, Market.Change change, Optional<PriceSnapshot> snapshot, Optional<AuditRecord> record) {
        Market after = change.after();
        TransactWriteItemsEnhancedRequest.Builder tx = TransactWriteItemsEnhancedRequest.builder()
                .addPutItem(markets, TransactPutItemEnhancedRequest.builder(MarketItems.MarketItem.class)
                        .item(MarketItems.toItem(after))
                        .conditionExpression(Expression.builder().expression("revision = :r")
                                .expressionValues(Map.of(":r", AttributeValue.fromN(Long.toString(before.revision())))).build())
                        .build());
        change.transition().ifPresent(t -> tx.addPutItem(transitions, put(MarketItems.toItem(after, t))));
        snapshot.ifPresent(s -> tx.addPutItem(snapshots, put(MarketItems.toItem(s))));
        record.ifPresent(r -> tx.addPutItem(audit.table(), audit.putInTransaction(r)));
        try {
            enhanced.transactWriteItems(tx.build());
            return new Saved();
        } catch (TransactionCanceledException e) {
            if (Contention.conditionFailed(e, 0) || Contention.conflicted(e)) {
                return new Raced();
            }
            throw e;
        }
    }

    /**
     * The order path's price check, as a transaction action: the market is OPEN, its current
     * version is {@code priceVersion}, and that price was received no earlier than
     * {@code oldestFresh} (RFC 3339 strings of one fixed width compare in time order). On failure
     * DynamoDB returns the market as it is ({@code ALL_OLD}) so the caller can say why.
     */
    public software.amazon.awssdk.services.dynamodb.model.TransactWriteItem openAtVersionCheck(
            String marketId, long priceVersion, Instant oldestFresh) {
        return software.amazon.awssdk.services.dynamodb.model.TransactWriteItem.builder()
                .conditionCheck(software.amazon.awssdk.services.dynamodb.model.ConditionCheck.builder()
                        .tableName(markets.tableName())
                        .key(marketKey(marketId))
                        .conditionExpression("#state = :open AND priceVersion = :v AND receivedAt >= :fresh")
                        .expressionAttributeNames(Map.of("#state", "state"))
                        .expressionAttributeValues(Map.of(":open", AttributeValue.fromS(MarketState.OPEN.name()),
                                ":v", AttributeValue.fromN(Long.toString(priceVersion)),
                                ":fresh", AttributeValue.fromS(Rfc3339.format(oldestFresh))))
                        .returnValuesOnConditionCheckFailure(
                                software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure.ALL_OLD)
                        .build())
                .build();
    }

    /** Parses a market returned by a failed condition ({@code ALL_OLD}). */
    public static Market fromAttributes(Map<String, AttributeValue> item) {
        return MarketItems.fromItem(MarketItems.MarketItem.SCHEMA.mapToItem(item));
    }

    public Optional<PriceSnapshot> snapshot(String marketId, long version) {
        MarketItems.SnapshotItem i = snapshots.getItem(GetItemEnhancedRequest.builder()
                .key(Key.builder().partitionValue(MarketItems.marketPk(marketId)).sortValue(MarketItems.priceSk(version)).build())
                .consistentRead(true).build());
        return Optional.ofNullable(i).map(MarketItems::fromItem);
    }

    /** Every snapshot of a market, oldest first (for audits and tests; markets have few thousand). */
    public List<PriceSnapshot> snapshots(String marketId) {
        List<PriceSnapshot> out = new ArrayList<>();
        snapshots.query(QueryEnhancedRequest.builder()
                .queryConditional(QueryConditional.sortBeginsWith(Key.builder().partitionValue(MarketItems.marketPk(marketId))
                        .sortValue("PRICE#").build()))
                .consistentRead(true).build()).items().forEach(i -> out.add(MarketItems.fromItem(i)));
        return out;
    }

    /** Every state transition of a market, oldest first. */
    public List<Transition> transitions(String marketId) {
        List<Transition> out = new ArrayList<>();
        transitions.query(QueryEnhancedRequest.builder()
                .queryConditional(QueryConditional.sortBeginsWith(Key.builder().partitionValue(MarketItems.marketPk(marketId))
                        .sortValue("TRANSITION#").build()))
                .consistentRead(true).build()).items().forEach(i -> out.add(MarketItems.fromItem(i)));
        return out;
    }

    // ---- feed sequence bookkeeping ----

    /** pk {@code MARKET#id}, sk {@value #FEED_STATS_SK}: counts of the feed messages the market ignored. */
    static final String FEED_STATS_SK = "FEEDSTATS";

    /** What the feed did to a market that is not in the market item itself. */
    public record FeedStats(long ignoredOlder, long lastIgnoredSequence, Optional<Instant> lastIgnoredAt) {
        public static final FeedStats NONE = new FeedStats(0, 0, Optional.empty());
    }

    /**
     * Counts a message whose sequence was not newer than the market's last one (ignored): one
     * atomic {@code ADD}, so concurrent ingesters never lose a count and the market item is untouched.
     */
    public void countIgnoredOlder(String marketId, long sequence, Instant at) {
        dynamo.updateItem(b -> b.tableName(tableName)
                .key(Map.of("pk", AttributeValue.fromS(MarketItems.marketPk(marketId)), "sk", AttributeValue.fromS(FEED_STATS_SK)))
                .updateExpression("ADD ignoredOlder :one SET lastIgnoredSequence = :s, lastIgnoredAt = :at, kind = :k")
                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"),
                        ":s", AttributeValue.fromN(Long.toString(sequence)),
                        ":at", AttributeValue.fromS(Rfc3339.format(at)), ":k", AttributeValue.fromS("FEED_STATS"))));
    }

    public FeedStats feedStats(String marketId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(tableName).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(MarketItems.marketPk(marketId)), "sk", AttributeValue.fromS(FEED_STATS_SK))))
                .item();
        if (item == null || item.isEmpty()) {
            return FeedStats.NONE;
        }
        return new FeedStats(Long.parseLong(item.getOrDefault("ignoredOlder", AttributeValue.fromN("0")).n()),
                Long.parseLong(item.getOrDefault("lastIgnoredSequence", AttributeValue.fromN("0")).n()),
                Optional.ofNullable(item.get("lastIgnoredAt")).map(v -> Rfc3339.parse(v.s())));
    }

    // ---- quarantine ----

    /** Keeps a feed message that attached to nothing, with why. Idempotent per message. */
    public void quarantine(String messageId, Instant sentAt, String reason, String detail, String body, Instant at) {
        try {
            records.putItem(r -> r.item(MarketItems.quarantineItem(messageId, sentAt, reason, detail, body, at))
                    .conditionExpression(NEW_ITEM));
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException already) {
            // a redelivery of a message already quarantined
        }
    }

    /** Quarantined messages, newest first. */
    public record QuarantinePage(List<JsonNode> entries, Optional<String> nextCursor) {}

    public QuarantinePage quarantined(int limit, Optional<String> cursor) {
        QueryEnhancedRequest.Builder q = QueryEnhancedRequest.builder()
                .queryConditional(QueryConditional.keyEqualTo(Key.builder().partitionValue(MarketItems.QUARANTINE_PK).build()))
                .scanIndexForward(false).consistentRead(true).limit(limit);
        cursor.ifPresent(c -> q.exclusiveStartKey(Map.of("pk", AttributeValue.fromS(MarketItems.QUARANTINE_PK),
                "sk", AttributeValue.fromS(Cursors.decode(c, sk -> sk.matches("\\d{4}-.*#.+"))))));
        Page<MarketItems.RecordItem> page = records.query(q.build()).iterator().next();
        List<JsonNode> out = page.items().stream().map(i -> Json.parseTrusted(i.body)).toList();
        Optional<String> next = Optional.ofNullable(page.lastEvaluatedKey()).filter(k -> !k.isEmpty() && out.size() == limit)
                .map(k -> Cursors.encode(k.get("sk").s()));
        return new QuarantinePage(out, next);
    }

    // ---- helpers ----

    private static <T> TransactPutItemEnhancedRequest<T> put(T item) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) item.getClass();
        return TransactPutItemEnhancedRequest.builder(type).item(item).conditionExpression(NEW_ITEM).build();
    }


}
