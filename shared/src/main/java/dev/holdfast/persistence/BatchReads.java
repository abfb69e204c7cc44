package dev.holdfast.persistence;

import dev.holdfast.retry.Retry;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code BatchGetItem} request carried to the end: the keys DynamoDB leaves unprocessed (a
 * throttled partition) are asked again after a short pause until none is left.
 */
public final class BatchReads {
    private BatchReads() {}

    /** Every item found, by table name (at most 100 keys in {@code request}). */
    public static Map<String, List<Map<String, AttributeValue>>> all(DynamoDbClient dynamo, Map<String, KeysAndAttributes> request) {
        Map<String, List<Map<String, AttributeValue>>> found = new HashMap<>();
        for (Retry.Turns turns = Retry.unbounded().start(); !request.isEmpty() && turns.next(); ) {
            Map<String, KeysAndAttributes> ask = request;
            BatchGetItemResponse r = dynamo.batchGetItem(b -> b.requestItems(ask));
            r.responses().forEach((t, items) -> found.computeIfAbsent(t, k -> new ArrayList<>()).addAll(items));
            request = r.hasUnprocessedKeys() ? r.unprocessedKeys() : Map.of();
            if (!request.isEmpty()) {
                turns.backOff();
            }
        }
        return found;
    }
}
