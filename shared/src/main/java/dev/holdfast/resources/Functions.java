package dev.holdfast.resources;

import java.util.List;

/** Every Lambda function of Holdfast, defined once. */
public final class Functions {
    private Functions() {}

    /** Health, maintenance mode, audit trail, and the contract's 404 for unknown routes. */
    public static final FunctionDef PLATFORM = new FunctionDef("platform",
            "dev.holdfast.functions.platform.PlatformApi", 1024, 10,
            List.of(Tables.PLATFORM, Tables.AUDIT), List.of(Tables.PLATFORM, Tables.AUDIT), List.of());

    /** Events, markets, price snapshots, market state and results (admin), feed quarantine. */
    public static final FunctionDef MARKETS = new FunctionDef("markets",
            "dev.holdfast.functions.markets.MarketsApi", 1024, 10,
            List.of(Tables.MARKETS, Tables.AUDIT, Tables.PLATFORM), List.of(Tables.MARKETS, Tables.AUDIT),
            List.of(Queues.SETTLEMENT));

    /** Applies odds-feed messages: snapshots, price pointer, quarantine. */
    public static final FunctionDef FEED_INGESTER = new FunctionDef("feed-ingester",
            "dev.holdfast.functions.feed.FeedIngester", 1024, 5,
            List.of(Tables.MARKETS, Tables.PLATFORM), List.of(Tables.MARKETS), List.of());

    /** Suspends markets whose feed went stale and reopens them (loops for a minute per invocation). */
    public static final FunctionDef FEED_WATCHDOG = new FunctionDef("feed-watchdog",
            "dev.holdfast.functions.feed.FeedWatchdog", 512, 75,
            List.of(Tables.MARKETS, Tables.PLATFORM), List.of(Tables.MARKETS, Tables.PLATFORM), List.of());

    /** Risk config (versioned, audited) and exposure reads. */
    public static final FunctionDef RISK = new FunctionDef("risk",
            "dev.holdfast.functions.risk.RiskApi", 1024, 10,
            List.of(Tables.PLATFORM, Tables.AUDIT, Tables.EXPOSURE), List.of(Tables.PLATFORM, Tables.AUDIT), List.of());

    /** Wallet, ledger, admin credits and withdrawals (hold the cash, enqueue the payout). */
    public static final FunctionDef WALLET = new FunctionDef("wallet",
            "dev.holdfast.functions.wallet.WalletApi", 1024, 10,
            List.of(Tables.WALLET, Tables.PLATFORM, Tables.AUDIT), List.of(Tables.WALLET, Tables.PLATFORM, Tables.AUDIT),
            List.of(Queues.WITHDRAWALS));

    /**
     * Pays withdrawals through the bank adapter (queue {@code withdrawals}, group = account). Its
     * timeout bounds how long an attempt can still be in flight (the attempt lease); the queue's
     * visibility timeout is at least six times it. It starts a message only while the rest of its
     * time covers two bank calls (status, send). Needs {@code BANK_URL}.
     */
    public static final FunctionDef WITHDRAWAL_WORKER = new FunctionDef("withdrawal-worker",
            "dev.holdfast.functions.withdrawals.WithdrawalWorker", 1024, 9,
            List.of(Tables.WALLET, Tables.PLATFORM), List.of(Tables.WALLET), List.of());

    /** Re-enqueues withdrawals still PENDING after a while (lost send, dead-lettered message); loops for a minute per invocation. */
    public static final FunctionDef WITHDRAWAL_REDRIVE = new FunctionDef("withdrawal-redrive",
            "dev.holdfast.functions.withdrawals.WithdrawalRedrive", 512, 75,
            List.of(Tables.WALLET), List.of(), List.of(Queues.WITHDRAWALS));

    /** Order execution: one atomic, idempotent commit per order. */
    public static final FunctionDef ORDERS = new FunctionDef("orders",
            "dev.holdfast.functions.orders.OrdersApi", 1769, 10,
            List.of(Tables.ORDERS, Tables.MARKETS, Tables.WALLET, Tables.EXPOSURE, Tables.PLATFORM),
            List.of(Tables.ORDERS, Tables.WALLET, Tables.EXPOSURE, Tables.PLATFORM), List.of());

    /**
     * Settles a market's accepted orders exactly once, in steps that fit the timeout: pages for at
     * most half of it, then a continuation message (so the settlement queue's visibility timeout,
     * six times this, stays under a minute).
     */
    public static final FunctionDef SETTLER = new FunctionDef("settler",
            "dev.holdfast.functions.settlement.Settler", 1769, 8,
            List.of(Tables.ORDERS, Tables.MARKETS, Tables.WALLET, Tables.EXPOSURE, Tables.PLATFORM),
            List.of(Tables.ORDERS, Tables.MARKETS, Tables.WALLET, Tables.EXPOSURE), List.of(Queues.SETTLEMENT));

    /** Re-sends the command of a market SETTLING without progress (a lost command); loops for a minute per invocation. */
    public static final FunctionDef SETTLEMENT_WATCHDOG = new FunctionDef("settlement-watchdog",
            "dev.holdfast.functions.settlement.SettlementWatchdog", 512, 75,
            List.of(Tables.MARKETS, Tables.PLATFORM), List.of(), List.of(Queues.SETTLEMENT));

    /**
     * Post-trade risk on the orders stream: open liability per selection, the markets' exposure
     * signal and risk suspensions, pattern flags, and the lag report that fails trading closed.
     */
    public static final FunctionDef RISK_PROCESSOR = new FunctionDef("risk-processor",
            "dev.holdfast.functions.risk.RiskProcessor", 1024, 30,
            List.of(Tables.ORDERS, Tables.MARKETS, Tables.PLATFORM, Tables.WALLET),
            List.of(Tables.MARKETS, Tables.PLATFORM), List.of());

    /** Writes the risk pipeline's heartbeat into the orders stream (loops for a minute per invocation). */
    public static final FunctionDef RISK_HEARTBEAT = new FunctionDef("risk-heartbeat",
            "dev.holdfast.functions.risk.RiskHeartbeat", 256, 75,
            List.of(Tables.ORDERS), List.of(Tables.ORDERS), List.of());

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


    /**
     * Rollouts and their signed cohort links (admin), the waiting room's enter and ticket polls.
     * Signs cohort links and admission tokens with the secret from {@code SIGNING_SECRET} (local) or
     * the managed secret named by {@code SIGNING_SECRET_ARN} (AWS); builds links on {@code WAITING_PAGE_URL}.
     */
    public static final FunctionDef WAITING_ROOM = new FunctionDef("waiting-room",
            "dev.holdfast.functions.waitingroom.WaitingRoomApi", 1024, 10,
            List.of(Tables.WAITING_ROOM, Tables.AUDIT, Tables.PLATFORM),
            List.of(Tables.WAITING_ROOM, Tables.AUDIT, Tables.PLATFORM), List.of());

    /**
     * Advances each open cohort's serving position at no more than its admission rate, slowed by the
     * identity verifier's health (loops for a minute per invocation).
     */
    public static final FunctionDef ADMITTER = new FunctionDef("admitter",
            "dev.holdfast.functions.waitingroom.Admitter", 512, 75,
            List.of(Tables.WAITING_ROOM), List.of(Tables.WAITING_ROOM), List.of());

    /** {@code POST /signup} (admission token, enqueue for verification) and {@code GET /signup/{id}}. */
    public static final FunctionDef SIGNUP = new FunctionDef("signup",
            "dev.holdfast.functions.signup.SignupApi", 1024, 10,
            List.of(Tables.WAITING_ROOM, Tables.PLATFORM), List.of(Tables.WAITING_ROOM), List.of(Queues.SIGNUPS));

    /**
     * Verifies identities through the provider adapter ({@code VERIFIER_URL}) and opens each verified
     * signup's account with an empty wallet, at most once (queue {@code signups}). It starts a
     * message only while the rest of its time covers a verifier call.
     */
    public static final FunctionDef SIGNUP_WORKER = new FunctionDef("signup-worker",
            "dev.holdfast.functions.signup.SignupWorker", 1024, 9,
            List.of(Tables.WAITING_ROOM, Tables.WALLET), List.of(Tables.WAITING_ROOM, Tables.WALLET), List.of());

    /** Re-enqueues signups still PENDING after a while (lost send, dead-lettered after a long verifier outage); loops for a minute per invocation. */
    public static final FunctionDef SIGNUP_REDRIVE = new FunctionDef("signup-redrive",
            "dev.holdfast.functions.signup.SignupRedrive", 512, 75,
            List.of(Tables.WAITING_ROOM), List.of(), List.of(Queues.SIGNUPS));

    /**
     * The live-price WebSocket API's routes ({@code $connect}, {@code $disconnect}, {@code subscribe},
     * {@code unsubscribe}, {@code resume}, {@code ping}, {@code $default}): connections and their
     * subscriptions, snapshots and resume. Answers through {@code PostToConnection} ({@code LIVE_CALLBACK_URL}).
     */
    public static final FunctionDef LIVE = new FunctionDef("live",
            "dev.holdfast.functions.live.LiveApi", 1024, 10,
            List.of(Tables.CONNECTIONS, Tables.MARKETS), List.of(Tables.CONNECTIONS), List.of());

    /** Publishing: the markets stream to live-price messages, sent to every subscriber ({@code LIVE_CALLBACK_URL}). */
    public static final FunctionDef LIVE_PUBLISHER = new FunctionDef("live-publisher",
            "dev.holdfast.functions.live.LivePublisher", 1024, 60,
            List.of(Tables.CONNECTIONS), List.of(Tables.CONNECTIONS), List.of());

    /**
     * The live WebSocket API's {@code $connect} authorizer: checks the user's Cognito access token
     * ({@code USER_POOL_ISSUER}, {@code USER_POOL_CLIENT_ID}); touches no table.
     */
    public static final FunctionDef LIVE_AUTHORIZER = new FunctionDef("live-authorizer",
            "dev.holdfast.functions.live.LiveAuthorizer", 512, 5, List.of(), List.of(), List.of());

    /**
     * Pre-scaling ahead of the surge calendar ({@code dev.holdfast.domain.capacity.PreScalingPlan}):
     * every 5 minutes it raises DynamoDB warm throughput and sets provisioned concurrency on the
     * orders, waiting-room and platform ({@code GET /status}) aliases before a surge, and puts the
     * provisioned concurrency back after it. Reads the surge calendar (the platform table) and writes no
     * item; its other grants are control-plane calls on named tables and aliases only (the CDK app's
     * {@code PreScalingConstruct}). Runs in AWS only:
     * what it changes does not exist locally ({@code ./localstack/capacity plan} prints its plan).
     */
    public static final FunctionDef PREPARER = new FunctionDef("preparer",
            "dev.holdfast.functions.capacity.Preparer", 512, 60, List.of(Tables.PLATFORM), List.of(), List.of());

    /** The functions the live WebSocket API invokes (its routes and its {@code $connect} authorizer). */
    public static final List<FunctionDef> WEBSOCKET = List.of(LIVE, LIVE_AUTHORIZER);

    /**
     * CodeDeploy's pre-traffic hook of every function alias in {@link #ALL}: refuses a deployment
     * during a surge's change freeze (reports {@code Failed}) unless ops recorded a deploy override;
     * audits each deployment it refuses or lets through by an override. Not itself in {@link #ALL}:
     * it is invoked by CodeDeploy only, through no alias and no deployment group of its own.
     */
    public static final FunctionDef PRE_TRAFFIC_HOOK = new FunctionDef("pre-traffic-hook",
            "dev.holdfast.functions.deploy.PreTrafficHook", 512, 30,
            List.of(Tables.PLATFORM, Tables.AUDIT), List.of(Tables.AUDIT), List.of());

    /** The deployment hooks (deployed beside, not among, {@link #ALL}). */
    public static final List<FunctionDef> DEPLOY_HOOKS = List.of(PRE_TRAFFIC_HOOK);

    public static final List<FunctionDef> ALL = List.of(PLATFORM, MARKETS, FEED_INGESTER, FEED_WATCHDOG, WALLET, RISK, ORDERS,
            SETTLER, SETTLEMENT_WATCHDOG, WITHDRAWAL_WORKER, WITHDRAWAL_REDRIVE, RISK_PROCESSOR, RISK_HEARTBEAT, RECONCILIATION, RECONCILER,
            WAITING_ROOM, ADMITTER, SIGNUP, SIGNUP_WORKER, SIGNUP_REDRIVE, LIVE, LIVE_PUBLISHER,
            LIVE_AUTHORIZER, PREPARER);

    /** The function with this id. */
    public static FunctionDef byId(String id) {
        return ALL.stream().filter(f -> f.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no function " + id));
    }
}
