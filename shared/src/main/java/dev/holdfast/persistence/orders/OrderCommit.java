package dev.holdfast.persistence.orders;

import dev.holdfast.persistence.BatchReads;
import dev.holdfast.persistence.Contention;
import dev.holdfast.persistence.PrimingWrites;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.exposure.ExposureStore;
import dev.holdfast.persistence.exposure.RiskConfigCache;
import dev.holdfast.persistence.markets.MarketStore;
import dev.holdfast.persistence.wallet.WalletStore;
import dev.holdfast.domain.market.Market;
import dev.holdfast.domain.order.ExposureClaim;
import dev.holdfast.domain.order.OrderDecision;
import dev.holdfast.domain.order.OrderOrigin;
import dev.holdfast.domain.risk.LimitScope;
import dev.holdfast.domain.wallet.Account;
import dev.holdfast.resources.Tables;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The order path's reads and its one transaction, with no item that every order shares.
 *
 * <p><b>Reads</b> ({@link #read}): one strongly consistent {@code BatchGetItem} for the order (is
 * this key taken?), the market and the account. Nothing else is read per order: the trading mode,
 * the risk lag and the risk config come from bounded caches ({@code TradingGate},
 * {@code RiskConfigCache}), a scope's limit buckets only until they are seen within their shares.
 *
 * <p><b>The transaction</b> ({@link #commit}), in this order of actions:
 * <ol start="0">
 *   <li>the order, put only if its id (owner + key) is new — the idempotency record, {@code ALL_OLD} on a duplicate;</li>
 *   <li>the caller's rate window, and the source address's when known ({@link RateLimiter#countActions});</li>
 *   <li>the wallet posting: the account (conditional on its revision, {@code ALL_OLD}) and its STAKE entries;</li>
 *   <li>one conditional increment per exposure claim, each in one bucket of its scope.</li>
 * </ol>
 * The market is not in it: its state and price were read at most {@code readGuard} before the
 * commit was sent (the contract's 250 ms window), so a price update or a suspension never waits for
 * orders, and orders never conflict with it. The platform status is not in it either: the trading
 * gate binds within its stated bound. Every item in it belongs to this order, its owner, its source
 * address or one of many limit buckets.
 *
 * <p>A cancellation comes back as a named {@link Result}: which condition failed (a duplicate key,
 * a full rate window, a changed account — returned as it is now, so no re-read — a full bucket), or
 * contention (a transaction conflict or throttling) that a retry with back-off resolves.
 */
public final class OrderCommit {
    private final Deployment deployment;
    private final DynamoDbClient dynamo;
    private final OrderStore orders;
    private final WalletStore wallet;
    private final ExposureStore exposure;
    private final RateLimiter rates;
    private final String ordersTable;
    private final String marketsTable;
    private final String walletTable;
    private final Clock clock;
    private final Set<String> verified = ConcurrentHashMap.newKeySet();
    private final Map<String, java.util.concurrent.CompletableFuture<Map<Integer, BigDecimal>>> reading = new ConcurrentHashMap<>();

    private final MarketStore markets;

    public OrderCommit(Deployment deployment, OrderStore orders, MarketStore markets, WalletStore wallet,
                       ExposureStore exposure, RateLimiter rates) {
        this.markets = markets;
        this.deployment = deployment;
        this.dynamo = deployment.clients().dynamo();
        this.orders = orders;
        this.wallet = wallet;
        this.exposure = exposure;
        this.rates = rates;
        this.ordersTable = deployment.names().table(Tables.ORDERS);
        this.marketsTable = deployment.names().table(Tables.MARKETS);
        this.walletTable = deployment.names().table(Tables.WALLET);
        this.clock = deployment.clock();
    }

    // ------------------------------------------------------------------------------ reading

    /**
     * What one order attempt starts from.
     *
     * @param existing     the order of this key, with its answer, if the key is taken
     * @param marketReadAt when the market read was sent: the commit must be sent within the read guard of it
     */
    public record Inputs(Optional<StoredOrder> existing, Optional<Market> market, Account account, Instant marketReadAt) {
        public Inputs withAccount(Account a) {
            return new Inputs(existing, market, a, marketReadAt);
        }

        public Inputs withMarket(Optional<Market> m, Instant at) {
            return new Inputs(existing, m, account, at);
        }
    }

    /** The order (if the key is taken), the market and the account, in one strongly consistent batch read. */
    public Inputs read(String orderId, String marketId, String sub) {
        Instant at = clock.instant();
        Map<String, KeysAndAttributes> request = new HashMap<>();
        request.put(ordersTable, keys(OrderStore.orderKey(orderId)));
        request.put(marketsTable, keys(MarketStore.marketKey(marketId)));
        request.put(walletTable, keys(WalletStore.accountKey(sub)));
        Map<String, List<Map<String, AttributeValue>>> found = BatchReads.all(dynamo, request);
        Optional<StoredOrder> existing = first(found, ordersTable).map(OrderItem::fromItem);
        Optional<Market> market = first(found, marketsTable).map(MarketStore::fromAttributes);
        Account account = WalletStore.accountFrom(sub, first(found, walletTable).orElse(null));
        return new Inputs(existing, market, account, at);
    }

    /** The market again (strongly consistent), when the read guard ran out before the commit was sent. */
    public Inputs rereadMarket(Inputs in, String marketId) {
        Instant at = clock.instant();
        return in.withMarket(markets.market(marketId), at);
    }

    private static KeysAndAttributes keys(Map<String, AttributeValue> key) {
        return KeysAndAttributes.builder().keys(List.of(key)).consistentRead(true).build();
    }

    private static Optional<Map<String, AttributeValue>> first(Map<String, List<Map<String, AttributeValue>>> found, String table) {
        List<Map<String, AttributeValue>> items = found.get(table);
        return items == null || items.isEmpty() ? Optional.empty() : Optional.of(items.get(0));
    }

    /** The limit buckets as the decision sees them: read when needed, remembered when within their shares. */
    public OrderDecision.Buckets buckets() {
        return new OrderDecision.Buckets() {
            @Override
            public Map<Integer, BigDecimal> read(LimitScope scope, String scopeKey) {
                // one read per scope at a time in a container: concurrent orders that need the same
                // scope's buckets share the read in flight (in Lambda a container serves one order at a time)
                String key = scope + "|" + scopeKey;
                java.util.concurrent.CompletableFuture<Map<Integer, BigDecimal>> mine = new java.util.concurrent.CompletableFuture<>();
                java.util.concurrent.CompletableFuture<Map<Integer, BigDecimal>> running = reading.putIfAbsent(key, mine);
                if (running != null) {
                    return running.join();
                }
                try {
                    Map<Integer, BigDecimal> used = exposure.buckets(scope, scopeKey);
                    mine.complete(used);
                    return used;
                } catch (RuntimeException e) {
                    mine.completeExceptionally(e);
                    throw e;
                } finally {
                    reading.remove(key, mine);
                }
            }

            @Override
            public boolean verified(String key) {
                return verified.contains(key);
            }

            @Override
            public void rememberVerified(String key) {
                if (verified.size() > 100_000) {
                    verified.clear(); // bounded: forgetting only costs a bucket read
                }
                verified.add(key);
            }
        };
    }

    // ------------------------------------------------------------------------------ committing

    /** What a commit attempt came to. */
    public sealed interface Result permits Committed, Duplicate, RateLimited, Retry {}

    /** Everything committed. */
    public record Committed() implements Result {}

    /** The key already has an outcome: replay it. */
    public record Duplicate(StoredOrder first) implements Result {}

    /** A rate window is full: {@code 429}, nothing committed. */
    public record RateLimited() implements Result {}

    /**
     * Nothing committed; decide again with what changed: the account as it is now (when it had
     * changed), the scopes whose picked bucket was full, whether it was contention (a transaction
     * conflict or throttling, named by {@code reasons}) that calls for a back-off, and whether the
     * account was among the contended items (then it is read again).
     */
    public record Retry(boolean accountChanged, Optional<Account> account, Set<LimitScope> fullScopes, boolean contended,
                        boolean accountBusy, List<String> reasons) implements Result {}

    /** The transaction actions of an accepted order, with the index of each claim's action. */
    public record Plan(List<TransactWriteItem> actions, int accountIndex, int rateFrom, int rateTo,
                       Map<Integer, LimitScope> claims) {}

    public Plan plan(OrderDecision.Accepted a, OrderOrigin origin, RateLimiter.Window window) {
        List<TransactWriteItem> actions = new ArrayList<>();
        actions.add(orders.putNewAction(StoredOrder.accepted(a.order(), origin)));
        int rateFrom = actions.size();
        actions.addAll(rates.countActions(window));
        int rateTo = actions.size();
        int accountIndex = actions.size();
        actions.addAll(wallet.postingActions(a.posting()));
        Map<Integer, LimitScope> claims = new HashMap<>();
        for (Map.Entry<ExposureClaim, BigDecimal> c : a.claims().entrySet()) {
            claims.put(actions.size(), c.getKey().scope());
            actions.add(exposure.claimAction(c.getKey(), c.getValue()));
        }
        return new Plan(actions, accountIndex, rateFrom, rateTo, claims);
    }

    /** Sends an accepted order's one transaction. */
    public Result commit(OrderDecision.Accepted a, OrderOrigin origin, RateLimiter.Window window) {
        Plan plan = plan(a, origin, window);
        try {
            dynamo.transactWriteItems(b -> b.transactItems(plan.actions()));
            return new Committed();
        } catch (TransactionCanceledException e) {
            return cancelled(e, a.order().orderId(), plan.rateFrom(), plan.rateTo(), plan.accountIndex(), plan.claims());
        }
    }

    /** SnapStart priming: an accepted order's transaction, marshalled and sent behind a condition that cannot hold. */
    public void prime(OrderDecision.Accepted a, OrderOrigin origin, RateLimiter.Window window) {
        PrimingWrites.cancelled(deployment, Tables.ORDERS, plan(a, origin, window).actions());
    }

    /**
     * Records a rejected order as its key's outcome, counted in the rate windows like any order
     * attempt, in one transaction: the order put (only if the key is new) and the window counters.
     */
    public Result recordRejection(StoredOrder rejected, RateLimiter.Window window) {
        List<TransactWriteItem> actions = new ArrayList<>();
        actions.add(orders.putNewAction(rejected));
        actions.addAll(rates.countActions(window));
        try {
            dynamo.transactWriteItems(b -> b.transactItems(actions));
            return new Committed();
        } catch (TransactionCanceledException e) {
            return cancelled(e, rejected.order().orderId(), 1, actions.size(), -1, Map.of());
        }
    }

    private Result cancelled(TransactionCanceledException e, String orderId, int rateFrom, int rateTo, int accountIndex,
                             Map<Integer, LimitScope> claims) {
        if (Contention.conditionFailed(e, 0)) {
            return new Duplicate(Contention.oldItem(e, 0).map(OrderItem::fromItem)
                    .orElseGet(() -> orders.storedOrder(orderId).orElseThrow()));
        }
        for (int i = rateFrom; i < rateTo; i++) {
            if (Contention.conditionFailed(e, i)) {
                return new RateLimited();
            }
        }
        boolean accountChanged = accountIndex >= 0 && Contention.conditionFailed(e, accountIndex);
        Optional<Account> account = accountChanged ? WalletStore.currentAccount(e, accountIndex) : Optional.empty();
        Set<LimitScope> full = EnumSet.noneOf(LimitScope.class);
        claims.forEach((index, scope) -> {
            if (Contention.conditionFailed(e, index)) {
                full.add(scope);
            }
        });
        List<String> reasons = new ArrayList<>();
        boolean contended = false;
        if (e.hasCancellationReasons()) {
            for (var r : e.cancellationReasons()) {
                String code = r.code();
                reasons.add(code == null ? "None" : code);
                if (Contention.TRANSACTION_CONFLICT.equals(code) || Contention.THROTTLING_ERROR.equals(code)) {
                    contended = true;
                }
            }
        }
        if (!contended && !accountChanged && full.isEmpty()) {
            contended = true; // a cancellation without a reason we know: back off and decide again
        }
        // the account itself was in a concurrent transaction: it is likely to have changed by the retry
        boolean accountBusy = accountIndex >= 0 && Contention.TRANSACTION_CONFLICT.equals(Contention.reason(e, accountIndex));
        return new Retry(accountChanged, account, full, contended, accountBusy, reasons);
    }
}
