package dev.holdfast.persistence;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Counters that no surge can make hot: one logical counter is {@code shards} items under one
 * partition key ({@code sk = S0..S<n-1>}); each increment is an {@code ADD} on one shard, and a read
 * sums the shards with one strongly consistent query. Sums are exact (every {@code ADD} lands once per
 * call); a reader sees each shard as of its read.
 */
public final class ShardedCounters {
    private final DynamoDbClient db;
    private final String table;
    private final int shards;

    public ShardedCounters(DynamoDbClient db, String table, int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be >= 1");
        }
        this.db = db;
        this.table = table;
        this.shards = shards;
    }

    public int shards() {
        return shards;
    }

    /** Adds {@code deltas} on a random shard of counter {@code pk}. */
    public void add(String pk, Map<String, Long> deltas) {
        add(pk, ThreadLocalRandom.current().nextInt(shards), deltas);
    }

    /** Adds {@code deltas} on shard {@code shard} of counter {@code pk}; returns that shard's new values. */
    public Map<String, Long> add(String pk, int shard, Map<String, Long> deltas) {
        if (deltas.isEmpty()) {
            throw new IllegalArgumentException("nothing to add");
        }
        StringBuilder expr = new StringBuilder("ADD ");
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        int i = 0;
        for (Map.Entry<String, Long> d : deltas.entrySet()) {
            if (i > 0) {
                expr.append(", ");
            }
            expr.append("#f").append(i).append(" :v").append(i);
            names.put("#f" + i, d.getKey());
            values.put(":v" + i, AttributeValue.fromN(Long.toString(d.getValue())));
            i++;
        }
        UpdateItemResponse r = db.updateItem(b -> b.tableName(table)
                .key(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(shardKey(shard))))
                .updateExpression(expr.toString())
                .expressionAttributeNames(names).expressionAttributeValues(values)
                .returnValues(ReturnValue.UPDATED_NEW));
        Map<String, Long> out = new LinkedHashMap<>();
        r.attributes().forEach((k, v) -> {
            if (v.n() != null) {
                out.put(k, Long.parseLong(v.n()));
            }
        });
        return out;
    }

    /** Each shard's values of counter {@code pk} (absent shards are absent), strongly consistent. */
    public Map<Integer, Map<String, Long>> byShard(String pk) {
        Map<Integer, Map<String, Long>> out = new TreeMap<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse r = db.query(b -> b.tableName(table).consistentRead(true)
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk)))
                    .exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : r.items()) {
                String sk = item.get("sk").s();
                if (!sk.startsWith("S")) {
                    continue;
                }
                Map<String, Long> values = new LinkedHashMap<>();
                item.forEach((k, v) -> {
                    if (v.n() != null) {
                        values.put(k, Long.parseLong(v.n()));
                    }
                });
                out.put(Integer.parseInt(sk.substring(1)), values);
            }
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    /** The sums over all shards of counter {@code pk}. */
    public Map<String, Long> sum(String pk) {
        Map<String, Long> out = new TreeMap<>();
        byShard(pk).values().forEach(m -> m.forEach((k, v) -> out.merge(k, v, Long::sum)));
        return out;
    }

    static String shardKey(int shard) {
        return "S" + shard;
    }
}
