package dev.holdfast.domain.order;

import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.money.Fund;
import dev.holdfast.domain.pricing.Odds;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A recorded order: {@link Accepted} (money moved, exposure claimed) or {@link Rejected} (a business
 * outcome recorded for its key, nothing moved). What its key replays is kept by persistence with
 * the order, not here.
 */
public sealed interface Order permits Order.Accepted, Order.Rejected {

    String orderId();

    String ownerSub();

    String idempotencyKey();

    /** The fingerprint of the request that placed it (a replay must match it). */
    String fingerprint();

    String marketId();

    String selectionId();

    /** The market's event ({@code null} for a rejection, decided before or without it). */
    String eventId();

    Amount stake();

    /** The price version the request named. */
    long priceVersion();

    Instant createdAt();

    OrderStatus status();

    /**
     * An accepted order.
     *
     * @param odds            the odds it was accepted at
     * @param potentialPayout stake × odds rounded down
     * @param claims          exposure it holds, per scope and bucket
     * @param funds           how much of the stake each fund paid
     */
    record Accepted(String orderId, String ownerSub, String idempotencyKey, String fingerprint, String marketId,
                    String selectionId, String eventId, Amount stake, Odds odds, long priceVersion,
                    Amount potentialPayout, Instant createdAt, List<ExposureClaim> claims,
                    Map<Fund, Amount> funds) implements Order {
        public Accepted {
            Objects.requireNonNull(orderId);
            Objects.requireNonNull(odds);
            Objects.requireNonNull(potentialPayout);
            claims = List.copyOf(claims);
            funds = Map.copyOf(funds);
        }

        @Override
        public OrderStatus status() {
            return OrderStatus.ACCEPTED;
        }
    }

    /**
     * A rejected order: no odds, payout, claims or funds.
     *
     * @param rejectionCode the contract's error code the client got
     */
    record Rejected(String orderId, String ownerSub, String idempotencyKey, String fingerprint, String marketId,
                    String selectionId, String eventId, Amount stake, long priceVersion, Instant createdAt,
                    String rejectionCode) implements Order {
        public Rejected {
            Objects.requireNonNull(orderId);
            Objects.requireNonNull(rejectionCode);
        }

        @Override
        public OrderStatus status() {
            return OrderStatus.REJECTED;
        }
    }
}
