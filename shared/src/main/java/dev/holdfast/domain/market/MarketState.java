package dev.holdfast.domain.market;

import java.util.EnumSet;
import java.util.Set;

/**
 * A market's life: {@code PENDING → OPEN ⇄ SUSPENDED → CLOSED → SETTLING → SETTLED}, and
 * {@code VOIDED} from {@code CLOSED}. An open market may also close directly.
 */
public enum MarketState {
    PENDING, OPEN, SUSPENDED, CLOSED, SETTLING, SETTLED, VOIDED;

    /** The states this one may move to. */
    public Set<MarketState> next() {
        return switch (this) {
            case PENDING -> EnumSet.of(OPEN);
            case OPEN -> EnumSet.of(SUSPENDED, CLOSED);
            case SUSPENDED -> EnumSet.of(OPEN, CLOSED);
            case CLOSED -> EnumSet.of(SETTLING, VOIDED);
            case SETTLING -> EnumSet.of(SETTLED);
            case SETTLED, VOIDED -> EnumSet.noneOf(MarketState.class);
        };
    }

    public boolean canMoveTo(MarketState to) {
        return next().contains(to);
    }

    /** The states an admin may ask for through {@code POST /admin/markets/{id}/state}. */
    public static final Set<MarketState> ADMIN_TARGETS = EnumSet.of(OPEN, SUSPENDED, CLOSED);
}
