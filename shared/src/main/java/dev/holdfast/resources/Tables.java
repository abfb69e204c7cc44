package dev.holdfast.resources;

import java.util.List;
import java.util.Optional;

/**
 * Every DynamoDB table of Holdfast, defined once: the CDK stacks and the local environment both
 * create exactly these. All keys are generic strings ({@code pk}/{@code sk}) so that each table
 * can hold the few item kinds of its domain without a migration.
 */
public final class Tables {
    private Tables() {}

    /** Platform status (maintenance mode), risk config versions, rate-limit windows (TTL). */
    public static final TableDef PLATFORM = new TableDef("platform", "pk", "sk", List.of(),
            Optional.of("expiresAt"), Optional.empty(), false);

    /** Append-only audit trail of every admin action. */
    public static final TableDef AUDIT = new TableDef("audit", "pk", "sk", List.of(),
            Optional.empty(), Optional.empty(), true);

    /** Events, markets, their state transitions and immutable price snapshots. */
    public static final TableDef MARKETS = new TableDef("markets", "pk", "sk",
            List.of(new TableDef.Index("byState", "gsi1pk", "gsi1sk")),
            Optional.empty(), Optional.of(TableDef.StreamView.NEW_AND_OLD_IMAGES), true);

    /** Orders (each one its own idempotency record); streamed to post-trade risk. */
    public static final TableDef ORDERS = new TableDef("orders", "pk", "sk",
            List.of(new TableDef.Index("byMarket", "gsi1pk", "gsi1sk"),
                    new TableDef.Index("byUser", "gsi2pk", "gsi2sk")),
            Optional.empty(), Optional.of(TableDef.StreamView.NEW_IMAGE), true);

    /**
     * Accounts (balance views), their append-only ledger entries, and withdrawals with their send
     * attempts. Index {@code pending} is sparse: only PENDING withdrawals carry its keys, so the
     * withdrawal re-drive finds them without a scan.
     */
    public static final TableDef WALLET = new TableDef("wallet", "pk", "sk",
            List.of(new TableDef.Index("pending", "pendingShard", "pendingSince")),
            Optional.empty(), Optional.of(TableDef.StreamView.NEW_IMAGE), true);

    /** Exposure headroom buckets per limit scope. */
    public static final TableDef EXPOSURE = new TableDef("exposure", "pk", "sk", List.of(),
            Optional.empty(), Optional.empty(), true);

    /** Rollouts, cohorts, waiting-room tickets and signups; abandoned tickets expire. */
    public static final TableDef WAITING_ROOM = new TableDef("waiting-room", "pk", "sk", List.of(),
            Optional.of("expiresAt"), Optional.empty(), false);

    /**
     * Live-price connections, their subscriptions (one item per subscription, keyed by market and
     * shard, so one price change reads a bounded number of partitions), each market's publish
     * sequence and its recent changes for resume. Everything but the sequence expires by TTL:
     * a connection API Gateway never reported closed is gone after its maximum duration.
     */
    public static final TableDef CONNECTIONS = new TableDef("connections", "pk", "sk", List.of(),
            Optional.of("expiresAt"), Optional.empty(), false);

    public static final List<TableDef> ALL =
            List.of(PLATFORM, AUDIT, MARKETS, ORDERS, WALLET, EXPOSURE, WAITING_ROOM, CONNECTIONS);
}
