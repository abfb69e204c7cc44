package dev.holdfast.resources;

import java.util.List;

/** Every Lambda function of Holdfast, defined once. */
public final class Functions {
    private Functions() {}

    /** Health, maintenance mode, audit trail, and the contract's 404 for unknown routes. */
    public static final FunctionDef PLATFORM = new FunctionDef("platform",
            "dev.holdfast.functions.platform.PlatformApi", 1024, 10,
            List.of(Tables.PLATFORM, Tables.AUDIT), List.of(Tables.PLATFORM, Tables.AUDIT), List.of());

    /** Events, markets, price snapshots, market state (admin), feed quarantine. */
    public static final FunctionDef MARKETS = new FunctionDef("markets",
            "dev.holdfast.functions.markets.MarketsApi", 1024, 10,
            List.of(Tables.MARKETS, Tables.AUDIT), List.of(Tables.MARKETS, Tables.AUDIT), List.of());

    /** Applies odds-feed messages: snapshots, price pointer, quarantine. */
    public static final FunctionDef FEED_INGESTER = new FunctionDef("feed-ingester",
            "dev.holdfast.functions.feed.FeedIngester", 1024, 10,
            List.of(Tables.MARKETS), List.of(Tables.MARKETS), List.of());

    /** Suspends markets whose feed went stale and reopens them (loops for a minute per invocation). */
    public static final FunctionDef FEED_WATCHDOG = new FunctionDef("feed-watchdog",
            "dev.holdfast.functions.feed.FeedWatchdog", 512, 75,
            List.of(Tables.MARKETS, Tables.PLATFORM), List.of(Tables.MARKETS, Tables.PLATFORM), List.of());

    /** Risk config (versioned, audited) and exposure reads. */
    public static final FunctionDef RISK = new FunctionDef("risk",
            "dev.holdfast.functions.risk.RiskApi", 1024, 10,
            List.of(Tables.PLATFORM, Tables.AUDIT, Tables.EXPOSURE), List.of(Tables.PLATFORM, Tables.AUDIT), List.of());

    /** Wallet, ledger and admin credits. */
    public static final FunctionDef WALLET = new FunctionDef("wallet",
            "dev.holdfast.functions.wallet.WalletApi", 1024, 10,
            List.of(Tables.WALLET, Tables.PLATFORM, Tables.AUDIT), List.of(Tables.WALLET, Tables.PLATFORM, Tables.AUDIT), List.of());

    /** Order execution: one atomic, idempotent commit per order. */
    public static final FunctionDef ORDERS = new FunctionDef("orders",
            "dev.holdfast.functions.orders.OrdersApi", 1769, 10,
            List.of(Tables.ORDERS, Tables.MARKETS, Tables.WALLET, Tables.EXPOSURE, Tables.PLATFORM),
            List.of(Tables.ORDERS, Tables.WALLET, Tables.EXPOSURE, Tables.PLATFORM), List.of());

    /**
     * Reconciliation on demand and its reports: {@code POST /admin/reconciliation/runs} runs one
     * within the request (reads every account, order and bucket; see {@code ReconciliationReader}),
     * {@code GET /admin/reconciliation/latest} reads the newest report.
     */
    public static final FunctionDef RECONCILIATION = new FunctionDef("reconciliation",
            "dev.holdfast.functions.reconciliation.ReconciliationApi", 1769, 29,
            List.of(Tables.WALLET, Tables.ORDERS, Tables.EXPOSURE, Tables.PLATFORM, Tables.AUDIT),
            List.of(Tables.PLATFORM, Tables.AUDIT), List.of());

    /** Scheduled reconciliation: rebuilds every balance and exposure view and stores the report. */
    public static final FunctionDef RECONCILER = new FunctionDef("reconciler",
            "dev.holdfast.functions.reconciliation.Reconciler", 1769, 600,
            List.of(Tables.WALLET, Tables.ORDERS, Tables.EXPOSURE, Tables.PLATFORM),
            List.of(Tables.PLATFORM), List.of());

    public static final List<FunctionDef> ALL = List.of(PLATFORM, MARKETS, FEED_INGESTER, FEED_WATCHDOG, WALLET, RISK, ORDERS,
            RECONCILIATION, RECONCILER);

    /** The function with this id. */
    public static FunctionDef byId(String id) {
        return ALL.stream().filter(f -> f.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no function " + id));
    }
}
