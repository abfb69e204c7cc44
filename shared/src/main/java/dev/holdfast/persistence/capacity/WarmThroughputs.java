package dev.holdfast.persistence.capacity;

import dev.holdfast.domain.capacity.CapacitySettings;
import dev.holdfast.domain.capacity.WarmTarget;
import dev.holdfast.domain.capacity.WarmUnits;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.WarmThroughput;

/**
 * DynamoDB's warm throughput of a table or one of its indexes, read ({@code DescribeTable}) and
 * raised ({@code UpdateTable}) — the pre-scaling preparer's DynamoDB calls. Warm throughput can only
 * be raised; a table never given one reads as {@link CapacitySettings#NEW_ON_DEMAND}.
 */
public final class WarmThroughputs {
    private final DynamoDbClient dynamo;

    public WarmThroughputs(DynamoDbClient dynamo) {
        this.dynamo = dynamo;
    }

    /** The current warm throughput of {@code target}, on the table named {@code tableName}. */
    public WarmUnits current(String tableName, WarmTarget target) {
        TableDescription t = dynamo.describeTable(b -> b.tableName(tableName)).table();
        if (target.index() == null) {
            return t.warmThroughput() == null ? CapacitySettings.NEW_ON_DEMAND
                    : units(t.warmThroughput().readUnitsPerSecond(), t.warmThroughput().writeUnitsPerSecond());
        }
        for (GlobalSecondaryIndexDescription i : t.globalSecondaryIndexes()) {
            if (i.indexName().equals(target.index())) {
                return i.warmThroughput() == null ? CapacitySettings.NEW_ON_DEMAND
                        : units(i.warmThroughput().readUnitsPerSecond(), i.warmThroughput().writeUnitsPerSecond());
            }
        }
        throw new IllegalStateException("table " + target.table() + " has no index " + target.index());
    }

    /** Raises {@code target}'s warm throughput to {@code units}. */
    public void raise(String tableName, WarmTarget target, WarmUnits units) {
        WarmThroughput w = WarmThroughput.builder()
                .readUnitsPerSecond(units.readUnitsPerSecond())
                .writeUnitsPerSecond(units.writeUnitsPerSecond())
                .build();
        if (target.index() == null) {
            dynamo.updateTable(b -> b.tableName(tableName).warmThroughput(w));
        } else {
            dynamo.updateTable(b -> b.tableName(tableName).globalSecondaryIndexUpdates(u -> u.update(
                    i -> i.indexName(target.index()).warmThroughput(w))));
        }
    }

    private static WarmUnits units(Long read, Long write) {
        return new WarmUnits(read == null ? CapacitySettings.NEW_ON_DEMAND.readUnitsPerSecond() : read,
                write == null ? CapacitySettings.NEW_ON_DEMAND.writeUnitsPerSecond() : write);
    }
}
