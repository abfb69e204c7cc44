package dev.holdfast.persistence;

import dev.holdfast.resources.TableDef;
import dev.holdfast.runtime.Deployment;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SnapStart priming's DynamoDB calls, which change nothing: a read of a key that never exists, and
 * a transaction sent behind a condition that cannot hold (that key exists), so DynamoDB validates
 * and cancels it and writes nothing — a function's real commit, marshalled and sent, without effect.
 * The commit classes prime through here ({@code OrderCommit.prime}, {@code OrderSettlement.prime}).
 */
public final class PrimingWrites {
    /** A key no item ever has. */
    public static final String ABSENT_KEY = "snapstart-priming#absent";

    private PrimingWrites() {}

    /** Reads the absent key of {@code table}: a miss. */
    public static void readMiss(Deployment deployment, TableDef table) {
        String name = deployment.names().table(table);
        deployment.clients().dynamo().getItem(b -> b.tableName(name).key(absentKey(table)));
    }

    /**
     * Submits {@code actions} behind a condition that cannot hold (the absent key of {@code table}
     * exists), so the whole transaction is cancelled and nothing is written.
     *
     * @throws IllegalStateException if the transaction was not cancelled
     */
    public static void cancelled(Deployment deployment, TableDef table, List<TransactWriteItem> actions) {
        List<TransactWriteItem> all = new ArrayList<>();
        all.add(TransactWriteItem.builder()
                .conditionCheck(ConditionCheck.builder().tableName(deployment.names().table(table)).key(absentKey(table))
                        .conditionExpression("attribute_exists(#k)")
                        .expressionAttributeNames(Map.of("#k", table.partitionKey())).build())
                .build());
        all.addAll(actions);
        try {
            deployment.clients().dynamo().transactWriteItems(b -> b.transactItems(all));
        } catch (TransactionCanceledException expected) {
            expected.cancellationReasons().forEach(CancellationReason::code);
            return;
        }
        throw new IllegalStateException("a condition on " + ABSENT_KEY + " held in " + table.id());
    }

    private static Map<String, AttributeValue> absentKey(TableDef table) {
        Map<String, AttributeValue> key = new HashMap<>();
        key.put(table.partitionKey(), AttributeValue.fromS(ABSENT_KEY));
        if (table.sortKey() != null) {
            key.put(table.sortKey(), AttributeValue.fromS(ABSENT_KEY));
        }
        return key;
    }
}
