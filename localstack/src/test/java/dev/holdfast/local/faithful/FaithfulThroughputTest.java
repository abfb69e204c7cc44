package dev.holdfast.local.faithful;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.util.List;
import java.util.Map;

import static dev.holdfast.local.faithful.FaithfulFixture.INDEX;
import static dev.holdfast.local.faithful.FaithfulFixture.TABLE;
import static dev.holdfast.local.faithful.FaithfulFixture.indexed;
import static dev.holdfast.local.faithful.FaithfulFixture.item;
import static dev.holdfast.local.faithful.FaithfulFixture.key;
import static dev.holdfast.local.faithful.FaithfulFixture.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Partition throughput as AWS documents it — 1,000 write and 3,000 read units per second per
 * partition, index partitions throttling base-table writes, transactional items at 2 write units
 * per started KB — scaled by the dilation F, through the real SDK (retries off, so every throttle
 * reaches the caller):
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html,
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.ThroughputConsiderations,
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html#transaction-capacity-handling
 */
@org.junit.jupiter.api.Timeout(60)
class FaithfulThroughputTest {

    @Test
    void plainWritesBeyondThePartitionLimitAreThrottledOtherPartitionsAreNot() throws Exception {
        // F = 200: 5 write units per second per partition, at most 1 s saved up
        try (FaithfulDynamo proxy = FaithfulFixture.proxy(200, 0);
             DynamoDbClient ddb = FaithfulFixture.client(proxy.endpoint(), false)) {
            String hot = unique("hot");
            ddb.putItem(p -> p.tableName(TABLE).item(item(hot, "small", 100)));    // 1 unit: 4 left
            ddb.putItem(p -> p.tableName(TABLE).item(item(hot, "big", 14 * 1024))); // not below 0 yet: applied, -10
            ProvisionedThroughputExceededException e = assertThrows(ProvisionedThroughputExceededException.class,
                    () -> ddb.putItem(p -> p.tableName(TABLE).item(item(hot, "again", 100))));
            assertEquals(400, e.statusCode());
            assertTrue(e.isThrottlingException(), "the SDK sees a throttle it would retry");
            assertThrows(ProvisionedThroughputExceededException.class,
                    () -> ddb.updateItem(u -> u.tableName(TABLE).key(key(hot, "big")).updateExpression("SET x = :x")
                            .expressionAttributeValues(Map.of(":x", FaithfulFixture.s("1")))));
            // another partition key of the same table is independent
            ddb.putItem(p -> p.tableName(TABLE).item(item(unique("cool"), "s", 5 * 1024)));

            FaithfulMeter.Snapshot m = proxy.meter().snapshot();
            assertEquals(15.0, m.partition(TABLE + "|" + hot).wcu(), 1e-9);
            assertEquals(2, m.partition(TABLE + "|" + hot).throttles());
            assertEquals(2, m.throttledRequests());

            // the bucket refills at 5 units per second
            Thread.sleep(2_500);
            ddb.putItem(p -> p.tableName(TABLE).item(item(hot, "later", 100)));
        }
    }

    @Test
    void withRetriesTheSdkRidesOutAThrottleAsOnAws() throws Exception {
        try (FaithfulDynamo proxy = FaithfulFixture.proxy(100, 0);
             DynamoDbClient ddb = FaithfulFixture.client(proxy.endpoint(), true)) {
            String hot = unique("hot");
            ddb.putItem(p -> p.tableName(TABLE).item(item(hot, "big", 11 * 1024)));
            ddb.putItem(p -> p.tableName(TABLE).item(item(hot, "next", 100))); // throttled, retried, applied
            assertTrue(proxy.meter().snapshot().throttledRequests() >= 1);
            assertEquals(2, ddb.query(q -> q.tableName(TABLE).keyConditionExpression("pk = :p")
                    .expressionAttributeValues(Map.of(":p", FaithfulFixture.s(hot))).consistentRead(true)).count());
        }
    }

    @Test
    void aThrottledItemCancelsItsTransactionWithThrottlingError() throws Exception {
        try (FaithfulDynamo proxy = FaithfulFixture.proxy(200, 0);
             DynamoDbClient ddb = FaithfulFixture.client(proxy.endpoint(), false)) {
            String hot = unique("hot");
            String cool = unique("cool");
            ddb.putItem(p -> p.tableName(TABLE).item(item(hot, "big", 15 * 1024))); // bucket at -10
            TransactionCanceledException e = assertThrows(TransactionCanceledException.class,
                    () -> ddb.transactWriteItems(t -> t.transactItems(
                            TransactWriteItem.builder().put(p -> p.tableName(TABLE).item(item(cool, "s", 100))).build(),
                            TransactWriteItem.builder().conditionCheck(c -> c.tableName(TABLE).key(key(hot, "big"))
                                    .conditionExpression("attribute_exists(pk)")).build())));
            List<CancellationReason> reasons = e.cancellationReasons();
            assertEquals("None", reasons.get(0).code());
            assertEquals("ThrottlingError", reasons.get(1).code());
            assertTrue(reasons.get(1).message().contains("your table or index"), reasons.get(1).message());
            assertTrue(ddb.getItem(g -> g.tableName(TABLE).key(key(cool, "s")).consistentRead(true)).item().isEmpty());
            assertEquals(1, proxy.meter().snapshot().throttleCancellations());
        }
    }

    @Test
    void anIndexPartitionOutOfCapacityThrottlesTheBaseTableWrite() throws Exception {
        try (FaithfulDynamo proxy = FaithfulFixture.proxy(200, 0);
             DynamoDbClient ddb = FaithfulFixture.client(proxy.endpoint(), false)) {
            String group = unique("group");
            // distinct base partitions, one index partition: 16 index write units (15 KB and the index keys): -11
            ddb.putItem(p -> p.tableName(TABLE).item(indexed(unique("x"), "s", group, 15 * 1024)));
            assertEquals(16.0, proxy.meter().snapshot().partition(TABLE + "/" + INDEX + "|" + group).wcu(), 1e-9);

            ProvisionedThroughputExceededException plain = assertThrows(ProvisionedThroughputExceededException.class,
                    () -> ddb.putItem(p -> p.tableName(TABLE).item(indexed(unique("y"), "s", group, 100))));
            assertTrue(plain.getMessage().contains("global secondary indexes"), plain.getMessage());
            // the same write into another index partition goes through
            ddb.putItem(p -> p.tableName(TABLE).item(indexed(unique("y"), "s", unique("other"), 100)));

            TransactionCanceledException e = assertThrows(TransactionCanceledException.class,
                    () -> ddb.transactWriteItems(t -> t.transactItems(TransactWriteItem.builder()
                            .put(p -> p.tableName(TABLE).item(indexed(unique("z"), "s", group, 100))).build())));
            assertEquals("ThrottlingError", e.cancellationReasons().get(0).code());
            assertTrue(e.cancellationReasons().get(0).message().contains("global secondary indexes"));
            assertEquals(2, proxy.meter().snapshot().partition(TABLE + "/" + INDEX + "|" + group).throttles());
        }
    }

    /** Consistent GetItems on one small item until the first throttle. */
    private static int readsUntilThrottled(DynamoDbClient ddb, String pk, boolean consistent) {
        for (int i = 0; i < 1000; i++) {
            try {
                ddb.getItem(g -> g.tableName(TABLE).key(key(pk, "s")).consistentRead(consistent));
            } catch (ProvisionedThroughputExceededException e) {
                return i;
            }
        }
        throw new AssertionError("never throttled");
    }

    @Test
    void readUnitsAreThrottledPerPartitionAConsistentReadCostingTwiceAnEventualOne() throws Exception {
        // F = 6000: half a read unit per second per partition, at most half a unit saved up
        try (FaithfulDynamo proxy = FaithfulFixture.proxy(6000, 0);
             DynamoDbClient direct = FaithfulFixture.client(FaithfulFixture.local(), false);
             DynamoDbClient ddb = FaithfulFixture.client(proxy.endpoint(), false)) {
            String strong = unique("strong");
            String eventual = unique("eventual");
            String fresh = unique("fresh");
            direct.putItem(p -> p.tableName(TABLE).item(item(strong, "s", 3000)));
            direct.putItem(p -> p.tableName(TABLE).item(item(eventual, "s", 3000)));
            direct.putItem(p -> p.tableName(TABLE).item(item(fresh, "s", 100)));

            assertEquals(1, readsUntilThrottled(ddb, strong, true), "1 unit: 0.5 -> -0.5, then throttled");
            // a throttled partition refuses queries too
            assertThrows(ProvisionedThroughputExceededException.class, () -> ddb.query(q -> q.tableName(TABLE)
                    .keyConditionExpression("pk = :p").expressionAttributeValues(Map.of(":p", FaithfulFixture.s(strong)))));
            assertEquals(2, readsUntilThrottled(ddb, eventual, false), "0.5 each: 0.5 -> 0 -> -0.5");
            FaithfulMeter.Snapshot m = proxy.meter().snapshot();
            assertEquals(1.0, m.partition(TABLE + "|" + strong).rcu(), 1e-9);
            assertEquals(1.0, m.partition(TABLE + "|" + eventual).rcu(), 1e-9);
            assertEquals(0.0, m.partition(TABLE + "|" + strong).wcu(), 1e-9);

            // TransactGetItems costs 2 units per item
            ddb.transactGetItems(t -> t.transactItems(g -> g.get(x -> x.tableName(TABLE).key(key(fresh, "s")))));
            assertEquals(2.0, proxy.meter().snapshot().partition(TABLE + "|" + fresh).rcu(), 1e-9);
            TransactionCanceledException e = assertThrows(TransactionCanceledException.class,
                    () -> ddb.transactGetItems(t -> t.transactItems(g -> g.get(x -> x.tableName(TABLE).key(key(fresh, "s"))))));
            assertEquals("ThrottlingError", e.cancellationReasons().get(0).code());
        }
    }

    @Test
    void aQueryCostsTheSizeItReturnsRoundedUpTo4Kb() throws Exception {
        try (FaithfulDynamo proxy = FaithfulFixture.proxy(1, 0);
             DynamoDbClient ddb = FaithfulFixture.client(proxy.endpoint(), false)) {
            String pk = unique("q");
            for (int i = 0; i < 3; i++) {
                int n = i;
                ddb.putItem(p -> p.tableName(TABLE).item(item(pk, "s" + n, 3000))); // 9,000 bytes in all
            }
            ddb.query(q -> q.tableName(TABLE).keyConditionExpression("#k = :p")
                    .expressionAttributeNames(Map.of("#k", "pk"))
                    .expressionAttributeValues(Map.of(":p", FaithfulFixture.s(pk))).consistentRead(true));
            assertEquals(3.0, proxy.meter().snapshot().partition(TABLE + "|" + pk).rcu(), 1e-9, "3 blocks of 4 KB, consistent");
            ddb.query(q -> q.tableName(TABLE).keyConditionExpression("pk = :p")
                    .expressionAttributeValues(Map.of(":p", FaithfulFixture.s(pk))));
            assertEquals(4.5, proxy.meter().snapshot().partition(TABLE + "|" + pk).rcu(), 1e-9, "then 1.5 eventually consistent");
        }
    }

    @Test
    void batchWritesReturnThrottledItemsUnprocessed() throws Exception {
        try (FaithfulDynamo proxy = FaithfulFixture.proxy(200, 0);
             DynamoDbClient ddb = FaithfulFixture.client(proxy.endpoint(), false)) {
            String hot = unique("hot");
            String cool = unique("cool");
            ddb.putItem(p -> p.tableName(TABLE).item(item(hot, "big", 15 * 1024)));
            BatchWriteItemResponse r = ddb.batchWriteItem(b -> b.requestItems(Map.of(TABLE, List.of(
                    put(item(hot, "a", 100)), put(item(cool, "a", 100)), put(item(hot, "b", 100))))));
            List<WriteRequest> unprocessed = r.unprocessedItems().get(TABLE);
            assertEquals(2, unprocessed.size());
            assertTrue(unprocessed.stream().allMatch(w -> w.putRequest().item().get("pk").s().equals(hot)));
            assertEquals(1, ddb.query(q -> q.tableName(TABLE).keyConditionExpression("pk = :p")
                    .expressionAttributeValues(Map.of(":p", FaithfulFixture.s(cool))).consistentRead(true)).count());
            assertThrows(ProvisionedThroughputExceededException.class,
                    () -> ddb.batchWriteItem(b -> b.requestItems(Map.of(TABLE, List.of(put(item(hot, "c", 100)))))));

            // reads: throttled keys come back in UnprocessedKeys
            try (FaithfulDynamo reads = FaithfulFixture.proxy(3000, 0);
                 DynamoDbClient viaReads = FaithfulFixture.client(reads.endpoint(), false)) {
                viaReads.getItem(g -> g.tableName(TABLE).key(key(hot, "big")).consistentRead(true)); // 3 units: -2
                var got = viaReads.batchGetItem(b -> b.requestItems(Map.of(TABLE, KeysAndAttributes.builder()
                        .keys(key(hot, "big"), key(cool, "a")).consistentRead(true).build())));
                assertEquals(1, got.responses().get(TABLE).size());
                assertEquals(hot, got.unprocessedKeys().get(TABLE).keys().get(0).get("pk").s());
            }
        }
    }

    private static WriteRequest put(Map<String, AttributeValue> item) {
        return WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build();
    }

    @Test
    void everyItemOfATransactionCostsTwoWriteUnitsPerStartedKb() throws Exception {
        try (FaithfulDynamo proxy = FaithfulFixture.proxy(1, 0);
             DynamoDbClient ddb = FaithfulFixture.client(proxy.endpoint(), false)) {
            String checked = unique("checked");
            String written = unique("written");
            String plain = unique("plain");
            String group = unique("group");
            ddb.putItem(p -> p.tableName(TABLE).item(item(checked, "s", 500)));
            proxy.meter().reset();

            ddb.transactWriteItems(t -> t.transactItems(
                    TransactWriteItem.builder().conditionCheck(c -> c.tableName(TABLE).key(key(checked, "s"))
                            .conditionExpression("attribute_exists(pk)")).build(),
                    TransactWriteItem.builder().put(p -> p.tableName(TABLE).item(indexed(written, "s", group, 1500))).build()));
            ddb.putItem(p -> p.tableName(TABLE).item(item(plain, "s", 1500)));

            FaithfulMeter.Snapshot m = proxy.meter().snapshot();
            assertEquals(2.0, m.partition(TABLE + "|" + checked).wcu(), 1e-9, "ConditionCheck of 0.5 KB: 2 units");
            assertEquals(4.0, m.partition(TABLE + "|" + written).wcu(), 1e-9, "Put of ~1.5 KB in a transaction: 2 x 2");
            assertEquals(2.0, m.partition(TABLE + "/" + INDEX + "|" + group).wcu(), 1e-9, "its index write: 1 per KB");
            assertEquals(2.0, m.partition(TABLE + "|" + plain).wcu(), 1e-9, "plain Put of ~1.5 KB: 2");
            assertEquals(1, m.transactions());
            assertEquals(1, m.requests("TransactWriteItems"));
            assertEquals(TABLE + "|" + written, m.hottest(1).get(0).key());
            assertTrue(m.summary(3).contains(TABLE + "|" + written), m.summary(3));

            // an update that moves the item in the index writes the old and the new index partition
            String moved = unique("moved");
            ddb.updateItem(u -> u.tableName(TABLE).key(key(written, "s")).updateExpression("SET gsi1pk = :g")
                    .expressionAttributeValues(Map.of(":g", FaithfulFixture.s(moved))));
            FaithfulMeter.Snapshot after = proxy.meter().snapshot();
            assertEquals(4.0, after.partition(TABLE + "/" + INDEX + "|" + group).wcu(), 1e-9);
            assertEquals(2.0, after.partition(TABLE + "/" + INDEX + "|" + moved).wcu(), 1e-9);
        }
    }

    @Test
    void theDilationScalesThePartitionLimit() throws Exception {
        // F = 200: 5 units a second, at most 5 saved up: a 9 KB write takes the partition below 0
        try (FaithfulDynamo proxy = FaithfulFixture.proxy(200, 0);
             DynamoDbClient ddb = FaithfulFixture.client(proxy.endpoint(), false)) {
            String pk = unique("d200");
            ddb.putItem(p -> p.tableName(TABLE).item(item(pk, "a", 9 * 1024)));
            assertThrows(ProvisionedThroughputExceededException.class,
                    () -> ddb.putItem(p -> p.tableName(TABLE).item(item(pk, "b", 100))));
        }
        // F = 100: 10 units; the same 9 units leave 1, so the next write goes through
        try (FaithfulDynamo proxy = FaithfulFixture.proxy(100, 0);
             DynamoDbClient ddb = FaithfulFixture.client(proxy.endpoint(), false)) {
            String pk = unique("d100");
            ddb.putItem(p -> p.tableName(TABLE).item(item(pk, "a", 9 * 1024)));
            ddb.putItem(p -> p.tableName(TABLE).item(item(pk, "b", 15 * 1024)));
            assertThrows(ProvisionedThroughputExceededException.class,
                    () -> ddb.putItem(p -> p.tableName(TABLE).item(item(pk, "c", 100))));
        }
    }
}
