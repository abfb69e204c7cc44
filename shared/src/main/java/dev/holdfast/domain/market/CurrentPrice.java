package dev.holdfast.domain.market;

import dev.holdfast.domain.pricing.Odds;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The market's current price pointer: the newest published snapshot's version and odds, and the
 * price's age. {@code receivedAt} and {@code sourceTimestamp} move forward when the feed confirms
 * the same odds again; the version does not.
 */
public record CurrentPrice(long priceVersion, Map<String, Odds> odds, Instant publishedAt,
                           Instant sourceTimestamp, Instant receivedAt) {
    public CurrentPrice {
        odds = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(odds));
    }
}
