package dev.holdfast.domain.order;

import dev.holdfast.domain.market.CurrentPrice;
import dev.holdfast.domain.market.Market;
import dev.holdfast.domain.market.MarketState;
import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.money.Fund;
import dev.holdfast.domain.pricing.Odds;
import dev.holdfast.domain.risk.LimitScope;
import dev.holdfast.domain.risk.RiskConfig;
import dev.holdfast.domain.wallet.Account;
import dev.holdfast.domain.wallet.EntryType;
import dev.holdfast.domain.wallet.LedgerEntry;
import dev.holdfast.domain.wallet.Posting;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The order path's decision, with no I/O of its own: given what was read (the market, the account,
 * the risk config) and a view of the limit buckets, an order is either {@link Accepted} — with the
 * order, its wallet posting and one exposure claim per limit bucket it uses — or {@link Rejected}
 * with the contract's code and details. The handler parses and maps; persistence reads and commits
 * ({@code OrderCommit}); this class decides, and is what priming runs too.
 *
 * <p>The checks, in the order a client would want to hear about them: market exists, selection
 * exists, market {@code OPEN} with a price, {@code priceVersion} current, price fresh
 * ({@code keepSeconds}), stake within the risk config's range, balance covers the stake (BONUS
 * first, then CASH), and every limit scope has room ({@link ExposureBuckets}).
 */
public final class OrderDecision {
    private OrderDecision() {}

    /** A business rejection's code: the contract's error code of the same name. */
    public enum Code {
        MARKET_NOT_FOUND, SELECTION_NOT_FOUND, MARKET_NOT_OPEN, PRICE_CHANGED, PRICE_STALE, STAKE_OUT_OF_RANGE,
        INSUFFICIENT_FUNDS, LIMIT_EXCEEDED
    }

    public sealed interface Outcome permits Accepted, Rejected {}

    /**
     * Accepted: commit all of it in one transaction.
     *
     * @param claims each exposure claim with the most its bucket may hold after it (the claim's condition)
     */
    public record Accepted(Order.Accepted order, Posting posting, Map<ExposureClaim, BigDecimal> claims) implements Outcome {
        public Accepted {
            claims = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(claims));
        }
    }

    /**
     * Rejected: recorded as the key's outcome and answered with {@code code}.
     *
     * @param details the error's details, in order (values are strings, numbers or string maps)
     */
    public record Rejected(Code code, String message, Map<String, Object> details) implements Outcome {
        public Rejected {
            details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
        }
    }

    /**
     * What the decision may ask about limit buckets: a port that persistence implements by reading
     * them (strongly consistent), and a memory of scopes seen within their shares.
     */
    public interface Buckets {
        /** Each bucket's use for one scope, as stored now. */
        Map<Integer, BigDecimal> read(LimitScope scope, String scopeKey);

        /** Whether {@code key} (scope, scope key, config version) was seen with no bucket over its share. */
        boolean verified(String key);

        void rememberVerified(String key);
    }

    /**
     * One attempt's request.
     *
     * @param attempt which commit attempt this is (0 first): it salts the bucket an order tries, so a
     *                retry after a conflict tries another bucket
     * @param split   scopes whose picked bucket turned out full: spread over the scope's buckets
     */
    public record Request(String sub, String idempotencyKey, String orderId, OrderRequest order, Instant now,
                          int attempt, Set<LimitScope> split) {
        public Request {
            Objects.requireNonNull(orderId);
            split = Set.copyOf(split);
        }
    }

    /**
     * Decides one attempt.
     *
     * @param segment the market's event's segment ({@code "none"} when it has none)
     */
    public static Outcome decide(Request r, Optional<Market> found, Account account, RiskConfig cfg, String segment,
                                 Buckets buckets) {
        OrderRequest req = r.order();
        if (found.isEmpty()) {
            return new Rejected(Code.MARKET_NOT_FOUND, "no market " + req.marketId(), Map.of());
        }
        Market market = found.get();
        if (market.selections().stream().noneMatch(s -> s.selectionId().equals(req.selectionId()))) {
            return new Rejected(Code.SELECTION_NOT_FOUND, "no selection " + req.selectionId() + " in this market", Map.of());
        }
        if (market.state() != MarketState.OPEN || market.price().isEmpty()) {
            return new Rejected(Code.MARKET_NOT_OPEN, "the market is " + market.state(), Map.of("state", market.state().name()));
        }
        CurrentPrice price = market.price().get();
        if (price.priceVersion() != req.priceVersion()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("currentPriceVersion", price.priceVersion());
            Map<String, String> odds = new LinkedHashMap<>();
            price.odds().forEach((s, o) -> odds.put(s, o.text()));
            d.put("currentOdds", odds);
            return new Rejected(Code.PRICE_CHANGED, "the price moved; confirm the new one", d);
        }
        if (!cfg.feed().fresh(price.receivedAt(), r.now())) {
            return new Rejected(Code.PRICE_STALE, "the price is older than " + cfg.feed().keepSeconds() + " s", Map.of());
        }
        if (req.stake().compareTo(cfg.stake().min()) < 0 || req.stake().compareTo(cfg.stake().max()) > 0) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("min", cfg.stake().min().text());
            d.put("max", cfg.stake().max().text());
            return new Rejected(Code.STAKE_OUT_OF_RANGE, "the stake must be between the minimum and maximum", d);
        }
        Odds odds = price.odds().get(req.selectionId());
        Amount payout = OrderMath.potentialPayout(req.stake(), odds);
        BigDecimal liability = OrderMath.liability(req.stake(), odds);

        Posting posting;
        try {
            posting = account.stake(r.orderId(), req.stake(), r.now());
        } catch (Account.InsufficientFunds e) {
            return new Rejected(Code.INSUFFICIENT_FUNDS, "the balance does not cover the stake", Map.of());
        }
        Map<Fund, Amount> funds = new EnumMap<>(Fund.class);
        for (LedgerEntry entry : posting.entries()) {
            if (entry.type() == EntryType.STAKE) {
                funds.merge(entry.fund(), entry.amount().negate(), Amount::plus);
            }
        }

        Map<ExposureClaim, BigDecimal> claims = new LinkedHashMap<>();
        for (LimitScope scope : EnumSet.allOf(LimitScope.class)) {
            String scopeKey = scopeKey(scope, market.eventId(), req.selectionId(), r.sub(), segment);
            BigDecimal limit = cfg.limit(scope, limitId(scope, market.eventId(), r.sub(), segment)).value();
            Optional<Map<ExposureClaim, BigDecimal>> scoped = claim(scope, scopeKey, limit, liability, r, cfg.version(), buckets);
            if (scoped.isEmpty()) {
                return new Rejected(Code.LIMIT_EXCEEDED, "the order would pass the " + scope + " limit",
                        Map.of("scope", scope.name()));
            }
            claims.putAll(scoped.get());
        }

        Order.Accepted order = new Order.Accepted(r.orderId(), r.sub(), r.idempotencyKey(), req.fingerprint(),
                req.marketId(), req.selectionId(), market.eventId(), req.stake(), odds, req.priceVersion(), payout,
                r.now(), new ArrayList<>(claims.keySet()), funds);
        return new Accepted(order, posting, claims);
    }

    /** The limited thing of each scope: the per-selection event limit is keyed by event and selection. */
    public static String scopeKey(LimitScope scope, String eventId, String selectionId, String sub, String segment) {
        return switch (scope) {
            case EVENT -> eventId + "/" + selectionId;
            case USER -> sub;
            case SEGMENT -> segment;
            case GLOBAL -> "GLOBAL";
        };
    }

    private static String limitId(LimitScope scope, String eventId, String sub, String segment) {
        return switch (scope) {
            case EVENT -> eventId;
            case USER -> sub;
            case SEGMENT -> segment;
            case GLOBAL -> "GLOBAL";
        };
    }

    /**
     * The claims of one scope: the whole liability in the attempt's picked bucket when the scope is
     * known to be within its shares (no read), else from the buckets as stored — in the picked one
     * if it has room, or split over those with room; empty when the scope as a whole has none.
     */
    private static Optional<Map<ExposureClaim, BigDecimal>> claim(LimitScope scope, String scopeKey, BigDecimal limit,
                                                                  BigDecimal liability, Request r, long configVersion,
                                                                  Buckets buckets) {
        int n = ExposureBuckets.bucketsInUse(limit, ExposureClaim.bucketsFor(scope));
        int pick = ExposureBuckets.pick(r.orderId() + "#" + r.attempt(), n);
        BigDecimal share = ExposureBuckets.share(limit, n, pick);
        String verifiedKey = scope + "|" + scopeKey + "|" + configVersion;
        boolean split = r.split().contains(scope);
        if (!split && liability.compareTo(share) <= 0
                && (ExposureClaim.bucketsFor(scope) == 1 || buckets.verified(verifiedKey))) {
            // one bucket in all (USER): its own condition, used + liability <= limit, is the whole check
            // (a lowered limit below what is open fails it too), so there is nothing to read first
            return Optional.of(Map.of(new ExposureClaim(scope, scopeKey, pick, liability), share));
        }
        Map<Integer, BigDecimal> used = buckets.read(scope, scopeKey);
        if (ExposureBuckets.withinShares(limit, n, used)) {
            buckets.rememberVerified(verifiedKey);
        }
        Map<Integer, BigDecimal> caps = ExposureBuckets.caps(limit, n, used);
        BigDecimal pickCap = caps.get(pick);
        if (!split && pickCap != null
                && pickCap.subtract(used.getOrDefault(pick, BigDecimal.ZERO)).compareTo(liability) >= 0) {
            return Optional.of(Map.of(new ExposureClaim(scope, scopeKey, pick, liability), pickCap));
        }
        return ExposureBuckets.split(liability, caps, used).map(parts -> {
            Map<ExposureClaim, BigDecimal> out = new LinkedHashMap<>();
            parts.forEach((bucket, part) -> out.put(new ExposureClaim(scope, scopeKey, bucket, part), caps.get(bucket)));
            return out;
        });
    }
}
