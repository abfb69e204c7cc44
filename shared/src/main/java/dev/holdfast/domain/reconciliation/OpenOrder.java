package dev.holdfast.domain.reconciliation;

import dev.holdfast.domain.order.ExposureClaim;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/** An accepted order without a settlement: its stake is in its owner's open exposure, its claims in their buckets. */
public record OpenOrder(String orderId, String ownerSub, BigDecimal stake, List<ExposureClaim> claims) {
    public OpenOrder {
        Objects.requireNonNull(orderId);
        Objects.requireNonNull(ownerSub);
        Objects.requireNonNull(stake);
        claims = List.copyOf(claims);
    }
}
