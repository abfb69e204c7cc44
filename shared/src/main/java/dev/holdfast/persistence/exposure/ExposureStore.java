package dev.holdfast.persistence.exposure;

import dev.holdfast.persistence.BatchReads;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.domain.order.ExposureBuckets;
import dev.holdfast.domain.order.ExposureClaim;
import dev.holdfast.domain.risk.LimitScope;
import dev.holdfast.resources.Tables;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Exposure buckets (see {@link ExposureBuckets} for the scheme): item {@code pk = <scope>#<key>#B<i>},
 * {@code sk = BUCKET}, attribute {@code used} — the open liability this bucket holds. Claims are
 * conditional increments inside the order's transaction; releases are decrements inside the
 * settlement's. The exposure of a scope is the sum of its buckets.
 */
public final class ExposureStore {
    private final DynamoDbClient dynamo;
    private final String table;

    public ExposureStore(Deployment deployment) {
        this.dynamo = deployment.clients().dynamo();
        this.table = deployment.names().table(Tables.EXPOSURE);
    }

    static String pk(LimitScope scope, String scopeKey, int bucket) {
        return scope.name() + "#" + scopeKey + "#B" + bucket;
    }

    private static Map<String, AttributeValue> key(LimitScope scope, String scopeKey, int bucket) {
        return Map.of("pk", AttributeValue.fromS(pk(scope, scopeKey, bucket)), "sk", AttributeValue.fromS("BUCKET"));
    }

    /**
     * The transaction action that claims {@code claim.amount()} in its bucket, on the condition that
     * the bucket then holds at most {@code cap} (its share, or less: {@link ExposureBuckets#caps}).
     * Returns null if the part can never fit.
     */
    public TransactWriteItem claimAction(ExposureClaim claim, BigDecimal cap) {
        BigDecimal maxBefore = cap.subtract(claim.amount());
        if (maxBefore.signum() < 0) {
            return null;
        }
        return TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(key(claim.scope(), claim.scopeKey(), claim.bucket()))
                .updateExpression("SET #used = if_not_exists(#used, :zero) + :x, #scope = :scope, #scopeKey = :key")
                .conditionExpression("attribute_not_exists(#used) OR #used <= :maxBefore")
                .expressionAttributeNames(Map.of("#used", "used", "#scope", "scope", "#scopeKey", "scopeKey"))
                .expressionAttributeValues(Map.of(":zero", AttributeValue.fromN("0"),
                        ":x", AttributeValue.fromN(claim.amount().toPlainString()),
                        ":maxBefore", AttributeValue.fromN(maxBefore.toPlainString()),
                        ":scope", AttributeValue.fromS(claim.scope().name()),
                        ":key", AttributeValue.fromS(claim.scopeKey())))
                .build()).build();
    }

    /** The transaction action that releases a claim (at settlement). */
    public TransactWriteItem releaseAction(ExposureClaim claim) {
        return TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(key(claim.scope(), claim.scopeKey(), claim.bucket()))
                .updateExpression("SET #used = #used - :x")
                .conditionExpression("#used >= :x")
                .expressionAttributeNames(Map.of("#used", "used"))
                .expressionAttributeValues(Map.of(":x", AttributeValue.fromN(claim.amount().toPlainString())))
                .build()).build();
    }

    /** Each bucket's use for a scope (strongly consistent; batch reads of at most 100 keys). */
    public Map<Integer, BigDecimal> buckets(LimitScope scope, String scopeKey) {
        int n = ExposureClaim.bucketsFor(scope);
        Map<Integer, BigDecimal> out = new HashMap<>();
        for (int from = 0; from < n; from += 100) {
            List<Map<String, AttributeValue>> keys = new ArrayList<>();
            for (int i = from; i < Math.min(n, from + 100); i++) {
                keys.add(key(scope, scopeKey, i));
            }
            Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
            for (Map<String, AttributeValue> item : BatchReads.all(dynamo, request).getOrDefault(table, List.of())) {
                String pk = item.get("pk").s();
                int bucket = Integer.parseInt(pk.substring(pk.lastIndexOf("#B") + 2));
                out.put(bucket, item.containsKey("used") ? new BigDecimal(item.get("used").n()) : BigDecimal.ZERO);
            }
        }
        return out;
    }

    /** A scope's current exposure: the sum of its buckets. */
    public BigDecimal exposure(LimitScope scope, String scopeKey) {
        return buckets(scope, scopeKey).values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
