package dev.holdfast.functions.risk;

import dev.holdfast.runtime.Deployment;
import dev.holdfast.functions.runtime.Invocation;
import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.persistence.exposure.PostTradeStore;
import dev.holdfast.persistence.exposure.RiskConfigCache;
import dev.holdfast.persistence.exposure.RiskConfigStore;
import dev.holdfast.persistence.exposure.RiskLagStore;
import dev.holdfast.persistence.markets.MarketStore;
import dev.holdfast.persistence.orders.OrderImage;
import dev.holdfast.persistence.wallet.WalletStore;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.domain.market.Market;
import dev.holdfast.domain.market.Selection;
import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.order.ExposureClaim;
import dev.holdfast.domain.order.Order;
import dev.holdfast.domain.order.OrderOrigin;
import dev.holdfast.domain.order.OrderStatus;
import dev.holdfast.domain.pricing.ExposureSignal;
import dev.holdfast.domain.risk.ExposureShares;
import dev.holdfast.domain.risk.FlagRules;
import dev.holdfast.domain.risk.LimitScope;
import dev.holdfast.domain.risk.RiskConfig;
import dev.holdfast.domain.risk.RiskFlag;
import dev.holdfast.domain.settlement.Settlement;
import dev.holdfast.functions.runtime.JsonLog;
import dev.holdfast.functions.runtime.Priming;
import dev.holdfast.resources.Functions;
import dev.holdfast.retry.Retry;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Post-trade risk on the orders table's stream. Prices lead, commits decide: nothing here ever
 * blocks or undoes an order; it shapes the next price, suspends a market, raises a flag, and
 * reports how far behind it is.
 *
 * <p>Per batch, in this order, each step idempotent (the stream redelivers):
 * <ol>
 *   <li><b>Open liability</b> per market and selection: + an accepted order's liability (its EVENT
 *       claims, {@code stake × (odds − 1)}), − a settlement's released {@code liability}. Each
 *       record's effect commits once, with a marker keyed by order id and record kind
 *       ({@link PostTradeStore#apply}).</li>
 *   <li><b>Flags</b> for each accepted order ({@link FlagRules}): windows count distinct members,
 *       so a redelivered order counts nothing twice, and each window raises its flag once.</li>
 *   <li><b>Markets</b> the batch touched: the exposure signal (per selection, the share of its
 *       event limit, {@link ExposureShares}) is recomputed from the stored liabilities — not from
 *       the batch — and stored on the market (revision-guarded), so the next feed price is
 *       shortened on that selection; an {@code OPEN} market with a selection at or above
 *       {@code postTrade.suspendAtShareOfEventLimit} is {@code SUSPENDED} with cause {@code risk}.</li>
 *   <li><b>Lag</b>: only when the whole batch succeeded, the age of its newest record
 *       ({@code now − its creation}, like Lambda's iterator age) is reported to
 *       {@link RiskLagStore}, which the order path turns into {@code 503 TRADING_HALTED}
 *       ({@code RISK_BACKLOG}) past {@code failClose.maxRiskLagSeconds}. A record's creation is the
 *       later of the stream's {@code ApproximateCreationDateTime} (whole seconds in AWS) and the
 *       item's own {@code createdAt}/{@code settledAt}. While no order arrives, the heartbeat
 *       ({@link RiskHeartbeat}) puts an item through the same stream every few seconds, so a quiet,
 *       healthy pipeline keeps reporting ~0 and a stalled one stops reporting (which also fails
 *       closed).</li>
 * </ol>
 * A failure reports the first record it concerns as the batch item failure; the stream retries
 * from there, and every step above is safe to repeat.
 */
public final class RiskProcessor implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
    /** A market moved meanwhile is decided again at once, up to 8 tries. */
    private static final Retry RETRY = Retry.atOnce(8);

    private final PostTradeStore store;
    private final MarketStore markets;
    private final WalletStore wallet;
    private final RiskConfigCache config;
    private final RiskLagStore lag;
    private final Clock clock;
    private final JsonLog log = new JsonLog("risk-processor");

    public RiskProcessor() {
        this(Deployment.fromEnvironment());
        Priming.register(Functions.RISK_PROCESSOR, Deployment.fromEnvironment(), this::prime);
    }

    /** SnapStart priming's stub work (see {@link Priming}); side-effect free on real data. */
    private void prime() {
        // a stream record parsed (reports no lag, applies nothing)
        com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord record =
                new com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord()
                        .withSequenceNumber("1")
                        .withNewImage(Map.of("pk", new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue()
                                        .withS(Priming.ABSENT_KEY),
                                "sk", new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue().withS("PRIMING")));
        DynamodbEvent.DynamodbStreamRecord r = new DynamodbEvent.DynamodbStreamRecord();
        r.setDynamodb(record);
        parse(0, r, "snapstart-priming");
    }

    public RiskProcessor(Deployment deployment) {
        AuditLog audit = new AuditLog(deployment);
        this.store = new PostTradeStore(deployment);
        this.markets = new MarketStore(deployment, audit);
        this.wallet = new WalletStore(deployment, audit);
        this.config = new RiskConfigCache(new RiskConfigStore(deployment, audit), deployment.clock(), Duration.ofSeconds(2));
        this.lag = new RiskLagStore(deployment);
        this.clock = deployment.clock();
    }

    /** One stream record, understood. */
    private record Item(int index, String sequenceNumber, Instant createdAt, Optional<Order> order,
                        Optional<OrderOrigin> origin, Optional<Settlement> settlement) {
        Optional<String> marketId() {
            return order.map(Order::marketId).or(() -> settlement.map(Settlement::marketId));
        }
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        try (Invocation.Scope invocation = Invocation.begin(getClass(), context)) {
            return handle(event, context);
        }
    }

    private StreamsEventResponse handle(DynamodbEvent event, Context context) {
        List<DynamodbEvent.DynamodbStreamRecord> records = event == null || event.getRecords() == null
                ? List.of() : event.getRecords();
        String requestId = context == null ? null : context.getAwsRequestId();
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            parse(i, records.get(i), requestId).ifPresent(items::add);
        }
        if (items.isEmpty()) {
            return report(records, Optional.empty());
        }
        int failedAt = Integer.MAX_VALUE;

        List<PostTradeStore.Effect> effects = new ArrayList<>();
        for (Item it : items) {
            effect(it).ifPresent(effects::add);
        }
        try {
            store.apply(effects, clock.instant());
        } catch (RuntimeException e) {
            warn(requestId, "open liability not applied; the batch will be retried", e);
            return failure(records, items.get(0).index());
        }

        for (Item it : items) {
            if (it.order().isPresent() && it.order().get().status() == OrderStatus.ACCEPTED) {
                try {
                    flags(it.order().get(), it.origin().orElse(OrderOrigin.UNKNOWN));
                } catch (RuntimeException e) {
                    warn(requestId, "flag rules failed for order " + it.order().get().orderId(), e);
                    failedAt = Math.min(failedAt, it.index());
                    break;
                }
            }
        }

        Map<String, Integer> touched = new LinkedHashMap<>();
        for (Item it : items) {
            it.marketId().ifPresent(m -> touched.putIfAbsent(m, it.index()));
        }
        for (Map.Entry<String, Integer> m : touched.entrySet()) {
            try {
                updateMarket(m.getKey());
            } catch (RuntimeException e) {
                warn(requestId, "exposure signal of market " + m.getKey() + " not stored", e);
                failedAt = Math.min(failedAt, m.getValue());
            }
        }
        return failedAt == Integer.MAX_VALUE ? report(records, Optional.of(items.get(items.size() - 1).createdAt()))
                : failure(records, failedAt);
    }

    private Optional<Item> parse(int index, DynamodbEvent.DynamodbStreamRecord r, String requestId) {
        if (r.getDynamodb() == null || r.getDynamodb().getNewImage() == null) {
            return Optional.empty(); // a removal: nothing in the orders table is ever deleted on purpose
        }
        String seq = r.getDynamodb().getSequenceNumber();
        Optional<Instant> approx = Optional.ofNullable(r.getDynamodb().getApproximateCreationDateTime()).map(d -> d.toInstant());
        try {
            OrderImage image = OrderImage.of(StreamImages.toSdk(r.getDynamodb().getNewImage()));
            if (image instanceof OrderImage.Heartbeat h) {
                return Optional.of(new Item(index, seq, later(approx, h.createdAt()), Optional.empty(),
                        Optional.empty(), Optional.empty()));
            }
            if (image instanceof OrderImage.Settled settled) {
                Settlement s = settled.settlement();
                return Optional.of(new Item(index, seq, later(approx, Optional.of(s.settledAt())), Optional.empty(),
                        Optional.empty(), Optional.of(s)));
            }
            if (image instanceof OrderImage.Placed placed) {
                Order o = placed.order();
                return Optional.of(new Item(index, seq, later(approx, Optional.of(o.createdAt())), Optional.of(o),
                        Optional.of(placed.origin()), Optional.empty()));
            }
            return Optional.of(new Item(index, seq, later(approx, Optional.empty()), Optional.empty(), Optional.empty(),
                    Optional.empty()));
        } catch (RuntimeException e) {
            // a record this processor cannot read would block its shard forever: log it and go on
            warn(requestId, "unreadable orders-stream record " + seq + " skipped", e);
            return Optional.empty();
        }
    }

    private Instant later(Optional<Instant> a, Optional<Instant> b) {
        if (a.isPresent() && b.isPresent()) {
            return a.get().isAfter(b.get()) ? a.get() : b.get();
        }
        return a.or(() -> b).orElseGet(clock::instant);
    }

    /** What the record does to open liability, if anything. */
    private static Optional<PostTradeStore.Effect> effect(Item it) {
        if (it.order().isPresent()) {
            Order o = it.order().get();
            if (o.status() != OrderStatus.ACCEPTED) {
                return Optional.empty();
            }
            return Optional.of(new PostTradeStore.Effect(o.orderId(), PostTradeStore.Kind.ORDER, o.marketId(),
                    o.selectionId(), liability(o)));
        }
        return it.settlement().map(s -> new PostTradeStore.Effect(s.orderId(), PostTradeStore.Kind.SETTLEMENT,
                s.marketId(), s.selectionId(), s.liability().negate()));
    }

    /** An accepted order's liability: the sum of its EVENT claims (as settlement releases it). */
    static BigDecimal liability(Order o) {
        return o.claims().stream().filter(c -> c.scope() == LimitScope.EVENT)
                .map(ExposureClaim::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private void flags(Order o, OrderOrigin origin) {
        RiskConfig cfg = config.current();
        Amount max = cfg.stake().max();
        Optional<Instant> opened = FlagRules.atMaxStake(o.stake(), max) ? wallet.openedAt(o.ownerSub()) : Optional.empty();
        FlagRules.OrderFacts facts = new FlagRules.OrderFacts(o.orderId(), o.ownerSub(), o.marketId(), o.stake(),
                o.createdAt(), opened, origin.sourceAddress(), origin.deviceId());
        for (FlagRules.Count c : FlagRules.countsFor(facts, cfg.postTrade(), max)) {
            Optional<PostTradeStore.WindowState> w = store.count(c);
            if (w.isPresent() && FlagRules.raises(w.get().members().size(), c.threshold())) {
                RiskFlag flag = new RiskFlag(c.flagId(), c.pattern(), new ArrayList<>(w.get().accounts()), c.marketId(),
                        FlagRules.detail(c, w.get().members().size()), clock.instant());
                if (store.raise(c, flag)) {
                    ObjectNode line = log.line("WARN", null, "risk flag raised");
                    line.put("flagId", flag.flagId());
                    line.put("pattern", flag.pattern().name());
                    line.put("key", c.key());
                    log.write(line);
                }
            }
        }
    }

    /** Recomputes the market's exposure signal from the stored liabilities and stores the decision. */
    private void updateMarket(String marketId) {
        Map<String, BigDecimal> stored = store.liabilities(marketId);
        for (Retry.Turns turns = RETRY.start(); turns.next(); ) {
            Optional<Market> read = markets.market(marketId);
            if (read.isEmpty() || !read.get().acceptsPrices()) {
                return;
            }
            Market m = read.get();
            RiskConfig cfg = config.current();
            Amount limit = cfg.limit(LimitScope.EVENT, m.eventId());
            Map<String, BigDecimal> mine = new LinkedHashMap<>();
            for (Selection s : m.selections()) {
                BigDecimal l = stored.get(s.selectionId());
                if (l != null) {
                    mine.put(s.selectionId(), l);
                }
            }
            ExposureSignal signal = ExposureShares.signal(mine, limit);
            boolean over = cfg.postTrade().suspendMarkets()
                    && ExposureShares.overThreshold(mine, limit, cfg.postTrade().suspendAtShareOfEventLimit()).isPresent();
            Optional<Market.Change> change = m.exposureUpdate(signal, over, clock.instant());
            if (change.isEmpty()) {
                return;
            }
            if (markets.save(m, change.get(), Optional.empty(), Optional.empty()) instanceof MarketStore.Saved) {
                if (change.get().transition().isPresent()) {
                    ObjectNode line = log.line("WARN", null, "market suspended by risk");
                    line.put("marketId", marketId);
                    log.write(line);
                }
                return;
            }
            // Raced: the feed or an admin moved the market: decide again on what it is now
        }
        throw new IllegalStateException("market " + marketId + " kept changing");
    }

    private StreamsEventResponse report(List<DynamodbEvent.DynamodbStreamRecord> records, Optional<Instant> newest) {
        Instant now = clock.instant();
        Instant created = newest.orElseGet(() -> records.isEmpty() ? now : approxOf(records.get(records.size() - 1)).orElse(now));
        Duration behind = Duration.between(created, now);
        lag.report(behind.isNegative() ? Duration.ZERO : behind, now);
        return new StreamsEventResponse(List.of());
    }

    private static Optional<Instant> approxOf(DynamodbEvent.DynamodbStreamRecord r) {
        return r.getDynamodb() == null ? Optional.empty()
                : Optional.ofNullable(r.getDynamodb().getApproximateCreationDateTime()).map(d -> d.toInstant());
    }

    private static StreamsEventResponse failure(List<DynamodbEvent.DynamodbStreamRecord> records, int index) {
        return new StreamsEventResponse(List.of(new StreamsEventResponse.BatchItemFailure(
                records.get(index).getDynamodb().getSequenceNumber())));
    }

    private void warn(String requestId, String message, RuntimeException e) {
        ObjectNode line = log.line("WARN", requestId, message);
        line.put("exception", e.getClass().getSimpleName());
        line.put("reason", String.valueOf(e.getMessage()));
        log.write(line);
    }
}
