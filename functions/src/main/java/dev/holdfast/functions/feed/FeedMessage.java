package dev.holdfast.functions.feed;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.market.FeedUpdate;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses one odds-feed message. Anything that is not the contract's shape is a
 * {@link Poison} message: it fails alone and, after the queue's receive count, rests in the DLQ.
 */
final class FeedMessage {
    private FeedMessage() {}

    /** A message that can never be applied. */
    static final class Poison extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Poison(String why) {
            super(why, null, false, false);
        }
    }

    static FeedUpdate parse(String body) {
        JsonNode n;
        try {
            n = Json.parse(body);
        } catch (Exception e) {
            throw new Poison("not JSON");
        }
        if (n == null || !n.isObject()) {
            throw new Poison("not a JSON object");
        }
        String provider = text(n, "provider");
        String providerMarketId = text(n, "providerMarketId");
        JsonNode seq = n.get("sequence");
        if (seq == null || !seq.isIntegralNumber() || !seq.canConvertToLong() || seq.longValue() < 1) {
            throw new Poison("'sequence' must be a positive whole number");
        }
        Instant sourceTimestamp;
        try {
            sourceTimestamp = Rfc3339.parse(text(n, "sourceTimestamp"));
        } catch (RuntimeException e) {
            throw new Poison("'sourceTimestamp' must be an RFC 3339 time with a four-digit year");
        }
        if (sourceTimestamp.isBefore(Rfc3339.EARLIEST)) {
            throw new Poison("'sourceTimestamp' is before " + Rfc3339.format(Rfc3339.EARLIEST));
        }
        JsonNode selections = n.get("selections");
        if (selections == null || !selections.isArray() || selections.isEmpty() || selections.size() > 100) {
            throw new Poison("'selections' must be a non-empty array");
        }
        List<FeedUpdate.Quote> quotes = new ArrayList<>();
        for (JsonNode s : selections) {
            String id = text(s, "providerSelectionId");
            String p = text(s, "probability");
            if (!p.matches("\\d{1,3}(\\.\\d{1,12})?")) {
                throw new Poison("'probability' must be a decimal string");
            }
            quotes.add(new FeedUpdate.Quote(id, new BigDecimal(p)));
        }
        return new FeedUpdate(provider, providerMarketId, seq.longValue(), sourceTimestamp, quotes);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank() || v.asText().length() > 200) {
            throw new Poison("'" + field + "' must be a non-blank string");
        }
        return v.asText();
    }
}
