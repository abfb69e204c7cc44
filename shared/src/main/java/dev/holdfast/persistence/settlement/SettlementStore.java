package dev.holdfast.persistence.settlement;

import dev.holdfast.persistence.Contention;
import dev.holdfast.persistence.platform.StatusStore;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.runtime.ResourceNames;
import dev.holdfast.persistence.KeyedCommit;
import dev.holdfast.persistence.audit.AuditItem;
import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.persistence.markets.MarketItems;
import dev.holdfast.persistence.settlement.MarketSettlementItems.ProgressItem;
import dev.holdfast.persistence.settlement.MarketSettlementItems.ResultItem;
import dev.holdfast.persistence.settlement.MarketSettlementItems.ResultKeyItem;
import dev.holdfast.persistence.markets.MarketStore;
import dev.holdfast.persistence.orders.OrderStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.audit.AuditRecord;
import dev.holdfast.domain.market.Market;
import dev.holdfast.domain.settlement.MarketResult;
import dev.holdfast.resources.Tables;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A market's settlement bookkeeping in the markets table, beside the market:
 * <ul>
 *   <li>its declared result — pk {@code MARKET#id}, sk {@code RESULT}: put once, in the same
 *       transaction that moves the market {@code CLOSED → SETTLING}, never changed;</li>
 *   <li>the admin's idempotency record for the declaration — pk {@code RESULTKEY#<sub>#<key>},
 *       sk {@code KEY}: the request's fingerprint and the response to replay;</li>
 *   <li>the settlement worker's progress — pk {@code MARKET#id}, sk {@code SETTLEMENT_PROGRESS}:
 *       a paging cursor and counters, rewritten as the worker goes. It is only a bookmark: losing
 *       or rewinding it costs repeated work, never a repeated payment, because each order's
 *       settlement record is what makes it exactly-once (see {@code OrderStore#settlementPutAction}).</li>
 * </ul>
 */
public final class SettlementStore {

    private final DynamoDbClient dynamo;
    private final String marketsTable;
    private final AuditLog audit;
    private final ResourceNames names;

    public SettlementStore(Deployment deployment, AuditLog audit) {
        this.names = deployment.names();
        this.dynamo = deployment.clients().dynamo();
        this.marketsTable = deployment.names().table(Tables.MARKETS);
        this.audit = audit;
    }

    // ------------------------------------------------------------------------------ the result

    /** A declared result, who declared it and when. */
    public record Declared(MarketResult result, String declaredBy, Instant at) {}

    public Optional<Declared> result(String marketId) {
        var r = dynamo.getItem(b -> b.tableName(marketsTable).consistentRead(true).key(key(MarketItems.marketPk(marketId), MarketSettlementItems.RESULT_SK)));
        if (!r.hasItem() || r.item().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(MarketSettlementItems.fromItem(ResultItem.SCHEMA.mapToItem(r.item())));
    }

    /** The JSON of a result as the contract's request has it. */
    public static ObjectNode resultJson(MarketResult result) {
        ObjectNode n = Json.object();
        if (result.voided()) {
            n.put("void", true);
        } else {
            n.put("winningSelectionId", result.winningSelectionId().get());
        }
        return n;
    }

    public Optional<KeyedCommit.StoredResponse> storedResponse(String sub, String idempotencyKey) {
        var r = dynamo.getItem(b -> b.tableName(marketsTable).consistentRead(true).key(key(MarketSettlementItems.resultKeyPk(sub, idempotencyKey), MarketSettlementItems.KEY_SK)));
        return r.hasItem() && !r.item().isEmpty() ? Optional.of(stored(r.item())) : Optional.empty();
    }

    /**
     * Declares a result in ONE transaction: the idempotency record (action 0), the guard (1), the
     * market's move to SETTLING conditional on its revision (2), its transition (3), the result
     * record (4, new only) and the audit record (5).
     *
     * @return {@link KeyedCommit.KeyTaken} with the key's stored response when it already has one
     *         (replay it, or 422); {@link KeyedCommit.Halted} when trading is not NORMAL;
     *         {@link KeyedCommit.Raced} when the market changed since it was read (read again and
     *         decide again)
     */
    public KeyedCommit.Outcome<KeyedCommit.StoredResponse> declare(
            Market before, Market.Change change, MarketResult result, String sub, String idempotencyKey,
            String fingerprint, int status, JsonNode responseBody, AuditRecord record) {
        Instant at = change.transition().orElseThrow().at();
        ResultKeyItem keyItem = MarketSettlementItems.toItem(sub, idempotencyKey, fingerprint, status, Json.write(responseBody), at);
        Market after = change.after();
        List<TransactWriteItem> actions = new ArrayList<>();
        actions.add(put(ResultKeyItem.SCHEMA.itemToMap(keyItem, true), "attribute_not_exists(pk)", true));
        actions.add(StatusStore.normalModeCheck(names.table(Tables.PLATFORM)));
        Put.Builder market = Put.builder().tableName(marketsTable)
                .item(MarketItems.MarketItem.SCHEMA.itemToMap(MarketItems.toItem(after), true))
                .conditionExpression("revision = :r")
                .expressionAttributeValues(Map.of(":r", AttributeValue.fromN(Long.toString(before.revision()))));
        actions.add(TransactWriteItem.builder().put(market.build()).build());
        actions.add(put(MarketItems.TransitionItem.SCHEMA.itemToMap(MarketItems.toItem(after, change.transition().get()), true),
                "attribute_not_exists(pk)", false));
        actions.add(put(ResultItem.SCHEMA.itemToMap(MarketSettlementItems.toItem(after.marketId(), new Declared(result, sub, at)), true),
                "attribute_not_exists(pk)", false));
        actions.add(TransactWriteItem.builder().put(Put.builder().tableName(audit.table().tableName())
                .item(AuditItem.SCHEMA.itemToMap(audit.putInTransaction(record).item(), true))
                .conditionExpression("attribute_not_exists(pk)").build()).build());
        try {
            dynamo.transactWriteItems(b -> b.transactItems(actions));
            return new KeyedCommit.Committed<>();
        } catch (TransactionCanceledException e) {
            if (Contention.conditionFailed(e, 0)) {
                CancellationReason r = e.cancellationReasons().get(0);
                Optional<KeyedCommit.StoredResponse> s = r.hasItem() && !r.item().isEmpty() ? Optional.of(stored(r.item()))
                        : storedResponse(sub, idempotencyKey);
                if (s.isPresent()) {
                    return new KeyedCommit.KeyTaken<>(s.get());
                }
                return new KeyedCommit.Raced<>();
            }
            if (Contention.conditionFailed(e, 1)) {
                return new KeyedCommit.Halted<>();
            }
            if (Contention.anyConditionFailed(e) || Contention.conflicted(e)) {
                return new KeyedCommit.Raced<>();
            }
            throw e;
        }
    }

    // ------------------------------------------------------------------------------ progress

    /**
     * The worker's bookmark.
     *
     * @param cursor        where the next page of the market's accepted orders starts (empty: the start)
     * @param settled       orders this worker settled so far (a count for display; a crash between a
     *                      page and its bookmark can make it lag, never overcount the money)
     * @param pass          1 while settling, 2 while verifying that every listed order has its record
     */
    public record Progress(Optional<String> cursor, long settled, int pass, Instant startedAt, Instant updatedAt) {
        public static Progress start(Instant at) {
            return new Progress(Optional.empty(), 0, 1, at, at);
        }
    }

    public Optional<Progress> progress(String marketId) {
        var r = dynamo.getItem(b -> b.tableName(marketsTable).consistentRead(true).key(key(MarketItems.marketPk(marketId), MarketSettlementItems.PROGRESS_SK)));
        if (!r.hasItem() || r.item().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(MarketSettlementItems.fromItem(ProgressItem.SCHEMA.mapToItem(r.item())));
    }

    public void saveProgress(String marketId, Progress p) {
        Map<String, AttributeValue> item = ProgressItem.SCHEMA.itemToMap(MarketSettlementItems.toItem(marketId, p), true);
        dynamo.putItem(b -> b.tableName(marketsTable).item(item));
    }

    // ------------------------------------------------------------------------------ internals

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk));
    }

    private TransactWriteItem put(Map<String, AttributeValue> item, String condition, boolean allOld) {
        Put.Builder p = Put.builder().tableName(marketsTable).item(item).conditionExpression(condition);
        if (allOld) {
            p.returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD);
        }
        return TransactWriteItem.builder().put(p.build()).build();
    }

    private static KeyedCommit.StoredResponse stored(Map<String, AttributeValue> i) {
        return MarketSettlementItems.fromItem(ResultKeyItem.SCHEMA.mapToItem(i));
    }
}
