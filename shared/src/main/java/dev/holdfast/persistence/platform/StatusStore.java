package dev.holdfast.persistence.platform;

import dev.holdfast.persistence.Contention;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.domain.audit.AuditRecord;
import dev.holdfast.domain.platform.PlatformStatus;
import dev.holdfast.domain.platform.TradingMode;
import dev.holdfast.resources.Tables;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.GetItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.PutItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactPutItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactWriteItemsEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Clock;
import java.util.Map;

/**
 * The platform status item. A change and its audit record commit in one transaction, guarded by
 * the status revision, so two admins racing cannot lose an update nor leave an unaudited change.
 */
public final class StatusStore {
    private final DynamoDbEnhancedClient enhanced;
    private final DynamoDbTable<StatusItem> table;
    private final AuditLog audit;
    private final Clock clock;

    public StatusStore(Deployment deployment, AuditLog audit) {
        this.enhanced = deployment.clients().enhanced();
        this.table = enhanced.table(deployment.names().table(Tables.PLATFORM), StatusItem.SCHEMA);
        this.audit = audit;
        this.clock = deployment.clock();
    }

    /**
     * The current status (strongly consistent), for readers that may not write the platform table:
     * a platform that never stored one is NORMAL (as {@link #current} would store it).
     */
    public PlatformStatus read() {
        StatusItem item = table.getItem(GetItemEnhancedRequest.builder()
                .key(Key.builder().partitionValue(StatusItem.PK).sortValue(StatusItem.SK).build())
                .consistentRead(true).build());
        return item != null ? StatusItem.fromItem(item) : PlatformStatus.initial(clock.instant());
    }

    /** The current status (strongly consistent). A platform that never had one starts NORMAL. */
    public PlatformStatus current() {
        StatusItem item = table.getItem(GetItemEnhancedRequest.builder()
                .key(Key.builder().partitionValue(StatusItem.PK).sortValue(StatusItem.SK).build())
                .consistentRead(true).build());
        if (item != null) {
            return StatusItem.fromItem(item);
        }
        PlatformStatus initial = PlatformStatus.initial(clock.instant());
        try {
            table.putItem(PutItemEnhancedRequest.builder(StatusItem.class).item(StatusItem.toItem(initial))
                    .conditionExpression(Expression.builder().expression("attribute_not_exists(pk)").build())
                    .build());
            return initial;
        } catch (ConditionalCheckFailedException raced) {
            return current();
        }
    }

    /**
     * The condition, inside a money-moving transaction, that the platform is still NORMAL at
     * commit: an order racing a halt either commits before it or not at all.
     */
    public software.amazon.awssdk.services.dynamodb.model.TransactWriteItem normalModeCheck() {
        return normalModeCheck(table.tableName());
    }

    /** {@link #normalModeCheck()} on the platform table {@code platformTable}, for commits that guard themselves. */
    public static software.amazon.awssdk.services.dynamodb.model.TransactWriteItem normalModeCheck(String platformTable) {
        return software.amazon.awssdk.services.dynamodb.model.TransactWriteItem.builder()
                .conditionCheck(software.amazon.awssdk.services.dynamodb.model.ConditionCheck.builder()
                        .tableName(platformTable)
                        .key(Map.of("pk", AttributeValue.fromS(StatusItem.PK), "sk", AttributeValue.fromS(StatusItem.SK)))
                        .conditionExpression("#mode = :normal")
                        .expressionAttributeNames(Map.of("#mode", "mode"))
                        .expressionAttributeValues(Map.of(":normal", AttributeValue.fromS(TradingMode.NORMAL.name())))
                        .build())
                .build();
    }

    /** Thrown when the status changed between read and write; read again and retry. */
    public static final class ConcurrentChange extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ConcurrentChange() {
            super("the platform status changed concurrently", null, false, false);
        }
    }

    /**
     * Replaces {@code before} with {@code after} and appends {@code record}, atomically.
     *
     * @throws ConcurrentChange if the stored status is no longer {@code before}
     */
    public void change(PlatformStatus before, PlatformStatus after, AuditRecord record) {
        Expression sameRevision = Expression.builder()
                .expression("revision = :r")
                .expressionValues(Map.of(":r", AttributeValue.fromN(Long.toString(before.revision()))))
                .build();
        try {
            enhanced.transactWriteItems(TransactWriteItemsEnhancedRequest.builder()
                    .addPutItem(table, TransactPutItemEnhancedRequest.builder(StatusItem.class)
                            .item(StatusItem.toItem(after)).conditionExpression(sameRevision).build())
                    .addPutItem(audit.table(), audit.putInTransaction(record))
                    .build());
        } catch (TransactionCanceledException e) {
            if (Contention.conditionFailed(e, 0)) {
                throw new ConcurrentChange();
            }
            throw e;
        }
    }
}
