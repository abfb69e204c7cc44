package dev.holdfast.domain.order;

import dev.holdfast.domain.risk.LimitScope;

import java.math.BigDecimal;

/**
 * The liability an accepted order holds in one bucket of one limit scope; kept on the order so
 * settlement releases exactly what was taken.
 *
 * @param scopeKey the limited thing: {@code GLOBAL}, the user's sub, the segment, or
 *                 {@code eventId/selectionId} for the per-selection event limit
 */
public record ExposureClaim(LimitScope scope, String scopeKey, int bucket, BigDecimal amount) {

    /** How many buckets each scope's headroom is split into (a hot scope gets more). */
    public static int bucketsFor(LimitScope scope) {
        return switch (scope) {
            case GLOBAL -> 16;
            case SEGMENT -> 8;
            case EVENT -> 4;
            case USER -> 1;
        };
    }
}
