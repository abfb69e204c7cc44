package dev.holdfast.domain.order;

import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.pricing.Odds;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * An order's money, exactly: {@code potentialPayout = stake × odds} rounded down to the currency's
 * unit, and the liability it adds to exposure, {@code stake × (odds − 1)}, kept exact (odds have at
 * most 4 decimals, so a liability has at most 4).
 */
public final class OrderMath {
    private OrderMath() {}

    public static Amount potentialPayout(Amount stake, Odds odds) {
        return new Amount(stake.value().multiply(odds.value()).setScale(0, RoundingMode.DOWN));
    }

    public static BigDecimal liability(Amount stake, Odds odds) {
        return stake.value().multiply(odds.value().subtract(BigDecimal.ONE)).stripTrailingZeros();
    }
}
