package dev.holdfast.domain.market;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class FeedNormalizationTest {
    static final List<Selection> SELECTIONS = List.of(new Selection("s-a", "A"), new Selection("s-b", "B"));
    static final FeedMapping MAP = new FeedMapping("acme", "9", Map.of("1", "s-a", "2", "s-b"));

    static FeedUpdate update(String... idAndProb) {
        List<FeedUpdate.Quote> q = new java.util.ArrayList<>();
        for (int i = 0; i < idAndProb.length; i += 2) {
            q.add(new FeedUpdate.Quote(idAndProb[i], new BigDecimal(idAndProb[i + 1])));
        }
        return new FeedUpdate("acme", "9", 1, Instant.EPOCH, q);
    }

    @Test
    void mapsInTheMarketsOrder() {
        FeedNormalization.Result r = FeedNormalization.normalize(update("2", "0.4", "1", "0.6"), MAP, SELECTIONS);
        assertFalse(r.quarantined());
        assertEquals(List.of("s-a", "s-b"), List.copyOf(r.probabilities().keySet()));
        assertEquals(new BigDecimal("0.6"), r.probabilities().get("s-a"));
    }

    @Test
    void quarantinesWhatDoesNotFit() {
        assertEquals(FeedNormalization.QuarantineReason.UNKNOWN_SELECTION,
                FeedNormalization.normalize(update("1", "0.5", "3", "0.5"), MAP, SELECTIONS).quarantine());
        assertEquals(FeedNormalization.QuarantineReason.MISSING_SELECTION,
                FeedNormalization.normalize(update("1", "0.5"), MAP, SELECTIONS).quarantine());
        assertEquals(FeedNormalization.QuarantineReason.DUPLICATE_SELECTION,
                FeedNormalization.normalize(update("1", "0.5", "1", "0.5"), MAP, SELECTIONS).quarantine());
        assertEquals(FeedNormalization.QuarantineReason.INVALID_PROBABILITY,
                FeedNormalization.normalize(update("1", "0", "2", "0.5"), MAP, SELECTIONS).quarantine());
        assertEquals(FeedNormalization.QuarantineReason.INVALID_PROBABILITY,
                FeedNormalization.normalize(update("1", "1.5", "2", "0.5"), MAP, SELECTIONS).quarantine());
    }
}
