package dev.holdfast.persistence.exposure;

import dev.holdfast.persistence.Contention;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.api.Json;
import dev.holdfast.api.risk.RiskConfigJson;
import dev.holdfast.domain.audit.AuditRecord;
import dev.holdfast.domain.risk.RiskConfig;
import dev.holdfast.persistence.exposure.RiskItems.ConfigItem;
import dev.holdfast.resources.Tables;
import dev.holdfast.retry.Retry;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.GetItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactPutItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactWriteItemsEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The versioned risk config in the platform table. Every version is an immutable item
 * ({@code pk = RISK, sk = CONFIG#<version, 12 digits>}: config JSON, {@code changedBy},
 * {@code changedAt}, {@code reason}) and the item {@code pk = RISK, sk = CURRENT} points at the
 * current one. A change puts the next version, moves the pointer on the condition that it still
 * names the version the admin read ({@code If-Match}), and appends the audit record, all in one
 * transaction: two admins racing cannot both win, and no change goes unaudited. Versions are never
 * updated or deleted.
 */
public final class RiskConfigStore {
    /** The actor and reason of the initial defaults. */
    static final String SYSTEM = "system";
    static final String INITIAL_REASON = "initial defaults";
    public static final String AUDIT_ACTION = "RISK_CONFIG_SET";
    public static final String AUDIT_TARGET = "risk/config";
    /** A first-version race or a conflicting change is tried again, up to 10 tries. */
    private static final Retry RETRY = Retry.attempts(10);

    private final DynamoDbEnhancedClient enhanced;
    private final DynamoDbTable<ConfigItem> table;
    private final AuditLog audit;
    private final Clock clock;

    public RiskConfigStore(Deployment deployment, AuditLog audit) {
        this.enhanced = deployment.clients().enhanced();
        this.table = enhanced.table(deployment.names().table(Tables.PLATFORM), ConfigItem.SCHEMA);
        this.audit = audit;
        this.clock = deployment.clock();
    }

    /** One stored version: the config and who changed it, when and why. */
    public record Version(long version, String changedBy, Instant changedAt, String reason, RiskConfig config) {}

    /** What a change of the config came to. */
    public sealed interface ReplaceOutcome permits Replaced, VersionConflict {}

    /** The change is the current config now, with its version. */
    public record Replaced(RiskConfig current) implements ReplaceOutcome {}

    /**
     * The {@code If-Match} version is not the current one; nothing was changed.
     *
     * @param currentVersion the version that is current now: read it and apply the change again
     */
    public record VersionConflict(long currentVersion) implements ReplaceOutcome {}

    /**
     * The current config (strongly consistent reads). A platform that never had one gets version 1
     * = {@link RiskConfig#DEFAULT} (by {@code system}, "initial defaults"), created conditionally so
     * that racing first readers agree on one.
     */
    public RiskConfig current() {
        for (Retry.Turns turns = RETRY.start(); turns.next(); ) {
            ConfigItem pointer = get(RiskItems.CURRENT);
            if (pointer != null) {
                ConfigItem v = get(RiskItems.configSk(pointer.version));
                if (v == null) {
                    throw new IllegalStateException("the risk config pointer names a missing version " + pointer.version);
                }
                return RiskItems.fromItem(v).config();
            }
            if (initialize()) {
                return RiskConfig.DEFAULT;
            }
            turns.backOff();
        }
        throw new IllegalStateException("the risk config could not be read");
    }

    /** Writes version 1; false if another writer got there first (or the write collided). */
    private boolean initialize() {
        ConfigItem first = RiskItems.toItem(new Version(RiskConfig.DEFAULT.version(), SYSTEM, clock.instant(), INITIAL_REASON, RiskConfig.DEFAULT));
        ConfigItem pointer = RiskItems.pointerItem(1);
        Expression absent = Expression.builder().expression("attribute_not_exists(pk)").build();
        try {
            enhanced.transactWriteItems(TransactWriteItemsEnhancedRequest.builder()
                    .addPutItem(table, TransactPutItemEnhancedRequest.builder(ConfigItem.class).item(first).conditionExpression(absent).build())
                    .addPutItem(table, TransactPutItemEnhancedRequest.builder(ConfigItem.class).item(pointer).conditionExpression(absent).build())
                    .build());
            return true;
        } catch (TransactionCanceledException raced) {
            return false;
        }
    }

    /**
     * Makes {@code next} (its version is ignored) the current config as version
     * {@code ifMatchVersion + 1}, with its audit record ({@value #AUDIT_ACTION}, target
     * {@value #AUDIT_TARGET}, before and after as JSON), in one transaction; or
     * {@link VersionConflict} when {@code ifMatchVersion} is not the current version.
     */
    public ReplaceOutcome replace(long ifMatchVersion, RiskConfig next, String actor, String reason, Instant at) {
        if (ifMatchVersion < 1) {
            return new VersionConflict(currentVersion());
        }
        RiskConfig before = version(ifMatchVersion).map(Version::config).orElse(null);
        if (before == null) {
            RiskConfig cur = current();
            if (cur.version() != ifMatchVersion) {
                return new VersionConflict(cur.version());
            }
            before = cur;
        }
        RiskConfig after = next.withVersion(ifMatchVersion + 1);
        AuditRecord record = new AuditRecord(AuditLog.newId(), actor, AUDIT_ACTION, AUDIT_TARGET,
                Json.write(RiskConfigJson.toJson(before)), Json.write(RiskConfigJson.toJson(after)), at);
        Expression absent = Expression.builder().expression("attribute_not_exists(pk)").build();
        Expression stillCurrent = Expression.builder().expression("#v = :expected")
                .expressionNames(Map.of("#v", "version"))
                .expressionValues(Map.of(":expected", AttributeValue.fromN(Long.toString(ifMatchVersion))))
                .build();
        for (Retry.Turns turns = RETRY.start(); turns.next(); ) {
            try {
                enhanced.transactWriteItems(TransactWriteItemsEnhancedRequest.builder()
                        .addPutItem(table, TransactPutItemEnhancedRequest.builder(ConfigItem.class)
                                .item(RiskItems.toItem(new Version(after.version(), actor, at, reason, after))).conditionExpression(absent).build())
                        .addPutItem(table, TransactPutItemEnhancedRequest.builder(ConfigItem.class)
                                .item(RiskItems.pointerItem(after.version())).conditionExpression(stillCurrent).build())
                        .addPutItem(audit.table(), audit.putInTransaction(record))
                        .build());
                return new Replaced(after);
            } catch (TransactionCanceledException e) {
                if (Contention.conditionFailed(e, 0) || Contention.conditionFailed(e, 1)) {
                    return new VersionConflict(currentVersion());
                }
                if (!Contention.conflicted(e)) {
                    throw e;
                }
                // another transaction on the same items was in flight: try again; its outcome
                // decides whether ours still applies
                turns.backOff();
            }
        }
        throw new IllegalStateException("the risk config is changing too often; nothing was changed");
    }

    /** Every version, oldest first (configs change rarely: one query). */
    public List<Version> history() {
        List<Version> out = query();
        if (out.isEmpty()) {
            current();
            out = query();
        }
        return out;
    }

    /** One stored version, if it exists. */
    public Optional<Version> version(long version) {
        if (version < 1) {
            return Optional.empty();
        }
        return Optional.ofNullable(get(RiskItems.configSk(version))).map(RiskItems::fromItem);
    }

    private List<Version> query() {
        return table.query(QueryEnhancedRequest.builder()
                        .queryConditional(QueryConditional.sortBeginsWith(Key.builder()
                                .partitionValue(RiskItems.PK).sortValue(RiskItems.CONFIG_PREFIX).build()))
                        .scanIndexForward(true)
                        .consistentRead(true)
                        .build())
                .items().stream().map(RiskItems::fromItem).toList();
    }

    private long currentVersion() {
        ConfigItem pointer = get(RiskItems.CURRENT);
        return pointer != null ? pointer.version : current().version();
    }

    private ConfigItem get(String sk) {
        return table.getItem(GetItemEnhancedRequest.builder()
                .key(Key.builder().partitionValue(RiskItems.PK).sortValue(sk).build())
                .consistentRead(true).build());
    }
}
