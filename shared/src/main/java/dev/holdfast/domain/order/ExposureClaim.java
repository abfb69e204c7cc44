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

    /**
     * How many buckets each scope's headroom is split into (a hot scope gets more). Sized for the
     * broadcast goal — 1,000 orders/s on ONE market, every order in the same segment — with a
     * transaction holding its items ~10 ms on AWS: a GLOBAL or SEGMENT bucket is then busy
     * 1,000 × 0.01 / 128 ≈ 8 % of the time and an EVENT bucket (per selection; two selections take
     * half each) 500 × 0.01 / 64 ≈ 8 %, so an attempt meets a conflict about one time in four and a
     * retry picks another bucket. Each bucket's partition then takes 2 × 1,000 / 128 ≈ 16 WCU/s of
     * its 1,000.
     */
    public static int bucketsFor(LimitScope scope) {
        return switch (scope) {
            case GLOBAL -> 128;
            case SEGMENT -> 128;
            case EVENT -> 64;
            case USER -> 1;
        };
    }
}
