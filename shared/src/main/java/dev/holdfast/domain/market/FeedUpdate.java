package dev.holdfast.domain.market;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** One odds-feed message, parsed but not yet mapped onto a market. */
public record FeedUpdate(String provider, String providerMarketId, long sequence, Instant sourceTimestamp,
                         List<Quote> quotes) {

    public FeedUpdate {
        quotes = List.copyOf(quotes);
    }

    /** A provider's probability for one of its selections. */
    public record Quote(String providerSelectionId, BigDecimal probability) {}

    /** The dedup id the feed adapter sends: {@code provider:marketId:sequence}. */
    public String deduplicationId() {
        return provider + ":" + providerMarketId + ":" + sequence;
    }
}
