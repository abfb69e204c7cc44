package dev.holdfast.local.bench;

import dev.holdfast.persistence.Contention;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.persistence.exposure.ExposureStore;
import dev.holdfast.persistence.exposure.RiskConfigCache;
import dev.holdfast.persistence.exposure.RiskConfigStore;
import dev.holdfast.persistence.exposure.RiskLagStore;
import dev.holdfast.persistence.markets.MarketStore;
import dev.holdfast.persistence.orders.OrderStore;
import dev.holdfast.persistence.orders.RateLimiter;
import dev.holdfast.persistence.orders.StoredOrder;
import dev.holdfast.persistence.platform.StatusStore;
import dev.holdfast.persistence.wallet.WalletStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.ApiError;
import dev.holdfast.api.ErrorCode;
import dev.holdfast.api.Json;
import dev.holdfast.api.RequestBody;
import dev.holdfast.domain.market.CurrentPrice;
import dev.holdfast.domain.market.Market;
import dev.holdfast.domain.market.MarketState;
import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.money.Fund;
import dev.holdfast.domain.order.ExposureBuckets;
import dev.holdfast.domain.order.ExposureClaim;
import dev.holdfast.domain.order.Order;
import dev.holdfast.domain.settlement.Settlement;
import dev.holdfast.domain.order.OrderIds;
import dev.holdfast.domain.order.OrderOrigin;
import dev.holdfast.domain.order.OrderMath;
import dev.holdfast.domain.order.OrderRequest;
import dev.holdfast.domain.pricing.Odds;
import dev.holdfast.domain.risk.LimitScope;
import dev.holdfast.domain.risk.RiskConfig;
import dev.holdfast.domain.wallet.Account;
import dev.holdfast.domain.wallet.EntryType;
import dev.holdfast.domain.wallet.LedgerEntry;
import dev.holdfast.domain.wallet.Posting;
import dev.holdfast.functions.http.Caller;
import dev.holdfast.functions.platform.MoneyMovement;
import dev.holdfast.functions.http.HttpFunction;
import dev.holdfast.functions.http.HttpRequest;
import dev.holdfast.functions.http.HttpResponse;
import dev.holdfast.functions.runtime.Metrics;
import dev.holdfast.functions.orders.OrderJson;
import dev.holdfast.functions.orders.OrdersApi;
import dev.holdfast.resources.Functions;
import dev.holdfast.retry.Retry;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hot-market bench's baseline: the order path as it was before the hot-item work (kept in bench
 * code, never deployed), verbatim but for its name, its priming and the two things that would make it
 * share state with today's path in one environment: its limit buckets keep their old counts
 * (GLOBAL 16, SEGMENT 8, EVENT 4, USER 1) and its GLOBAL scope key is {@code GLOBAL-baseline}.
 * Its transaction condition-checks the market item and the platform-status item, and every order
 * reads the order, the status, the risk lag, the market and the account and writes two rate
 * counters before it: 8 round trips.
 */
public final class BaselineOrdersApi extends HttpFunction {
    private static final Retry RETRY = Retry.attempts(12);
    private static final java.util.regex.Pattern DEVICE_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._:+/=-]{1,128}");
    private static final Set<LimitScope> SCOPES = EnumSet.allOf(LimitScope.class);

    private final OrderStore orders;
    private final MarketStore markets;
    private final StatusStore status;
    private final WalletStore wallet;
    private final ExposureStore exposure;
    private final RiskConfigCache config;
    private final RateLimiter rates;
    private final RiskLagStore lag;
    private final DynamoDbClient dynamo;
    private final Clock clock;
    private final Metrics metrics = new Metrics("orders-baseline");
    private final Map<String, String> segments = new ConcurrentHashMap<>();
    /** Scopes seen with no bucket over its share, per config version: they may take the fast path. */
    private final Set<String> verified = ConcurrentHashMap.newKeySet();

    public BaselineOrdersApi(Deployment deployment) {
        super(Functions.ORDERS);
        AuditLog audit = new AuditLog(deployment);
        this.orders = new OrderStore(deployment);
        this.markets = new MarketStore(deployment, audit);
        this.status = new StatusStore(deployment, audit);
        this.wallet = new WalletStore(deployment, audit);
        this.exposure = new ExposureStore(deployment);
        this.config = new RiskConfigCache(new RiskConfigStore(deployment, audit), deployment.clock(), Duration.ofSeconds(2));
        this.rates = new RateLimiter(deployment);
        this.lag = new RiskLagStore(deployment);
        this.dynamo = deployment.clients().dynamo();
        this.clock = deployment.clock();
        serve("POST /orders", this::placeCounted);
    }

    // ---- placing ----

    /** {@link #place} with its outcome counted: accepted, or rejected by code (replays count nothing). */
    private HttpResponse placeCounted(HttpRequest request) {
        HttpResponse response;
        try {
            response = place(request);
        } catch (ApiError e) {
            metrics.ordersRejected(e.code().name());
            throw e;
        }
        if (response.headers().containsKey("Idempotent-Replayed")) {
            return response;
        }
        if (response.status() == 201) {
            metrics.ordersAccepted();
        } else if (response.status() >= 400) {
            metrics.ordersRejected(response.body().path("error").path("code").asText("UNKNOWN"));
        }
        return response;
    }

    private HttpResponse place(HttpRequest request) {
        Caller caller = request.requireCaller();
        String key = request.idempotencyKey();
        OrderRequest req = OrdersApi.parse(request.jsonBody());
        OrderOrigin origin = new OrderOrigin(Optional.ofNullable(request.sourceIp()), OrdersApi.deviceId(request));
        String orderId = OrderIds.of(caller.sub(), key);

        Optional<StoredOrder> existing = orders.storedOrder(orderId);
        if (existing.isPresent()) {
            return replay(existing.get(), req);
        }
        Instant now = clock.instant();
        RiskConfig cfg = config.current();
        OptionalLong retryAfter = rates.check(caller.sub(), request.sourceIp(), cfg.rateLimits(), now);
        if (retryAfter.isPresent()) {
            ObjectNode d = Json.object();
            d.put("retryAfterSeconds", retryAfter.getAsLong());
            return HttpResponse.of(429, new ApiError(ErrorCode.RATE_LIMITED, "too many orders; retry later", d).body())
                    .withHeader("Retry-After", Long.toString(retryAfter.getAsLong()));
        }
        haltedCheck(cfg, now);
        return execute(caller.sub(), key, orderId, req, cfg, origin);
    }

    private void haltedCheck(RiskConfig cfg, Instant now) {
        MoneyMovement.requireAllowed(status);
        if (RiskLagStore.failClosed(lag.current(), cfg.failClose().maxRiskLagSeconds(), now)) {
            ObjectNode d = Json.object();
            d.put("reason", "RISK_BACKLOG");
            d.put("notice", "Trading is paused while risk checks catch up.");
            throw new ApiError(ErrorCode.TRADING_HALTED, "trading is paused: the risk pipeline is behind", d);
        }
    }

    private HttpResponse replay(StoredOrder existing, OrderRequest req) {
        if (!existing.order().fingerprint().equals(req.fingerprint())) {
            throw new ApiError(ErrorCode.IDEMPOTENCY_KEY_REUSED,
                    "this Idempotency-Key was used for a different order; use a new key for a new attempt");
        }
        // an accepted order's answer is its view (not stored twice); a rejection's is stored as sent
        JsonNode body = existing.replyBody().map(Json::parseTrusted).orElseGet(() -> OrderJson.view(existing.order()));
        return HttpResponse.of(existing.replyStatus(), body).withHeader("Idempotent-Replayed", "true");
    }

    /** A business rejection, recorded as an outcome of its key. */
    private final class Rejection extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final ErrorCode code;
        final transient ObjectNode details;

        Rejection(ErrorCode code, String message, ObjectNode details) {
            super(message, null, false, false);
            this.code = code;
            this.details = details == null ? Json.object() : details;
        }
    }

    private HttpResponse execute(String sub, String key, String orderId, OrderRequest req, RiskConfig cfg,
                                 OrderOrigin origin) {
        Set<LimitScope> split = EnumSet.noneOf(LimitScope.class);
        for (Retry.Turns turns = RETRY.start(); turns.next(); ) {
            Instant now = clock.instant();
            Plan plan;
            try {
                plan = plan(sub, key, orderId, req, cfg, split, now, origin);
            } catch (Rejection r) {
                return reject(sub, key, orderId, req, r, now);
            }
            try {
                dynamo.transactWriteItems(b -> b.transactItems(plan.actions));
                return HttpResponse.of(StoredOrder.ACCEPTED_STATUS, OrderJson.view(plan.order));
            } catch (TransactionCanceledException e) {
                if (Contention.conditionFailed(e, 0)) {
                    CancellationReason r = e.cancellationReasons().get(0);
                    StoredOrder first = r.hasItem() ? OrderStore.fromAttributes(r.item()) : orders.storedOrder(orderId).orElseThrow();
                    return replay(first, req);
                }
                if (Contention.conditionFailed(e, 2)) {
                    haltedCheck(cfg, now);
                }
                for (Map.Entry<Integer, LimitScope> c : plan.claimIndex.entrySet()) {
                    if (Contention.conditionFailed(e, c.getKey())) {
                        split.add(c.getValue()); // the picked bucket is full: spread over the scope's buckets
                    }
                }
                // market, account or a racing transaction: decide again on what is there now
                turns.backOff();
            }
        }
        throw new ApiError(ErrorCode.SERVICE_UNAVAILABLE, "the order could not be committed under contention; "
                + "nothing was committed, retrying with the same Idempotency-Key is safe");
    }

    /** Everything one commit attempt writes, and where each claim sits in it. */
    private record Plan(Order.Accepted order, List<TransactWriteItem> actions, Map<Integer, LimitScope> claimIndex) {}

    private Plan plan(String sub, String key, String orderId, OrderRequest req, RiskConfig cfg, Set<LimitScope> split,
                      Instant now, OrderOrigin origin) {
        Market market = markets.market(req.marketId()).orElseThrow(() ->
                new Rejection(ErrorCode.MARKET_NOT_FOUND, "no market " + req.marketId(), null));
        if (market.selections().stream().noneMatch(s -> s.selectionId().equals(req.selectionId()))) {
            throw new Rejection(ErrorCode.SELECTION_NOT_FOUND, "no selection " + req.selectionId() + " in this market", null);
        }
        if (market.state() != MarketState.OPEN || market.price().isEmpty()) {
            ObjectNode d = Json.object();
            d.put("state", market.state().name());
            throw new Rejection(ErrorCode.MARKET_NOT_OPEN, "the market is " + market.state(), d);
        }
        CurrentPrice price = market.price().get();
        if (price.priceVersion() != req.priceVersion()) {
            ObjectNode d = Json.object();
            d.put("currentPriceVersion", price.priceVersion());
            ObjectNode odds = d.putObject("currentOdds");
            price.odds().forEach((s, o) -> odds.put(s, o.text()));
            throw new Rejection(ErrorCode.PRICE_CHANGED, "the price moved; confirm the new one", d);
        }
        if (!cfg.feed().fresh(price.receivedAt(), now)) {
            throw new Rejection(ErrorCode.PRICE_STALE, "the price is older than " + cfg.feed().keepSeconds() + " s", null);
        }
        if (req.stake().compareTo(cfg.stake().min()) < 0 || req.stake().compareTo(cfg.stake().max()) > 0) {
            ObjectNode d = Json.object();
            d.put("min", cfg.stake().min().text());
            d.put("max", cfg.stake().max().text());
            throw new Rejection(ErrorCode.STAKE_OUT_OF_RANGE, "the stake must be between the minimum and maximum", d);
        }
        Odds odds = price.odds().get(req.selectionId());
        Amount payout = OrderMath.potentialPayout(req.stake(), odds);
        BigDecimal liability = OrderMath.liability(req.stake(), odds);

        Account account = wallet.account(sub);
        Posting posting;
        try {
            posting = account.stake(orderId, req.stake(), now);
        } catch (Account.InsufficientFunds e) {
            throw new Rejection(ErrorCode.INSUFFICIENT_FUNDS, "the balance does not cover the stake", null);
        }
        Map<Fund, Amount> funds = new EnumMap<>(Fund.class);
        for (LedgerEntry entry : posting.entries()) {
            if (entry.type() == EntryType.STAKE) {
                funds.merge(entry.fund(), entry.amount().negate(), Amount::plus);
            }
        }

        String segment = segments.computeIfAbsent(market.eventId(),
                id -> markets.event(id).map(e -> e.segment()).orElse("none"));
        Map<LimitScope, String> scopeKeys = new EnumMap<>(LimitScope.class);
        scopeKeys.put(LimitScope.EVENT, market.eventId() + "/" + req.selectionId());
        scopeKeys.put(LimitScope.USER, sub);
        scopeKeys.put(LimitScope.SEGMENT, segment);
        scopeKeys.put(LimitScope.GLOBAL, "GLOBAL-baseline");
        Map<LimitScope, String> limitIds = Map.of(LimitScope.EVENT, market.eventId(), LimitScope.USER, sub,
                LimitScope.SEGMENT, segment, LimitScope.GLOBAL, "GLOBAL");

        List<ExposureClaim> claims = new ArrayList<>();
        Map<ExposureClaim, BigDecimal> caps = new java.util.LinkedHashMap<>();
        for (LimitScope scope : SCOPES) {
            BigDecimal limit = cfg.limit(scope, limitIds.get(scope)).value();
            int n = baselineBuckets(scope);
            String scopeKey = scopeKeys.get(scope);
            int pick = ExposureBuckets.pick(orderId, n);
            BigDecimal share = ExposureBuckets.share(limit, n, pick);
            String verifiedKey = scope + "|" + scopeKey + "|" + cfg.version();
            if (!split.contains(scope) && liability.compareTo(share) <= 0 && verified.contains(verifiedKey)) {
                ExposureClaim c = new ExposureClaim(scope, scopeKey, pick, liability);
                claims.add(c);
                caps.put(c, share);
                continue;
            }
            Map<Integer, BigDecimal> used = exposure.buckets(scope, scopeKey);
            if (ExposureBuckets.withinShares(limit, n, used)) {
                rememberVerified(verifiedKey);
            }
            Map<Integer, BigDecimal> bucketCaps = ExposureBuckets.caps(limit, n, used);
            BigDecimal pickCap = bucketCaps.get(pick);
            if (!split.contains(scope) && pickCap != null
                    && pickCap.subtract(used.getOrDefault(pick, BigDecimal.ZERO)).compareTo(liability) >= 0) {
                ExposureClaim c = new ExposureClaim(scope, scopeKey, pick, liability);
                claims.add(c);
                caps.put(c, pickCap);
                continue;
            }
            Map<Integer, BigDecimal> parts = ExposureBuckets.split(liability, bucketCaps, used).orElseThrow(() -> {
                ObjectNode d = Json.object();
                d.put("scope", scope.name());
                return new Rejection(ErrorCode.LIMIT_EXCEEDED, "the order would pass the " + scope + " limit", d);
            });
            parts.forEach((bucket, part) -> {
                ExposureClaim c = new ExposureClaim(scope, scopeKey, bucket, part);
                claims.add(c);
                caps.put(c, bucketCaps.get(bucket));
            });
        }

        Order.Accepted order = new Order.Accepted(orderId, sub, key, req.fingerprint(), req.marketId(),
                req.selectionId(), market.eventId(), req.stake(), odds, req.priceVersion(), payout, now, claims, funds);

        List<TransactWriteItem> actions = new ArrayList<>();
        actions.add(orders.putNewAction(StoredOrder.accepted(order, origin)));
        actions.add(markets.openAtVersionCheck(req.marketId(), req.priceVersion(), cfg.feed().oldestFresh(now)));
        actions.add(status.normalModeCheck());
        actions.addAll(wallet.postingActions(posting));
        Map<Integer, LimitScope> claimIndex = new java.util.HashMap<>();
        for (ExposureClaim c : claims) {
            TransactWriteItem a = exposure.claimAction(c, caps.get(c));
            if (a == null) {
                ObjectNode d = Json.object();
                d.put("scope", c.scope().name());
                throw new Rejection(ErrorCode.LIMIT_EXCEEDED, "the order would pass the " + c.scope() + " limit", d);
            }
            claimIndex.put(actions.size(), c.scope());
            actions.add(a);
        }
        return new Plan(order, actions, claimIndex);
    }

    /** The bucket counts before the hot-item work. */
    static int baselineBuckets(LimitScope scope) {
        return switch (scope) {
            case GLOBAL -> 16;
            case SEGMENT -> 8;
            case EVENT -> 4;
            case USER -> 1;
        };
    }

    private void rememberVerified(String key) {
        if (verified.size() > 100_000) {
            verified.clear(); // bounded: forgetting only costs a bucket read
        }
        verified.add(key);
    }

    private HttpResponse reject(String sub, String key, String orderId, OrderRequest req, Rejection r, Instant now) {
        ObjectNode details = r.details.deepCopy();
        details.put("orderId", orderId);
        ApiError error = new ApiError(r.code, r.getMessage(), details);
        StoredOrder rejected = StoredOrder.rejected(new Order.Rejected(orderId, sub, key, req.fingerprint(),
                req.marketId(), req.selectionId(), null, req.stake(), req.priceVersion(), now, r.code.name()),
                r.code.httpStatus(), Json.write(error.body()));
        StoredOrder recorded = orders.recordRejection(rejected);
        if (recorded != rejected) {
            return replay(recorded, req); // a racing duplicate recorded its outcome first
        }
        return HttpResponse.of(r.code.httpStatus(), error.body());
    }


}
