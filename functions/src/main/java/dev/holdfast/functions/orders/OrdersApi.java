package dev.holdfast.functions.orders;

import dev.holdfast.functions.http.IdempotentReplay;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.persistence.exposure.ExposureStore;
import dev.holdfast.persistence.exposure.RiskConfigCache;
import dev.holdfast.persistence.exposure.RiskConfigStore;
import dev.holdfast.persistence.exposure.RiskLagStore;
import dev.holdfast.persistence.markets.MarketStore;
import dev.holdfast.persistence.orders.OrderCommit;
import dev.holdfast.persistence.orders.OrderStore;
import dev.holdfast.persistence.orders.RateLimiter;
import dev.holdfast.persistence.orders.StoredOrder;
import dev.holdfast.persistence.orders.TradingGate;
import dev.holdfast.persistence.platform.StatusStore;
import dev.holdfast.persistence.wallet.WalletStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.ApiError;
import dev.holdfast.api.ErrorCode;
import dev.holdfast.api.Json;
import dev.holdfast.api.RequestBody;
import dev.holdfast.api.risk.RiskConfigJson;
import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.money.Fund;
import dev.holdfast.domain.order.Order;
import dev.holdfast.domain.order.OrderDecision;
import dev.holdfast.domain.order.OrderIds;
import dev.holdfast.domain.order.OrderOrigin;
import dev.holdfast.domain.order.OrderRequest;
import dev.holdfast.domain.order.OrderStatus;
import dev.holdfast.domain.platform.PlatformStatus;
import dev.holdfast.domain.risk.LimitScope;
import dev.holdfast.domain.risk.RiskConfig;
import dev.holdfast.domain.settlement.Settlement;
import dev.holdfast.domain.wallet.Account;
import dev.holdfast.functions.http.AccountTurns;
import dev.holdfast.functions.http.Caller;
import dev.holdfast.functions.http.HttpFunction;
import dev.holdfast.functions.http.HttpRequest;
import dev.holdfast.functions.http.HttpResponse;
import dev.holdfast.functions.runtime.Metrics;
import dev.holdfast.functions.runtime.Priming;
import dev.holdfast.functions.runtime.TimeDilation;
import dev.holdfast.resources.Functions;
import dev.holdfast.retry.Retry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code POST /orders}: an order is accepted at exactly the price the customer saw, at most once,
 * inside every limit, with its money movement in the ledger — in ONE DynamoDB
 * {@code TransactWriteItems} that shares no item with other customers' orders except one of many
 * limit buckets per scope ({@link OrderCommit} documents the transaction).
 *
 * <p>The handler parses, asks the trading gate, reads ({@link OrderCommit#read}: one batch read),
 * decides ({@link OrderDecision}, pure), commits, and maps the outcome. Warm path: two DynamoDB
 * round trips per accepted order.
 *
 * <p><b>Bounds</b> (the contract's, measured by {@code ./localstack/bench hot-market}):
 * <ul>
 *   <li>trading mode and risk lag: a cached view no older than {@link TradingGate#DEFAULT_TTL}
 *       (500 ms) when the commit is sent, so a halt binds every commit sent more than ~0.5 s after
 *       {@code POST /admin/maintenance} answered;</li>
 *   <li>price: the market (state, {@code priceVersion}, freshness) was read at most
 *       {@link #READ_GUARD} (100 ms) before the commit is sent — else it is read again — so an order
 *       commits at a price that was current at most 100 ms + the commit's own latency before;</li>
 *   <li>limits and balances: exact, checked by the transaction's conditions.</li>
 * </ul>
 * A retry re-reads only what the cancellation says changed: the account comes back with its failed
 * condition, a full bucket makes its scope split over its buckets, and a transaction conflict or
 * throttling only backs off (jittered) and re-picks the buckets. Contention is retried for up to
 * {@link #CONTENTION_BUDGET}; only then is the answer {@code 503}, which commits nothing.
 *
 * <p>Nothing about an order is written outside that commit, except a business rejection, which is
 * recorded (and replayed for its key) instead. Validation errors, 401/403, 429 and 5xx record nothing.
 */
public final class OrdersApi extends HttpFunction {
    /** How old the market read may be when the commit is sent (stretched by the time dilation locally). */
    static final Duration READ_GUARD = Duration.ofMillis(100);
    /** How long contention (conflicts, throttling, a busy account) is retried before 503. */
    static final Duration CONTENTION_BUDGET = Duration.ofSeconds(8);
    private static final java.util.regex.Pattern DEVICE_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._:+/=-]{1,128}");

    private final OrderStore orders;
    private final MarketStore markets;
    private final OrderCommit commit;
    private final TradingGate gate;
    private final RiskConfigCache config;
    private final Clock clock;
    private final Duration readGuard;
    private final Duration budget;
    /** The one contention policy ({@link #retries()}), built once: a policy is a shared constant. */
    private final Retry contention;
    private final Metrics metrics = new Metrics(Functions.ORDERS.id());
    private final Map<String, String> segments = new ConcurrentHashMap<>();
    /** One account's concurrent orders in one container take turns (see {@link AccountTurns}). */
    private final AccountTurns turns = new AccountTurns();

    /** Lambda's entry: the container's deployment, primed before a SnapStart snapshot. */
    public OrdersApi() {
        this(Deployment.fromEnvironment(), System.getenv());
        Priming.register(Functions.ORDERS, Deployment.fromEnvironment(), () -> prime(Deployment.fromEnvironment()));
    }

    public OrdersApi(Deployment deployment) {
        this(deployment, Map.of());
    }

    public OrdersApi(Deployment deployment, Map<String, String> environment) {
        super(Functions.ORDERS);
        TimeDilation dilation = TimeDilation.from(environment);
        AuditLog audit = new AuditLog(deployment);
        this.orders = new OrderStore(deployment);
        this.markets = new MarketStore(deployment, audit);
        WalletStore wallet = new WalletStore(deployment, audit);
        this.commit = new OrderCommit(deployment, orders, markets, wallet, new ExposureStore(deployment), new RateLimiter(deployment));
        this.gate = new TradingGate(new StatusStore(deployment, audit), new RiskLagStore(deployment), deployment.clock(),
                dilation.stretch(TradingGate.DEFAULT_TTL));
        this.config = new RiskConfigCache(new RiskConfigStore(deployment, audit), deployment.clock(), Duration.ofSeconds(2));
        this.clock = deployment.clock();
        this.readGuard = dilation.stretch(READ_GUARD);
        this.budget = CONTENTION_BUDGET; // not stretched: a client's patience, not a bound (pessimistic when dilated)
        Duration backoffBase = dilation.stretch(Duration.ofMillis(10));
        this.contention = Retry.within(budget).backOff(backoffBase, backoffBase.multipliedBy(100));
        serve("POST /orders", this::placeCounted);
        serve("GET /orders/{orderId}", this::get);
        serve("GET /orders", this::list);
    }

    /**
     * Priming: an order read that misses (404), an order placement refused by validation (400,
     * records nothing), the reads of an order on absent keys, the risk config decoded as a first
     * order decodes it, and the very decision and transaction of an order on a stub account and
     * market — sent behind a condition that cannot hold, so DynamoDB cancels it and nothing is written.
     */
    private void prime(Deployment deployment) {
        handleRequest(Priming.http("GET /orders/{orderId}").path("orderId", Priming.ABSENT_KEY).event(), null);
        handleRequest(Priming.http("POST /orders").header("idempotency-key", Priming.ABSENT_KEY)
                .body("{\"marketId\":\"m-1\",\"selectionId\":\"s-1\",\"stake\":\"0\",\"priceVersion\":1}").event(), null);
        ObjectNode cfgJson = RiskConfigJson.toJson(RiskConfig.DEFAULT); // decoded as a container's first order decodes the stored one
        cfgJson.remove("version");
        cfgJson.put("reason", "snapstart priming");
        RiskConfig cfg = RiskConfigJson.fromJson(cfgJson, 1);
        Instant now = clock.instant();
        String orderId = OrderIds.of(Priming.SUB, Priming.ABSENT_KEY);
        commit.read(orderId, Priming.ABSENT_KEY, Priming.SUB);
        // not the trading gate: its first read creates the status item of a new platform (priming writes nothing)
        OrderRequest req = new OrderRequest("m-1", "s-1", Amount.parse("10000"), 1);
        Account account = Account.empty(Priming.SUB).credit(Fund.CASH, Amount.parse("50000"), now).after();
        OrderDecision.Outcome outcome = OrderDecision.decide(
                new OrderDecision.Request(Priming.SUB, Priming.ABSENT_KEY, orderId, req, now, 0, Set.of()),
                Optional.of(Priming.openMarket("m-1", "e-1", "s-1", "2.50", now)), account, cfg, "none",
                primingBuckets());
        OrderDecision.Accepted accepted = (OrderDecision.Accepted) outcome;
        OrderJson.view(accepted.order()); // its answer, as a placement builds it
        commit.prime(accepted, new OrderOrigin(Optional.of("127.0.0.1"), Optional.empty()),
                RateLimiter.Window.at(Priming.SUB, "127.0.0.1", cfg.rateLimits(), now));
    }

    /** Buckets for priming: every scope counts as within its shares, nothing is read. */
    private static OrderDecision.Buckets primingBuckets() {
        return new OrderDecision.Buckets() {
            @Override
            public Map<Integer, java.math.BigDecimal> read(LimitScope scope, String scopeKey) {
                return Map.of();
            }

            @Override
            public boolean verified(String key) {
                return true;
            }

            @Override
            public void rememberVerified(String key) {
            }
        };
    }

    // ---- reading ----

    private HttpResponse get(HttpRequest request) {
        String sub = request.requireCaller().sub();
        return orders.orderView(request.pathParameter("orderId")).filter(v -> v.order().ownerSub().equals(sub))
                .map(v -> HttpResponse.of(200, OrderJson.view(v.order(), v.settlement())))
                .orElseThrow(() -> new ApiError(ErrorCode.ORDER_NOT_FOUND, "no such order"));
    }

    private HttpResponse list(HttpRequest request) {
        OrderStore.OrderPage<Order> page = orders.byOwner(request.requireCaller().sub(), request.limit(50, 200),
                request.queryParam("cursor"));
        Map<String, Settlement> settled = orders.settlements(page.orders().stream()
                .filter(o -> o.status() == OrderStatus.ACCEPTED).map(Order::orderId).toList());
        return HttpResponse.page("orders", page.orders(),
                o -> OrderJson.view(o, Optional.ofNullable(settled.get(o.orderId()))), page.nextCursor());
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
        OrderRequest req = parse(request.jsonBody());
        OrderOrigin origin = new OrderOrigin(Optional.ofNullable(request.sourceIp()), deviceId(request));
        String orderId = OrderIds.of(caller.sub(), key);

        java.util.concurrent.locks.ReentrantLock turn = turns.take(caller.sub(), budget.toMillis());
        try {
            return placeInTurn(caller, key, req, origin, orderId);
        } finally {
            if (turn != null) {
                turn.unlock();
            }
        }
    }

    private HttpResponse placeInTurn(Caller caller, String key, OrderRequest req, OrderOrigin origin, String orderId) {
        OrderCommit.Inputs in = commit.read(orderId, req.marketId(), caller.sub());
        if (in.existing().isPresent()) {
            return replay(in.existing().get(), req); // a replay never spends the rate limit
        }
        RiskConfig cfg = config.current();
        haltedCheck(cfg, gate.current());
        RateLimiter.Window window = RateLimiter.Window.at(caller.sub(), origin.sourceAddress().orElse(null), cfg.rateLimits(), clock.instant());
        Retry.Turns retries = retries();
        Set<LimitScope> split = EnumSet.noneOf(LimitScope.class);
        // bounded by the retries' budget; each decision's number salts its exposure-bucket pick
        for (int decision = 0; ; decision++) {
            if (Duration.between(in.marketReadAt(), clock.instant()).compareTo(readGuard) > 0) {
                in = commit.rereadMarket(in, req.marketId());
            }
            Instant now = clock.instant();
            String segment = in.market().map(m -> segmentOf(m.eventId())).orElse("none");
            OrderDecision.Outcome outcome = OrderDecision.decide(
                    new OrderDecision.Request(caller.sub(), key, orderId, req, now, decision, split),
                    in.market(), in.account(), cfg, segment, commit.buckets());
            if (outcome instanceof OrderDecision.Rejected r) {
                return reject(caller.sub(), key, orderId, req, r, now, window);
            }
            OrderDecision.Accepted a = (OrderDecision.Accepted) outcome;
            if (Duration.between(in.marketReadAt(), clock.instant()).compareTo(readGuard) > 0) {
                continue; // deciding took too long: read the market again before sending
            }
            OrderCommit.Result result = commit.commit(a, origin, window);
            if (result instanceof OrderCommit.Committed) {
                return HttpResponse.of(StoredOrder.ACCEPTED_STATUS, OrderJson.view(a.order()));
            }
            if (result instanceof OrderCommit.Duplicate d) {
                return replay(d.first(), req);
            }
            if (result instanceof OrderCommit.RateLimited) {
                return rateLimited(window);
            }
            OrderCommit.Retry retry = (OrderCommit.Retry) result;
            split.addAll(retry.fullScopes());
            if (!retries.next()) {
                metrics.ordersRejected("CONTENTION");
                throw new ApiError(ErrorCode.SERVICE_UNAVAILABLE, "the order could not be committed under contention; "
                        + "nothing was committed, retrying with the same Idempotency-Key is safe");
            }
            if (retry.contended() || retry.accountChanged()) {
                // contention, or another posting to this account won the race: back off before trying
                // again (all at once, many orders of one account would only collide again)
                retries.backOff();
                haltedCheck(cfg, gate.current());
            }
            if (retry.accountChanged() || retry.accountBusy()) {
                // the account changed (it came back with the cancellation) or was being written: read it again
                in = in.withAccount(retry.account().orElseGet(() -> commit.read(orderId, req.marketId(), caller.sub()).account()));
            }
        }
    }

    /**
     * Contention is retried for {@link #CONTENTION_BUDGET} with full-jitter back-off from 10 ms up to
     * 1 s (both stretched by the time dilation): wide enough that many concurrent orders of one
     * account (the one item they all write) spread out instead of colliding again.
     */
    private Retry.Turns retries() {
        return contention.start();
    }

    private String segmentOf(String eventId) {
        return segments.computeIfAbsent(eventId, id -> markets.event(id).map(e -> e.segment()).orElse("none"));
    }

    private static HttpResponse rateLimited(RateLimiter.Window window) {
        long retryAfter = window.retryAfterSeconds(Instant.now());
        ObjectNode d = Json.object();
        d.put("retryAfterSeconds", retryAfter);
        return HttpResponse.of(429, new ApiError(ErrorCode.RATE_LIMITED, "too many orders; retry later", d).body())
                .withHeader("Retry-After", Long.toString(retryAfter));
    }

    /** The optional {@code X-Device-Id} header: 1–128 characters of {@code [A-Za-z0-9._:+/=-]}. */
    public static Optional<String> deviceId(HttpRequest request) {
        Optional<String> raw = request.header("X-Device-Id");
        if (raw.isPresent() && !DEVICE_ID.matcher(raw.get()).matches()) {
            throw ApiError.validation("X-Device-Id", "'X-Device-Id' is 1 to 128 characters of A-Z a-z 0-9 . _ : + / = -");
        }
        return raw;
    }

    /** The body of {@code POST /orders}: {@code 400 VALIDATION_ERROR} naming the field for anything else. */
    public static OrderRequest parse(RequestBody body) {
        body.allowOnly(Set.of("marketId", "selectionId", "stake", "priceVersion"));
        String marketId = body.requiredString("marketId", 100);
        String selectionId = body.requiredString("selectionId", 100);
        JsonNode stakeNode = body.node().get("stake");
        Amount stake;
        try {
            if (stakeNode == null || !stakeNode.isTextual()) {
                throw new IllegalArgumentException("'stake' is a decimal string, such as \"10000\"");
            }
            stake = Amount.parse(stakeNode.textValue());
            if (stake.isZero()) {
                throw new IllegalArgumentException("'stake' must be more than 0");
            }
        } catch (IllegalArgumentException e) {
            throw ApiError.validation("stake", e.getMessage());
        }
        long priceVersion = body.optionalLong("priceVersion", 1, Long.MAX_VALUE)
                .orElseThrow(() -> ApiError.validation("priceVersion", "'priceVersion' is required"));
        return new OrderRequest(marketId, selectionId, stake, priceVersion);
    }

    /** Maintenance or a risk backlog: {@code 503 TRADING_HALTED}, nothing recorded. */
    private static void haltedCheck(RiskConfig cfg, TradingGate.View view) {
        PlatformStatus st = view.status();
        if (!st.mode().allowsMoneyMovement()) {
            throw ApiError.tradingHalted(st.notice());
        }
        if (RiskLagStore.failClosed(view.lag(), cfg.failClose().maxRiskLagSeconds(), Instant.now())) {
            ObjectNode d = Json.object();
            d.put("reason", "RISK_BACKLOG");
            d.put("notice", "Trading is paused while risk checks catch up.");
            throw new ApiError(ErrorCode.TRADING_HALTED, "trading is paused: the risk pipeline is behind", d);
        }
    }

    private HttpResponse replay(StoredOrder existing, OrderRequest req) {
        IdempotentReplay.requireSameRequest(existing.order().fingerprint(), req.fingerprint(),
                "this Idempotency-Key was used for a different order; use a new key for a new attempt");
        // an accepted order's answer is its view (not stored twice); a rejection's is stored as sent
        JsonNode body = existing.replyBody().map(Json::parseTrusted).orElseGet(() -> OrderJson.view(existing.order()));
        return IdempotentReplay.replayed(existing.replyStatus(), body);
    }

    /** The contract's error for a decision's rejection: its code, message and details, plus the order id. */
    static ApiError error(OrderDecision.Rejected r, String orderId) {
        ObjectNode details = Json.object();
        r.details().forEach((k, v) -> put(details, k, v));
        details.put("orderId", orderId);
        return new ApiError(ErrorCode.valueOf(r.code().name()), r.message(), details);
    }

    private static void put(ObjectNode node, String key, Object v) {
        if (v instanceof Long l) {
            node.put(key, l);
        } else if (v instanceof Integer i) {
            node.put(key, i);
        } else if (v instanceof Map<?, ?> m) {
            ObjectNode child = node.putObject(key);
            m.forEach((k, x) -> put(child, String.valueOf(k), x));
        } else {
            node.put(key, String.valueOf(v));
        }
    }

    private HttpResponse reject(String sub, String key, String orderId, OrderRequest req, OrderDecision.Rejected r,
                                Instant now, RateLimiter.Window window) {
        ApiError error = error(r, orderId);
        int status = error.code().httpStatus();
        StoredOrder rejected = StoredOrder.rejected(new Order.Rejected(orderId, sub, key, req.fingerprint(),
                req.marketId(), req.selectionId(), null, req.stake(), req.priceVersion(), now, r.code().name()),
                status, Json.write(error.body()));
        Retry.Turns retries = retries();
        while (true) {
            OrderCommit.Result result = commit.recordRejection(rejected, window);
            if (result instanceof OrderCommit.Committed) {
                return HttpResponse.of(status, error.body());
            }
            if (result instanceof OrderCommit.Duplicate d) {
                return replay(d.first(), req); // a racing duplicate recorded its outcome first
            }
            if (result instanceof OrderCommit.RateLimited) {
                return rateLimited(window);
            }
            if (!retries.next()) {
                throw new ApiError(ErrorCode.SERVICE_UNAVAILABLE, "the rejection could not be recorded under contention; "
                        + "nothing was committed, retrying with the same Idempotency-Key is safe");
            }
            retries.backOff();
        }
    }
}
