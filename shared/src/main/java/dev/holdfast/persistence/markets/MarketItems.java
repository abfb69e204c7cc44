package dev.holdfast.persistence.markets;

import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primarySortKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.secondaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.secondarySortKey;

/**
 * The item kinds of the markets table, each with a static (non-reflective) schema. Structured
 * fields (selections, odds, mappings) are JSON strings: they are always read and written whole.
 */
public final class MarketItems {
    private MarketItems() {}

    static final String BY_STATE = "byState";

    /** pk {@code MARKET#id}, sk {@code MARKET}: the market and its current price pointer. */
    public static final class MarketItem {
        String pk;
        String sk;
        String gsi1pk;
        String gsi1sk;
        String marketId;
        String eventId;
        String name;
        String state;
        String stateReason;
        String selections;
        String feed;
        String margin;
        String exposure;
        Long priceVersion;
        String odds;
        String publishedAt;
        String sourceTimestamp;
        String receivedAt;
        Long lastSequence;
        Long revision;
        String createdAt;

        public static final TableSchema<MarketItem> SCHEMA = StaticTableSchema.builder(MarketItem.class)
                .newItemSupplier(MarketItem::new)
                .addAttribute(String.class, a -> a.name("pk").getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
                .addAttribute(String.class, a -> a.name("sk").getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
                .addAttribute(String.class, a -> a.name("gsi1pk").getter(i -> i.gsi1pk).setter((i, v) -> i.gsi1pk = v).tags(secondaryPartitionKey(BY_STATE)))
                .addAttribute(String.class, a -> a.name("gsi1sk").getter(i -> i.gsi1sk).setter((i, v) -> i.gsi1sk = v).tags(secondarySortKey(BY_STATE)))
                .addAttribute(String.class, a -> a.name("marketId").getter(i -> i.marketId).setter((i, v) -> i.marketId = v))
                .addAttribute(String.class, a -> a.name("eventId").getter(i -> i.eventId).setter((i, v) -> i.eventId = v))
                .addAttribute(String.class, a -> a.name("name").getter(i -> i.name).setter((i, v) -> i.name = v))
                .addAttribute(String.class, a -> a.name("state").getter(i -> i.state).setter((i, v) -> i.state = v))
                .addAttribute(String.class, a -> a.name("stateReason").getter(i -> i.stateReason).setter((i, v) -> i.stateReason = v))
                .addAttribute(String.class, a -> a.name("selections").getter(i -> i.selections).setter((i, v) -> i.selections = v))
                .addAttribute(String.class, a -> a.name("feed").getter(i -> i.feed).setter((i, v) -> i.feed = v))
                .addAttribute(String.class, a -> a.name("margin").getter(i -> i.margin).setter((i, v) -> i.margin = v))
                .addAttribute(String.class, a -> a.name("exposure").getter(i -> i.exposure).setter((i, v) -> i.exposure = v))
                .addAttribute(Long.class, a -> a.name("priceVersion").getter(i -> i.priceVersion).setter((i, v) -> i.priceVersion = v))
                .addAttribute(String.class, a -> a.name("odds").getter(i -> i.odds).setter((i, v) -> i.odds = v))
                .addAttribute(String.class, a -> a.name("publishedAt").getter(i -> i.publishedAt).setter((i, v) -> i.publishedAt = v))
                .addAttribute(String.class, a -> a.name("sourceTimestamp").getter(i -> i.sourceTimestamp).setter((i, v) -> i.sourceTimestamp = v))
                .addAttribute(String.class, a -> a.name("receivedAt").getter(i -> i.receivedAt).setter((i, v) -> i.receivedAt = v))
                .addAttribute(Long.class, a -> a.name("lastSequence").getter(i -> i.lastSequence).setter((i, v) -> i.lastSequence = v))
                .addAttribute(Long.class, a -> a.name("revision").getter(i -> i.revision).setter((i, v) -> i.revision = v))
                .addAttribute(String.class, a -> a.name("createdAt").getter(i -> i.createdAt).setter((i, v) -> i.createdAt = v))
                .build();
    }

    /** pk {@code MARKET#id}, sk {@code PRICE#<version>}: an immutable snapshot. */
    static final class SnapshotItem {
        String pk;
        String sk;
        String marketId;
        Long priceVersion;
        String odds;
        String probabilities;
        Long feedSequence;
        String publishedAt;
        String sourceTimestamp;
        String receivedAt;

        public static final TableSchema<SnapshotItem> SCHEMA = StaticTableSchema.builder(SnapshotItem.class)
                .newItemSupplier(SnapshotItem::new)
                .addAttribute(String.class, a -> a.name("pk").getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
                .addAttribute(String.class, a -> a.name("sk").getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
                .addAttribute(String.class, a -> a.name("marketId").getter(i -> i.marketId).setter((i, v) -> i.marketId = v))
                .addAttribute(Long.class, a -> a.name("priceVersion").getter(i -> i.priceVersion).setter((i, v) -> i.priceVersion = v))
                .addAttribute(String.class, a -> a.name("odds").getter(i -> i.odds).setter((i, v) -> i.odds = v))
                .addAttribute(String.class, a -> a.name("probabilities").getter(i -> i.probabilities).setter((i, v) -> i.probabilities = v))
                .addAttribute(Long.class, a -> a.name("feedSequence").getter(i -> i.feedSequence).setter((i, v) -> i.feedSequence = v))
                .addAttribute(String.class, a -> a.name("publishedAt").getter(i -> i.publishedAt).setter((i, v) -> i.publishedAt = v))
                .addAttribute(String.class, a -> a.name("sourceTimestamp").getter(i -> i.sourceTimestamp).setter((i, v) -> i.sourceTimestamp = v))
                .addAttribute(String.class, a -> a.name("receivedAt").getter(i -> i.receivedAt).setter((i, v) -> i.receivedAt = v))
                .build();
    }

    /** A small record kept forever: an event, a transition, a feed link or a quarantined message. */
    public static final class RecordItem {
        String pk;
        String sk;
        String kind;
        String body;
        String at;

        public static final TableSchema<RecordItem> SCHEMA = StaticTableSchema.builder(RecordItem.class)
                .newItemSupplier(RecordItem::new)
                .addAttribute(String.class, a -> a.name("pk").getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
                .addAttribute(String.class, a -> a.name("sk").getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
                .addAttribute(String.class, a -> a.name("kind").getter(i -> i.kind).setter((i, v) -> i.kind = v))
                .addAttribute(String.class, a -> a.name("body").getter(i -> i.body).setter((i, v) -> i.body = v))
                .addAttribute(String.class, a -> a.name("at").getter(i -> i.at).setter((i, v) -> i.at = v))
                .build();

        public static RecordItem of(String pk, String sk, String kind, String body, String at) {
            RecordItem r = new RecordItem();
            r.pk = pk;
            r.sk = sk;
            r.kind = kind;
            r.body = body;
            r.at = at;
            return r;
        }
    }
}
