package dev.holdfast.domain.market;

import java.util.Map;

/**
 * How a provider's market maps onto a Holdfast market: {@code providerSelectionId → selectionId}.
 */
public record FeedMapping(String provider, String providerMarketId, Map<String, String> selections) {
    public FeedMapping {
        selections = Map.copyOf(selections);
    }
}
