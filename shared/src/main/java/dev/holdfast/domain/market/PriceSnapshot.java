package dev.holdfast.domain.market;

import dev.holdfast.domain.pricing.Odds;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An immutable, versioned price: what an order references and what can be proven later. Written
 * once, never changed or deleted. It keeps the normalized probabilities and the feed sequence it
 * was computed from, so the price can be recomputed.
 */
public record PriceSnapshot(String marketId, long priceVersion, Map<String, Odds> odds,
                            Map<String, BigDecimal> probabilities, long feedSequence,
                            Instant publishedAt, Instant sourceTimestamp, Instant receivedAt) {
    public PriceSnapshot {
        odds = Collections.unmodifiableMap(new LinkedHashMap<>(odds));
        probabilities = Collections.unmodifiableMap(new LinkedHashMap<>(probabilities));
    }
}
