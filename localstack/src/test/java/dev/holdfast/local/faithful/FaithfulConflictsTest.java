package dev.holdfast.local.faithful;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static dev.holdfast.local.faithful.FaithfulFixture.INDEX;
import static dev.holdfast.local.faithful.FaithfulFixture.TABLE;
import static dev.holdfast.local.faithful.FaithfulFixture.indexed;
import static dev.holdfast.local.faithful.FaithfulFixture.item;
import static dev.holdfast.local.faithful.FaithfulFixture.key;
import static dev.holdfast.local.faithful.FaithfulFixture.s;
import static dev.holdfast.local.faithful.FaithfulFixture.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "Transaction conflict handling" as the DynamoDB developer guide documents it, through the real SDK:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html#transaction-conflict-handling
 */
class FaithfulConflictsTest {
    /** Hold H × F = 3 s (long enough for a loaded machine) with no throughput limit in reach (F = 1). */
    private FaithfulDynamo proxy;
    private DynamoDbClient ddb;
    private final String a = unique("a");
    private final String b = unique("b");
    private final String c = unique("c");

    @BeforeEach
    void start() throws Exception {
        proxy = FaithfulFixture.proxy(1, 3000); // long holds: the checks below must land inside one even on a loaded machine
        ddb = FaithfulFixture.client(proxy.endpoint(), false);
        ddb.putItem(p -> p.tableName(TABLE).item(indexed(a, "s", "group-" + a, 200)));
    }

    @AfterEach
    void stop() {
        ddb.close();
        proxy.close();
    }

    private static TransactWriteItem put(Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item) {
        return TransactWriteItem.builder().put(p -> p.tableName(TABLE).item(item)).build();
    }

    private static TransactWriteItem conditionCheck(String pk) {
        return TransactWriteItem.builder().conditionCheck(c -> c.tableName(TABLE).key(key(pk, "s"))
                .conditionExpression("attribute_exists(pk)")).build();
    }

    /** Starts a transaction on {@code items} in the background and returns once it holds them. */
    private CompletableFuture<Long> ongoing(TransactWriteItem... items) throws InterruptedException {
        CompletableFuture<Long> done = CompletableFuture.supplyAsync(() -> {
            long t0 = System.nanoTime();
            ddb.transactWriteItems(t -> t.transactItems(items));
            return (System.nanoTime() - t0) / 1_000_000;
        });
        FaithfulFixture.awaitHeld(proxy, items.length);
        return done;
    }

    @Test
    void aTransactionNamingAnItemOfAnOngoingTransactionIsCancelledWithTransactionConflict() throws Exception {
        CompletableFuture<Long> first = ongoing(conditionCheck(a), put(item(b, "s", 100)));

        TransactionCanceledException e = assertThrows(TransactionCanceledException.class,
                () -> ddb.transactWriteItems(t -> t.transactItems(put(item(c, "s", 100)), put(item(b, "s", 50)))));
        List<CancellationReason> reasons = e.cancellationReasons();
        assertEquals(2, reasons.size(), "one reason per action, in order");
        assertEquals("None", reasons.get(0).code());
        assertEquals("TransactionConflict", reasons.get(1).code());
        assertEquals("Transaction is ongoing for the item", reasons.get(1).message());
        assertEquals(400, e.statusCode());
        assertTrue(e.getMessage().contains("[None, TransactionConflict]"), e.getMessage());

        // a ConditionCheck counts as much as a write, on either side
        TransactionCanceledException check = assertThrows(TransactionCanceledException.class,
                () -> ddb.transactWriteItems(t -> t.transactItems(conditionCheck(a))));
        assertEquals("TransactionConflict", check.cancellationReasons().get(0).code());

        first.join();
        FaithfulMeter.Snapshot m = proxy.meter().snapshot();
        assertEquals(2, m.conflictCancellations());
        assertEquals(1, m.partition(TABLE + "|" + b).conflicts(), "attributed to the held item's partition");
        assertEquals(1, m.partition(TABLE + "|" + a).conflicts());
        assertTrue(ddb.getItem(g -> g.tableName(TABLE).key(key(c, "s")).consistentRead(true)).item().isEmpty(),
                "a cancelled transaction changes nothing");
    }

    @Test
    void aPlainWriteOnAnItemOfAnOngoingTransactionFailsWithTransactionConflictException() throws Exception {
        CompletableFuture<Long> first = ongoing(put(item(b, "s", 100)), conditionCheck(a));

        assertThrows(TransactionConflictException.class,
                () -> ddb.putItem(p -> p.tableName(TABLE).item(item(b, "s", 10))));
        assertThrows(TransactionConflictException.class,
                () -> ddb.updateItem(u -> u.tableName(TABLE).key(key(a, "s")).updateExpression("SET x = :x")
                        .expressionAttributeValues(Map.of(":x", s("1")))));
        assertThrows(TransactionConflictException.class,
                () -> ddb.deleteItem(d -> d.tableName(TABLE).key(key(a, "s"))));
        // another item of the same partition is not held
        ddb.putItem(p -> p.tableName(TABLE).item(item(b, "other", 10)));
        first.join();
        assertEquals(3, proxy.meter().snapshot().plainWriteConflicts());
    }

    @Test
    void aTransactGetNamingAnItemOfAnOngoingTransactionIsCancelled() throws Exception {
        CompletableFuture<Long> first = ongoing(conditionCheck(a));
        TransactionCanceledException e = assertThrows(TransactionCanceledException.class,
                () -> ddb.transactGetItems(t -> t.transactItems(
                        g -> g.get(x -> x.tableName(TABLE).key(key(c, "s"))),
                        g -> g.get(x -> x.tableName(TABLE).key(key(a, "s"))))));
        assertEquals(List.of("None", "TransactionConflict"),
                e.cancellationReasons().stream().map(CancellationReason::code).toList());
        first.join();
    }

    @Test
    void readsNeverConflict() throws Exception {
        stop();
        proxy = FaithfulFixture.proxy(1, 2500); // long enough for a cold client's first reads
        ddb = FaithfulFixture.client(proxy.endpoint(), false);
        CompletableFuture<Long> first = ongoing(conditionCheck(a), put(item(b, "s", 100)));
        assertEquals(a, ddb.getItem(g -> g.tableName(TABLE).key(key(a, "s")).consistentRead(true)).item().get("pk").s());
        assertEquals(1, ddb.query(q -> q.tableName(TABLE).keyConditionExpression("pk = :p")
                .expressionAttributeValues(Map.of(":p", s(a)))).count());
        assertEquals(1, ddb.query(q -> q.tableName(TABLE).indexName(INDEX).keyConditionExpression("gsi1pk = :g")
                .expressionAttributeValues(Map.of(":g", s("group-" + a)))).count());
        assertEquals(1, ddb.batchGetItem(bg -> bg.requestItems(Map.of(TABLE,
                software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes.builder()
                        .keys(key(a, "s")).build()))).responses().get(TABLE).size());
        ddb.scan(sc -> sc.tableName(TABLE).limit(5));
        assertTrue(proxy.heldItems() >= 2, "the reads ran while the transaction held its items");
        first.join();
        assertEquals(0, proxy.meter().snapshot().conflictCancellations());
    }

    @Test
    void aTransactionHoldsItsItemsForHoldTimesDilationThenReleasesThem() throws Exception {
        long t0 = System.nanoTime();
        ddb.transactWriteItems(t -> t.transactItems(put(item(b, "s", 100))));
        long elapsed = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(elapsed >= 800, "held at least H x F = 800 ms, took " + elapsed);
        assertEquals(0, proxy.heldItems(), "released when it answered");

        // no conflict once released
        ddb.transactWriteItems(t -> t.transactItems(put(item(b, "s", 120)), conditionCheck(a)));
        ddb.putItem(p -> p.tableName(TABLE).item(item(b, "s", 130)));

        // the hold scales with the dilation
        try (FaithfulDynamo slower = FaithfulFixture.proxy(2, 800);
             DynamoDbClient viaSlower = FaithfulFixture.client(slower.endpoint(), false)) {
            long t1 = System.nanoTime();
            viaSlower.transactWriteItems(t -> t.transactItems(put(item(b, "s", 100))));
            long slow = (System.nanoTime() - t1) / 1_000_000;
            assertTrue(slow >= 1600, "H x F = 1600 ms, took " + slow);
        }
    }

    @Test
    void holdsAreReleasedWhenTheTransactionFails() {
        // condition fails on the target: DynamoDB Local cancels it; the proxy must still release the items
        TransactionCanceledException e = assertThrows(TransactionCanceledException.class,
                () -> ddb.transactWriteItems(t -> t.transactItems(TransactWriteItem.builder()
                        .conditionCheck(cc -> cc.tableName(TABLE).key(key(c, "s")).conditionExpression("attribute_exists(pk)"))
                        .build())));
        assertEquals("ConditionalCheckFailed", e.cancellationReasons().get(0).code());
        assertEquals(0, proxy.heldItems());
        ddb.putItem(p -> p.tableName(TABLE).item(item(c, "s", 10)));
    }
}
