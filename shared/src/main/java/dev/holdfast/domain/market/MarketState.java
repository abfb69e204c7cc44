package dev.holdfast.domain.market;

import java.util.EnumSet;
import java.util.Set;

/**
 * A market's life: {@code PENDING → OPEN ⇄ SUSPENDED → CLOSED → SETTLING → SETTLED}, or
 * {@code → VOIDED} when its result is void. An open market may also close directly. A void goes
 * through {@code SETTLING} too, because its orders must be refunded before it is done: a market
 * reaches {@code SETTLED} or {@code VOIDED} only once every accepted order is settled.
 */
public enum MarketState {
    PENDING, OPEN, SUSPENDED, CLOSED, SETTLING, SETTLED, VOIDED;

    /** The states this one may move to. */
    public Set<MarketState> next() {
        return switch (this) {
            case PENDING -> EnumSet.of(OPEN);
            case OPEN -> EnumSet.of(SUSPENDED, CLOSED);
            case SUSPENDED -> EnumSet.of(OPEN, CLOSED);
            case CLOSED -> EnumSet.of(SETTLING);
            case SETTLING -> EnumSet.of(SETTLED, VOIDED);
            case SETTLED, VOIDED -> EnumSet.noneOf(MarketState.class);
        };
    }

    public boolean canMoveTo(MarketState to) {
        return next().contains(to);
    }

    /** The states an admin may ask for through {@code POST /admin/markets/{id}/state}. */
    public static final Set<MarketState> ADMIN_TARGETS = EnumSet.of(OPEN, SUSPENDED, CLOSED);
}
