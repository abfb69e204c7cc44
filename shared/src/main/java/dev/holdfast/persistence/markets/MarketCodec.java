package dev.holdfast.persistence.markets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.market.CurrentPrice;
import dev.holdfast.domain.market.FeedMapping;
import dev.holdfast.domain.market.Market;
import dev.holdfast.domain.market.MarketState;
import dev.holdfast.domain.market.PriceSnapshot;
import dev.holdfast.domain.market.Selection;
import dev.holdfast.domain.pricing.ExposureSignal;
import dev.holdfast.domain.pricing.MarginPolicy;
import dev.holdfast.domain.pricing.Odds;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Markets and snapshots to and from their stored items. */
public final class MarketCodec {
    private MarketCodec() {}

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

    public static MarketItems.MarketItem toItem(Market m) {
        MarketItems.MarketItem i = new MarketItems.MarketItem();
        i.pk = marketPk(m.marketId());
        i.sk = "MARKET";
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

    static Market fromItem(MarketItems.MarketItem i) {
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

    public static MarketItems.SnapshotItem toItem(PriceSnapshot s) {
        MarketItems.SnapshotItem i = new MarketItems.SnapshotItem();
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

    static PriceSnapshot fromItem(MarketItems.SnapshotItem i) {
        return new PriceSnapshot(i.marketId, i.priceVersion, parseOdds(i.odds), parseDecimals(i.probabilities),
                i.feedSequence, Rfc3339.parse(i.publishedAt), Rfc3339.parse(i.sourceTimestamp), Rfc3339.parse(i.receivedAt));
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
