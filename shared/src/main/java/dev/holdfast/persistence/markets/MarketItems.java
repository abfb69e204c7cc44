package dev.holdfast.persistence.markets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.market.CurrentPrice;
import dev.holdfast.domain.market.Event;
import dev.holdfast.domain.market.FeedMapping;
import dev.holdfast.domain.market.Market;
import dev.holdfast.domain.market.MarketState;
import dev.holdfast.domain.market.PriceSnapshot;
import dev.holdfast.domain.market.Selection;
import dev.holdfast.domain.market.Transition;
import dev.holdfast.domain.pricing.ExposureSignal;
import dev.holdfast.domain.pricing.MarginPolicy;
import dev.holdfast.domain.pricing.Odds;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primarySortKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.secondaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.secondarySortKey;

/**
 * The item kinds of the markets table, each with a static (non-reflective) schema, their keys, and
 * the mapping of markets, snapshots, events and transitions to and from them ({@code toItem},
 * {@code fromItem}). Structured fields (selections, odds, mappings) are JSON strings: they are
 * always read and written whole.
 */
public final class MarketItems {
    private MarketItems() {}

    static final String BY_STATE = "byState";
    static final String MARKET_SK = "MARKET";
    static final String EVENT_SK = "EVENT";
    static final String FEED_SK = "FEED";
    static final String QUARANTINE_PK = "QUARANTINE";

    // ------------------------------------------------------------------------------ keys

    public static String marketPk(String marketId) {
        return "MARKET#" + marketId;
    }

    static String priceSk(long version) {
        return String.format("PRICE#%012d", version);
    }

    static String transitionSk(long revision) {
        return String.format("TRANSITION#%012d", revision);
    }

    static String stateKey(MarketState s) {
        return "MARKETS#" + s.name();
    }

    static String eventPk(String eventId) {
        return "EVENT#" + eventId;
    }

    static String feedPk(String provider, String providerMarketId) {
        return "FEED#" + provider.length() + ":" + provider + "#" + providerMarketId;
    }

    // ------------------------------------------------------------------------------ item kinds

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

    /**
     * The fields of a small record kept forever (pk, sk, {@code kind}, a JSON or text {@code body},
     * {@code at}); each kind below has its own class so that its mapping is typed.
     */
    public abstract static class RecordFields {
        public String pk;
        public String sk;
        public String kind;
        public String body;
        public String at;
    }

    /** The schema of a {@link RecordFields} kind (also the settlement's result record, kept in this table). */
    public static <T extends RecordFields> TableSchema<T> recordSchema(Class<T> type, Supplier<T> newItem) {
        return StaticTableSchema.builder(type)
                .newItemSupplier(newItem)
                .addAttribute(String.class, a -> a.name("pk").getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
                .addAttribute(String.class, a -> a.name("sk").getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
                .addAttribute(String.class, a -> a.name("kind").getter(i -> i.kind).setter((i, v) -> i.kind = v))
                .addAttribute(String.class, a -> a.name("body").getter(i -> i.body).setter((i, v) -> i.body = v))
                .addAttribute(String.class, a -> a.name("at").getter(i -> i.at).setter((i, v) -> i.at = v))
                .build();
    }

    /** pk {@code EVENT#id}, sk {@code EVENT}, kind {@code EVENT}: an event, its JSON as the body. */
    static final class EventItem extends RecordFields {
        static final TableSchema<EventItem> SCHEMA = recordSchema(EventItem.class, EventItem::new);
    }

    /** pk {@code MARKET#id}, sk {@code TRANSITION#<revision>}, kind {@code TRANSITION}: a market's state change. */
    public static final class TransitionItem extends RecordFields {
        public static final TableSchema<TransitionItem> SCHEMA = recordSchema(TransitionItem.class, TransitionItem::new);
    }

    /** A record of no domain type: a feed link (body: the market id) or a quarantined feed message (body: its JSON). */
    static final class RecordItem extends RecordFields {
        static final TableSchema<RecordItem> SCHEMA = recordSchema(RecordItem.class, RecordItem::new);

        private static RecordItem of(String pk, String sk, String kind, String body, String at) {
            RecordItem r = new RecordItem();
            r.pk = pk;
            r.sk = sk;
            r.kind = kind;
            r.body = body;
            r.at = at;
            return r;
        }
    }

    // ------------------------------------------------------------------------------ mapping

    public static MarketItem toItem(Market m) {
        MarketItem i = new MarketItem();
        i.pk = marketPk(m.marketId());
        i.sk = MARKET_SK;
        i.gsi1pk = stateKey(m.state());
        i.gsi1sk = Rfc3339.format(m.createdAt()) + "#" + m.marketId();
        i.marketId = m.marketId();
        i.eventId = m.eventId();
        i.name = m.name();
        i.state = m.state().name();
        i.stateReason = m.stateReason();
        var sel = Json.array();
        m.selections().forEach(s -> sel.addObject().put("selectionId", s.selectionId()).put("name", s.name()));
        i.selections = Json.write(sel);
        ObjectNode feed = Json.object();
        feed.put("provider", m.feed().provider());
        feed.put("providerMarketId", m.feed().providerMarketId());
        ObjectNode map = feed.putObject("selections");
        m.feed().selections().forEach(map::put);
        i.feed = Json.write(feed);
        ObjectNode margin = Json.object();
        margin.put("overround", m.margin().overround().toPlainString());
        margin.put("maxExposureShortening", m.margin().maxExposureShortening().toPlainString());
        i.margin = Json.write(margin);
        i.exposure = Json.write(decimals(m.exposure().values()));
        m.price().ifPresent(p -> {
            i.priceVersion = p.priceVersion();
            i.odds = Json.write(odds(p.odds()));
            i.publishedAt = Rfc3339.format(p.publishedAt());
            i.sourceTimestamp = Rfc3339.format(p.sourceTimestamp());
            i.receivedAt = Rfc3339.format(p.receivedAt());
        });
        i.lastSequence = m.lastSequence();
        i.revision = m.revision();
        i.createdAt = Rfc3339.format(m.createdAt());
        return i;
    }

    public static Market fromItem(MarketItem i) {
        List<Selection> selections = new ArrayList<>();
        for (JsonNode s : Json.parseTrusted(i.selections)) {
            selections.add(new Selection(s.path("selectionId").asText(), s.path("name").asText()));
        }
        JsonNode feed = Json.parseTrusted(i.feed);
        Map<String, String> mapping = new LinkedHashMap<>();
        feed.path("selections").fields().forEachRemaining(e -> mapping.put(e.getKey(), e.getValue().asText()));
        JsonNode margin = Json.parseTrusted(i.margin);
        Optional<CurrentPrice> price = i.priceVersion == null ? Optional.empty()
                : Optional.of(new CurrentPrice(i.priceVersion, parseOdds(i.odds), Rfc3339.parse(i.publishedAt),
                Rfc3339.parse(i.sourceTimestamp), Rfc3339.parse(i.receivedAt)));
        return new Market(i.marketId, i.eventId, i.name, MarketState.valueOf(i.state), i.stateReason, selections,
                new FeedMapping(feed.path("provider").asText(), feed.path("providerMarketId").asText(), mapping),
                new MarginPolicy(new BigDecimal(margin.path("overround").asText()),
                        new BigDecimal(margin.path("maxExposureShortening").asText())),
                new ExposureSignal(parseDecimals(i.exposure)), price, i.lastSequence, i.revision,
                Rfc3339.parse(i.createdAt));
    }

    static SnapshotItem toItem(PriceSnapshot s) {
        SnapshotItem i = new SnapshotItem();
        i.pk = marketPk(s.marketId());
        i.sk = priceSk(s.priceVersion());
        i.marketId = s.marketId();
        i.priceVersion = s.priceVersion();
        i.odds = Json.write(odds(s.odds()));
        i.probabilities = Json.write(decimals(s.probabilities()));
        i.feedSequence = s.feedSequence();
        i.publishedAt = Rfc3339.format(s.publishedAt());
        i.sourceTimestamp = Rfc3339.format(s.sourceTimestamp());
        i.receivedAt = Rfc3339.format(s.receivedAt());
        return i;
    }

    static PriceSnapshot fromItem(SnapshotItem i) {
        return new PriceSnapshot(i.marketId, i.priceVersion, parseOdds(i.odds), parseDecimals(i.probabilities),
                i.feedSequence, Rfc3339.parse(i.publishedAt), Rfc3339.parse(i.sourceTimestamp), Rfc3339.parse(i.receivedAt));
    }

    static EventItem toItem(Event e) {
        EventItem i = new EventItem();
        i.pk = eventPk(e.eventId());
        i.sk = EVENT_SK;
        i.kind = "EVENT";
        i.body = Json.write(eventJson(e));
        i.at = Rfc3339.format(e.createdAt());
        return i;
    }

    static Event fromItem(EventItem i) {
        JsonNode b = Json.parseTrusted(i.body);
        return new Event(b.path("eventId").asText(), b.path("name").asText(),
                Rfc3339.parse(b.path("startsAt").asText()), b.path("segment").asText(), Rfc3339.parse(b.path("createdAt").asText()));
    }

    /** The link of {@code m}'s provider market to it: one market per provider market. */
    static RecordItem feedLinkItem(Market m) {
        return RecordItem.of(feedPk(m.feed().provider(), m.feed().providerMarketId()), FEED_SK, "FEED_LINK", m.marketId(),
                Rfc3339.format(m.createdAt()));
    }

    /** A feed message that attached to nothing, kept with why (sorted by when it was sent). */
    static RecordItem quarantineItem(String messageId, Instant sentAt, String reason, String detail, String message, Instant at) {
        ObjectNode b = Json.object();
        b.put("messageId", messageId);
        b.put("reason", reason);
        b.put("detail", detail);
        b.put("message", message);
        b.put("quarantinedAt", Rfc3339.format(at));
        return RecordItem.of(QUARANTINE_PK, Rfc3339.format(sentAt) + "#" + messageId, "QUARANTINE", Json.write(b),
                Rfc3339.format(at));
    }

    /** An event's JSON: its stored body, and its representation in the contract. */
    public static ObjectNode eventJson(Event e) {
        ObjectNode n = Json.object();
        n.put("eventId", e.eventId());
        n.put("name", e.name());
        n.put("startsAt", Rfc3339.format(e.startsAt()));
        n.put("segment", e.segment());
        n.put("createdAt", Rfc3339.format(e.createdAt()));
        return n;
    }

    /** The record of transition {@code t}, which brought {@code after} to its revision. */
    public static TransitionItem toItem(Market after, Transition t) {
        ObjectNode b = Json.object();
        b.put("from", t.from() == null ? null : t.from().name());
        b.put("to", t.to().name());
        b.put("cause", t.cause());
        b.put("reason", t.reason());
        TransitionItem i = new TransitionItem();
        i.pk = marketPk(after.marketId());
        i.sk = transitionSk(after.revision());
        i.kind = "TRANSITION";
        i.body = Json.write(b);
        i.at = Rfc3339.format(t.at());
        return i;
    }

    static Transition fromItem(TransitionItem i) {
        JsonNode b = Json.parseTrusted(i.body);
        return new Transition(b.path("from").isNull() ? null : MarketState.valueOf(b.path("from").asText()),
                MarketState.valueOf(b.path("to").asText()), b.path("cause").asText(),
                b.path("reason").isNull() ? null : b.path("reason").asText(), Rfc3339.parse(i.at));
    }

    private static ObjectNode odds(Map<String, Odds> odds) {
        ObjectNode n = Json.object();
        odds.forEach((k, v) -> n.put(k, v.text()));
        return n;
    }

    private static ObjectNode decimals(Map<String, BigDecimal> values) {
        ObjectNode n = Json.object();
        values.forEach((k, v) -> n.put(k, v.toPlainString()));
        return n;
    }

    private static Map<String, Odds> parseOdds(String json) {
        Map<String, Odds> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = Json.parseTrusted(json).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), Odds.parse(e.getValue().asText()));
        }
        return out;
    }

    private static Map<String, BigDecimal> parseDecimals(String json) {
        Map<String, BigDecimal> out = new LinkedHashMap<>();
        if (json == null) {
            return out;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = Json.parseTrusted(json).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), new BigDecimal(e.getValue().asText()));
        }
        return out;
    }
}
