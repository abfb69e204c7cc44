package dev.holdfast.functions.markets;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.market.Market;
import dev.holdfast.domain.market.PriceSnapshot;
import dev.holdfast.domain.market.Transition;

/** The contract's JSON for markets, prices and transitions. */
public final class MarketJson {
    private MarketJson() {}

    public static ObjectNode market(Market m) {
        ObjectNode n = Json.object();
        n.put("marketId", m.marketId());
        n.put("eventId", m.eventId());
        n.put("name", m.name());
        n.put("state", m.state().name());
        n.put("stateReason", m.stateReason());
        var sel = n.putArray("selections");
        m.selections().forEach(s -> sel.addObject().put("selectionId", s.selectionId()).put("name", s.name()));
        if (m.price().isEmpty()) {
            n.putNull("price");
        } else {
            var p = m.price().get();
            ObjectNode price = n.putObject("price");
            price.put("priceVersion", p.priceVersion());
            ObjectNode odds = price.putObject("odds");
            p.odds().forEach((k, v) -> odds.put(k, v.text()));
            price.put("publishedAt", Rfc3339.format(p.publishedAt()));
            price.put("sourceTimestamp", Rfc3339.format(p.sourceTimestamp()));
            price.put("receivedAt", Rfc3339.format(p.receivedAt()));
        }
        n.put("createdAt", Rfc3339.format(m.createdAt()));
        return n;
    }

    /** The market as admins see it: the contract's fields plus feed mapping and margin policy. */
    public static ObjectNode adminMarket(Market m) {
        ObjectNode n = market(m);
        ObjectNode feed = n.putObject("feed");
        feed.put("provider", m.feed().provider());
        feed.put("providerMarketId", m.feed().providerMarketId());
        ObjectNode map = feed.putObject("selections");
        m.feed().selections().forEach(map::put);
        ObjectNode margin = n.putObject("margin");
        margin.put("overround", m.margin().overround().toPlainString());
        margin.put("maxExposureShortening", m.margin().maxExposureShortening().toPlainString());
        return n;
    }

    public static ObjectNode snapshot(PriceSnapshot s) {
        ObjectNode n = Json.object();
        n.put("marketId", s.marketId());
        n.put("priceVersion", s.priceVersion());
        ObjectNode odds = n.putObject("odds");
        s.odds().forEach((k, v) -> odds.put(k, v.text()));
        ObjectNode probabilities = n.putObject("probabilities");
        s.probabilities().forEach((k, v) -> probabilities.put(k, v.toPlainString()));
        n.put("feedSequence", s.feedSequence());
        n.put("publishedAt", Rfc3339.format(s.publishedAt()));
        n.put("sourceTimestamp", Rfc3339.format(s.sourceTimestamp()));
        n.put("receivedAt", Rfc3339.format(s.receivedAt()));
        return n;
    }

    public static ObjectNode transition(Transition t) {
        ObjectNode n = Json.object();
        n.put("from", t.from() == null ? null : t.from().name());
        n.put("to", t.to().name());
        n.put("cause", t.cause());
        n.put("reason", t.reason());
        n.put("at", Rfc3339.format(t.at()));
        return n;
    }
}
