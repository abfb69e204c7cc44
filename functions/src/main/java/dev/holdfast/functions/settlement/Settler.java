package dev.holdfast.functions.settlement;

import dev.holdfast.functions.runtime.Invocation;
import dev.holdfast.persistence.Contention;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.FaultPoint;
import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.persistence.exposure.ExposureStore;
import dev.holdfast.persistence.markets.MarketStore;
import dev.holdfast.persistence.orders.OrderStore;
import dev.holdfast.persistence.platform.StatusStore;
import dev.holdfast.persistence.settlement.OrderSettlement;
import dev.holdfast.persistence.settlement.SettlementStore;
import dev.holdfast.persistence.wallet.WalletStore;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.market.Market;
import dev.holdfast.domain.market.MarketState;
import dev.holdfast.domain.market.Transition;
import dev.holdfast.domain.order.ExposureClaim;
import dev.holdfast.domain.order.Order;
import dev.holdfast.domain.order.OrderStatus;
import dev.holdfast.domain.settlement.MarketResult;
import dev.holdfast.domain.settlement.Settlement;
import dev.holdfast.domain.wallet.Account;
import dev.holdfast.domain.wallet.LedgerIds;
import dev.holdfast.domain.wallet.Posting;
import dev.holdfast.functions.runtime.JsonLog;
import dev.holdfast.functions.queue.FifoBatch;
import dev.holdfast.functions.runtime.Metrics;
import dev.holdfast.functions.runtime.Priming;
import dev.holdfast.persistence.settlement.SettlementStore.Progress;
import dev.holdfast.resources.Functions;
import dev.holdfast.resources.Queues;
import dev.holdfast.retry.Retry;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Future;

/**
 * Settles a market after its result was declared: consumes {@code holdfast-settlement.fifo}
 * (group = market, body {@code {"marketId"}}), pages through the market's accepted orders and
 * settles each in ONE transaction — its settlement record (new only), the account posting (payout,
 * nothing, or refund, and the stake leaving open exposure; conditional on the account's revision),
 * the release of each of its exposure claims, and a check that trading is NORMAL.
 *
 * <p><b>Exactly once</b> (invariant {@code settled-exactly-once} in {@code docs/invariants.md}): the
 * settlement record's {@code attribute_not_exists} condition alone decides. The market moves {@code SETTLING →
 * SETTLED/VOIDED} only after a second pass over the index has found a settlement record for every
 * accepted order.
 *
 * <p><b>Bounded invocations.</b> Each invocation works for at most {@code budget}; then it saves
 * its bookmark and sends a continuation message for the same group (FIFO keeps it behind the
 * current one), so a market of any size settles in steps that each fit the Lambda timeout.
 *
 * <p><b>Fail closed.</b> While trading is halted no settlement commits; the command is retried
 * shortly (its visibility is cut to {@link #HALTED_RETRY_SECONDS}).
 */
public final class Settler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    static final int PAGE = 100;
    static final int THREADS = 8;
    /** A lost race settling an order or finishing a market is decided again, up to 30 tries. */
    static final Retry RETRY = Retry.attempts(30);
    static final int HALTED_RETRY_SECONDS = 20;
    /**
     * How long one invocation settles pages before it hands over: half the function's timeout, so
     * the page in progress always ends inside it and the queue's visibility timeout stays short.
     */
    public static final Duration BUDGET = Duration.ofSeconds(Functions.SETTLER.timeoutSeconds()).dividedBy(2);

    private final SqsClient sqs;
    private final dev.holdfast.runtime.ResourceNames names;
    private final MarketStore markets;
    private final OrderStore orders;
    private final WalletStore wallet;
    private final ExposureStore exposure;
    private final StatusStore status;
    private final SettlementStore settlements;
    private final OrderSettlement commits;
    private final Clock clock;
    private final FaultPoint faults;
    private final Duration budget;
    private final int pageSize;
    private final ExecutorService pool;
    private final JsonLog log = new JsonLog("settler");
    private final Metrics metrics = new Metrics("settler");

    public Settler() {
        this(Deployment.fromEnvironment());
        Priming.register(Functions.SETTLER, Deployment.fromEnvironment(), this::prime);
    }

    /** SnapStart priming's stub work (see {@link Priming}); side-effect free on real data. */
    private void prime() {
        // the settlement of a market that does not exist: one read that misses, nothing committed
        try {
            settle(Priming.ABSENT_KEY);
        } catch (IllegalArgumentException expected) {
            // "no market": what priming wanted
        }
        command(Priming.ABSENT_KEY);
        // one order's settlement commit on stub data, sent behind a condition that cannot hold
        Instant now = clock.instant();
        String orderId = dev.holdfast.domain.order.OrderIds.of(Priming.SUB, Priming.ABSENT_KEY);
        dev.holdfast.domain.money.Amount stake = dev.holdfast.domain.money.Amount.parse("10000");
        dev.holdfast.domain.pricing.Odds odds = dev.holdfast.domain.pricing.Odds.parse("2.50");
        Posting staked = Account.empty(Priming.SUB)
                .credit(dev.holdfast.domain.money.Fund.CASH, dev.holdfast.domain.money.Amount.parse("50000"), now).after()
                .stake(orderId, stake, now);
        ExposureClaim claim = new ExposureClaim(dev.holdfast.domain.risk.LimitScope.USER, Priming.SUB, 0,
                dev.holdfast.domain.order.OrderMath.liability(stake, odds));
        Order order = new Order(orderId, Priming.SUB, Priming.ABSENT_KEY, "stub", OrderStatus.ACCEPTED, Priming.ABSENT_KEY,
                "s-1", "e-1", stake, odds, 1, dev.holdfast.domain.order.OrderMath.potentialPayout(stake, odds), now, null,
                List.of(claim), java.util.Map.of(dev.holdfast.domain.money.Fund.CASH, stake), 201, "{}");
        Settlement s = Settlement.of(order, MarketResult.winner("s-1"), now);
        commits.prime(s, s.posting(staked.after(), order), List.of(claim));
    }

    public Settler(Deployment deployment) {
        this(deployment, FaultPoint.NONE, BUDGET, PAGE);
    }

    /**
     * @param faults   called after each write (fault injection in tests)
     * @param budget   how long one invocation works before it hands over to a continuation message
     * @param pageSize how many orders one page holds
     */
    public Settler(Deployment deployment, FaultPoint faults, Duration budget, int pageSize) {
        AuditLog audit = new AuditLog(deployment);
        this.sqs = deployment.clients().sqs();
        this.names = deployment.names();
        this.markets = new MarketStore(deployment, audit);
        this.orders = new OrderStore(deployment);
        this.wallet = new WalletStore(deployment, audit);
        this.exposure = new ExposureStore(deployment);
        this.status = new StatusStore(deployment, audit);
        this.settlements = new SettlementStore(deployment, audit);
        this.commits = new OrderSettlement(deployment, orders, status, wallet, exposure);
        this.clock = deployment.clock();
        this.faults = faults;
        this.budget = budget;
        this.pageSize = pageSize;
        ThreadPoolExecutor threads = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "settler");
                    t.setDaemon(true);
                    return t;
                });
        threads.allowCoreThreadTimeOut(true); // an idle instance holds no threads
        this.pool = threads;
    }

    /** The command that starts or continues a market's settlement. */
    public static String command(String marketId) {
        ObjectNode n = Json.object();
        n.put("marketId", marketId);
        return Json.write(n);
    }

    /** Sends the command (group = market). {@code step} names the step, for FIFO deduplication. */
    public static void send(SqsClient sqs, String queueUrl, String marketId, String step) {
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageGroupId(marketId)
                .messageDeduplicationId(LedgerIds.fingerprint(marketId, step).substring(0, 64))
                .messageBody(command(marketId)));
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        try (Invocation.Scope invocation = Invocation.begin(getClass(), context)) {
            return handle(event, context);
        }
    }

    private SQSBatchResponse handle(SQSEvent event, Context context) {
        return FifoBatch.process(event, log, "settlement command failed; it will be retried", m -> {
            String marketId = Json.parseTrusted(m.getBody()).path("marketId").asText("");
            if (marketId.isEmpty()) {
                throw new IllegalArgumentException("a settlement command names its market");
            }
            if (settle(marketId) == Run.HALTED) {
                if (m.getReceiptHandle() != null) { // come back soon, not after the whole visibility timeout
                    sqs.changeMessageVisibility(b -> b.queueUrl(names.queueUrl(Queues.SETTLEMENT))
                            .receiptHandle(m.getReceiptHandle()).visibilityTimeout(HALTED_RETRY_SECONDS));
                }
                throw new Halted();
            }
        });
    }

    /** What one invocation did for a market. */
    public enum Run {
        /** Every order is settled and the market is SETTLED or VOIDED (now or before). */
        FINISHED,
        /** The budget ran out; a continuation command was sent. */
        CONTINUED,
        /** Trading is halted; nothing more was committed. */
        HALTED,
        /** The market is not settling (no result declared): nothing to do. */
        NOT_SETTLING
    }

    /** Trading is not NORMAL: settlement waits. */
    static final class Halted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Halted() {
            super("trading is halted; settlement waits", null, false, false);
        }
    }

    /** Settles as much of {@code marketId} as the budget allows. Safe to run any number of times, concurrently too. */
    public Run settle(String marketId) {
        long deadline = System.nanoTime() + budget.toNanos();
        Market market = markets.market(marketId).orElseThrow(() -> new IllegalArgumentException("no market " + marketId));
        if (market.state() == MarketState.SETTLED || market.state() == MarketState.VOIDED) {
            return Run.FINISHED;
        }
        if (market.state() != MarketState.SETTLING) {
            return Run.NOT_SETTLING;
        }
        MarketResult result = settlements.result(marketId)
                .orElseThrow(() -> new IllegalStateException("market " + marketId + " is SETTLING without a result"))
                .result();
        if (!status.current().mode().allowsMoneyMovement()) { // also creates the status item on a new platform
            return Run.HALTED;
        }
        Progress progress = settlements.progress(marketId).orElseGet(() -> Progress.start(clock.instant()));
        try {
            while (true) {
                OrderStore.OrderPage page = orders.acceptedInMarket(marketId, pageSize, progress.cursor());
                List<Order> todo = page.orders().stream().filter(o -> o.status() == OrderStatus.ACCEPTED).toList();
                if (progress.pass() == 2) { // verifying: only orders without a record are tried
                    Set<String> done = orders.settlements(todo.stream().map(Order::orderId).toList()).keySet();
                    todo = todo.stream().filter(o -> !done.contains(o.orderId())).toList();
                }
                long settledNow = settleAll(todo, result);
                if (settledNow > 0) {
                    metrics.settledOrders(settledNow);
                }
                faults.reached("page-settled");
                boolean lastPage = page.nextCursor().isEmpty();
                progress = lastPage
                        ? new Progress(Optional.empty(), progress.settled() + settledNow, progress.pass() + 1,
                                progress.startedAt(), clock.instant())
                        : new Progress(page.nextCursor(), progress.settled() + settledNow, progress.pass(),
                                progress.startedAt(), clock.instant());
                settlements.saveProgress(marketId, progress);
                faults.reached("progress-saved");
                if (progress.pass() > 2) {
                    finish(marketId, result);
                    return Run.FINISHED;
                }
                if (System.nanoTime() > deadline) {
                    send(sqs, names.queueUrl(Queues.SETTLEMENT), marketId, "continue:" + progress.pass() + ":" + progress.cursor().orElse("") + ":"
                            + progress.updatedAt());
                    faults.reached("continuation-sent");
                    return Run.CONTINUED;
                }
            }
        } catch (Halted h) {
            return Run.HALTED;
        }
    }

    private long settleAll(List<Order> todo, MarketResult result) {
        List<Future<Boolean>> jobs = new ArrayList<>(todo.size());
        for (Order o : todo) {
            jobs.add(pool.submit(() -> settleOne(o, result)));
        }
        long settled = 0;
        RuntimeException first = null;
        for (Future<Boolean> f : jobs) {
            try {
                if (f.get()) {
                    settled++;
                }
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof Error err) {
                    throw err; // a simulated crash (or a real one) ends the invocation as it would in Lambda
                }
                if (first == null || c instanceof Halted) {
                    first = c instanceof RuntimeException r ? r : new IllegalStateException(c);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        if (first != null) {
            throw first;
        }
        return settled;
    }

    /**
     * Settles one order exactly once.
     *
     * @return true if this call settled it, false if it was already settled
     */
    boolean settleOne(Order order, MarketResult result) {
        Account account = wallet.account(order.ownerSub());
        for (Retry.Turns turns = RETRY.start(); turns.next(); ) {
            Instant now = clock.instant();
            Settlement s = Settlement.of(order, result, now);
            Posting p;
            try {
                p = s.posting(account, order);
            } catch (IllegalStateException noLongerOpen) {
                // the account no longer holds this order's stake as open exposure: it was settled
                // before (by an earlier delivery); anything else is drift for reconciliation to name
                if (orders.settlement(order.orderId()).isPresent()) {
                    return false;
                }
                throw noLongerOpen;
            }
            OrderSettlement.Outcome outcome = commits.commit(s, p, order.claims());
            if (outcome instanceof OrderSettlement.Settled) {
                faults.reached("order-settled");
                return true;
            }
            if (outcome instanceof OrderSettlement.AlreadySettled) {
                return false;
            }
            if (outcome instanceof OrderSettlement.Halted) {
                throw new Halted();
            }
            if (outcome instanceof OrderSettlement.AccountChanged changed) {
                account = changed.current();
                continue;
            }
            turns.backOff(); // collided with a concurrent transaction: read again
            account = wallet.account(order.ownerSub());
        }
        throw new IllegalStateException("order " + order.orderId() + " kept colliding; it will be retried");
    }

    private void finish(String marketId, MarketResult result) {
        MarketState to = result.voided() ? MarketState.VOIDED : MarketState.SETTLED;
        for (Retry.Turns turns = RETRY.start(); turns.next(); ) {
            Market before = markets.market(marketId).orElseThrow();
            if (before.state() != MarketState.SETTLING) {
                return; // a concurrent run finished it
            }
            Market.Change change = before.transition(to, Transition.SETTLEMENT, "ALL_ORDERS_SETTLED", clock.instant());
            if (markets.save(before, change, Optional.empty(), Optional.empty()) instanceof MarketStore.Saved) {
                faults.reached("market-finished");
                return;
            }
            turns.backOff(); // Raced: the market changed: read it again
        }
        throw new IllegalStateException("market " + marketId + " kept changing; finishing will be retried");
    }
}
