package dev.holdfast.persistence;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Counters that no surge can make hot: one logical counter {@code name} is {@code shards} items, each
 * on its own partition key ({@code pk = <name>#S<i>}, {@code sk = COUNTER}), so each shard has a whole
 * partition's write rate; each increment is an {@code ADD} on one shard, and a read sums the shards
 * with one strongly consistent batch read. Sums are exact (every {@code ADD} lands once per call); a
 * reader sees each shard as of its read.
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

    static final String SK = "COUNTER";

    /** Adds {@code deltas} on a random shard of counter {@code name}. */
    public void add(String name, Map<String, Long> deltas) {
        add(name, ThreadLocalRandom.current().nextInt(shards), deltas);
    }

    /** The key of shard {@code shard} of counter {@code name} (for an {@code ADD} inside a caller's transaction). */
    public static Map<String, AttributeValue> key(String name, int shard) {
        return Map.of("pk", AttributeValue.fromS(name + "#S" + shard), "sk", AttributeValue.fromS(SK));
    }

    /** Adds {@code deltas} on shard {@code shard} of counter {@code name}; returns that shard's new values. */
    public Map<String, Long> add(String name, int shard, Map<String, Long> deltas) {
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
                .key(key(name, shard))
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

    /** Each shard's values of counter {@code name} (absent shards are absent), strongly consistent. */
    public Map<Integer, Map<String, Long>> byShard(String name) {
        Map<Integer, Map<String, Long>> out = new TreeMap<>();
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            keys.add(key(name, i));
        }
        Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
        for (Map<String, AttributeValue> item : BatchReads.all(db, request).getOrDefault(table, List.of())) {
            String pk = item.get("pk").s();
            Map<String, Long> values = new LinkedHashMap<>();
            item.forEach((k, v) -> {
                if (v.n() != null) {
                    values.put(k, Long.parseLong(v.n()));
                }
            });
            out.put(Integer.parseInt(pk.substring(pk.lastIndexOf("#S") + 2)), values);
        }
        return out;
    }

    /** The sums over all shards of counter {@code name}. */
    public Map<String, Long> sum(String name) {
        Map<String, Long> out = new TreeMap<>();
        byShard(name).values().forEach(m -> m.forEach((k, v) -> out.merge(k, v, Long::sum)));
        return out;
    }

}
