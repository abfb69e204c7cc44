package dev.holdfast.domain.market;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps a feed update onto its market's selections. An update that does not fit the mapping exactly
 * (unknown, missing or repeated selection, probability outside (0, 1]) is never attached to
 * anything: it is quarantined with its reason.
 */
public final class FeedNormalization {
    private FeedNormalization() {}

    /** Why an update was quarantined. */
    public enum QuarantineReason {
        UNKNOWN_PROVIDER_MARKET, UNKNOWN_SELECTION, MISSING_SELECTION, DUPLICATE_SELECTION, INVALID_PROBABILITY,
        /** Not the contract's message shape at all (not JSON, a field missing or ill-typed): never applicable. */
        MALFORMED_MESSAGE,
        /** The sequence jumps further past the market's last one than the risk config's {@code feed.maxSequenceJump}. */
        SEQUENCE_JUMP,
        /** The source time is further ahead of our clock than the risk config's {@code feed.maxFutureSkewSeconds}. */
        SOURCE_TIME_IN_FUTURE
    }

    /** Either probabilities per selection id (in the market's order) or a quarantine reason. */
    public record Result(Map<String, BigDecimal> probabilities, QuarantineReason quarantine, String detail) {
        public boolean quarantined() {
            return quarantine != null;
        }

        static Result quarantine(QuarantineReason r, String detail) {
            return new Result(null, r, detail);
        }
    }

    public static Result normalize(FeedUpdate update, FeedMapping mapping, List<Selection> selections) {
        Map<String, BigDecimal> bySelection = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (FeedUpdate.Quote q : update.quotes()) {
            String selectionId = mapping.selections().get(q.providerSelectionId());
            if (selectionId == null) {
                return Result.quarantine(QuarantineReason.UNKNOWN_SELECTION, q.providerSelectionId());
            }
            if (!seen.add(q.providerSelectionId())) {
                return Result.quarantine(QuarantineReason.DUPLICATE_SELECTION, q.providerSelectionId());
            }
            if (q.probability().signum() <= 0 || q.probability().compareTo(BigDecimal.ONE) > 0) {
                return Result.quarantine(QuarantineReason.INVALID_PROBABILITY, q.providerSelectionId());
            }
            bySelection.put(selectionId, q.probability());
        }
        Map<String, BigDecimal> ordered = new LinkedHashMap<>();
        for (Selection s : selections) {
            BigDecimal p = bySelection.get(s.selectionId());
            if (p == null) {
                return Result.quarantine(QuarantineReason.MISSING_SELECTION, s.selectionId());
            }
            ordered.put(s.selectionId(), p);
        }
        return new Result(ordered, null, null);
    }
}
