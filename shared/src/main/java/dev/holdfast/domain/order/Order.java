package dev.holdfast.domain.order;

import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.money.Fund;
import dev.holdfast.domain.pricing.Odds;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A recorded order: accepted, or rejected with the code the client got. It is also the
 * idempotency record of its key: {@code responseStatus} and {@code responseBody} are exactly what
 * the first request was answered, and every replay is answered the same.
 *
 * @param odds            the odds it was accepted at (null when rejected before a price applied)
 * @param potentialPayout stake × odds rounded down (null when rejected)
 * @param claims          exposure it holds, per scope and bucket (empty when rejected)
 * @param funds           how much of the stake each fund paid (empty when rejected)
 */
public record Order(String orderId, String ownerSub, String idempotencyKey, String fingerprint, OrderStatus status,
                    String marketId, String selectionId, String eventId, Amount stake, Odds odds, long priceVersion,
                    Amount potentialPayout, Instant createdAt, String rejectionCode, List<ExposureClaim> claims,
                    Map<Fund, Amount> funds, int responseStatus, String responseBody) {
    public Order {
        Objects.requireNonNull(orderId);
        Objects.requireNonNull(status);
        claims = List.copyOf(claims);
        funds = Map.copyOf(funds);
    }
}
