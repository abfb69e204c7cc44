package dev.holdfast.domain.settlement;

import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.order.ExposureClaim;
import dev.holdfast.domain.order.Order;
import dev.holdfast.domain.risk.LimitScope;
import dev.holdfast.domain.wallet.Account;
import dev.holdfast.domain.wallet.Posting;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * The settlement of one accepted order: an append-only record written exactly once, in the same
 * transaction as its money (the {@link Posting} of {@link #posting}) and the release of the
 * order's exposure claims. Its existence is what makes settlement exactly-once: a second attempt's
 * put of the record fails its {@code attribute_not_exists} condition, and nothing else commits.
 *
 * @param liability the order's exposure, {@code stake × (odds − 1)} (its EVENT claims' sum), released now
 * @param paid      what the account received: {@code potentialPayout} (WON), 0 (LOST), the stake (VOID)
 */
public record Settlement(String orderId, String ownerSub, String marketId, String eventId, String selectionId,
                         SettlementOutcome outcome, Amount stake, BigDecimal liability, Amount paid, Instant settledAt) {

    public Settlement {
        Objects.requireNonNull(orderId);
        Objects.requireNonNull(ownerSub);
        Objects.requireNonNull(outcome);
        Objects.requireNonNull(stake);
        Objects.requireNonNull(liability);
        Objects.requireNonNull(paid);
        Objects.requireNonNull(settledAt);
    }

    /** The settlement of {@code order} under {@code result} (only accepted orders are settled). */
    public static Settlement of(Order.Accepted order, MarketResult result, Instant at) {
        SettlementOutcome outcome = result.outcomeFor(order.selectionId());
        Amount paid = switch (outcome) {
            case WON -> order.potentialPayout();
            case LOST -> Amount.ZERO;
            case VOID -> order.stake();
        };
        BigDecimal liability = order.claims().stream().filter(c -> c.scope() == LimitScope.EVENT)
                .map(ExposureClaim::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        return new Settlement(order.orderId(), order.ownerSub(), order.marketId(), order.eventId(), order.selectionId(),
                outcome, order.stake(), liability, paid, at.truncatedTo(ChronoUnit.MILLIS));
    }

    /** The account change: payout, nothing, or refund — and the stake leaves the account's open exposure. */
    public Posting posting(Account account, Order.Accepted order) {
        return switch (outcome) {
            case WON -> account.settleWon(orderId, order.funds(), stake, paid, settledAt);
            case LOST -> account.settleLost(orderId, stake);
            case VOID -> account.settleVoid(orderId, order.funds(), stake, settledAt);
        };
    }
}
