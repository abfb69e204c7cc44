package dev.holdfast.persistence.orders;

import dev.holdfast.persistence.BatchReads;
import dev.holdfast.persistence.Cursors;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.settlement.SettlementItem;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.order.Order;
import dev.holdfast.domain.settlement.Settlement;
import dev.holdfast.resources.Tables;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbIndex;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.GetItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.Page;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.time.Instant;

/**
 * Orders, each its own idempotency record (see {@link dev.holdfast.domain.order.OrderIds} and
 * {@link StoredOrder}; items mapped by {@link OrderItem}). An order is only ever put with
 * {@code attribute_not_exists}: no code path rewrites or deletes one.
 */
public final class OrderStore {
    private final DynamoDbClient dynamo;
    private final String tableName;
    private final DynamoDbTable<OrderItem> table;
    private final DynamoDbIndex<OrderItem> byUser;
    private final DynamoDbIndex<OrderItem> byMarket;

    public OrderStore(Deployment deployment) {
        this.dynamo = deployment.clients().dynamo();
        DynamoDbEnhancedClient enhanced = deployment.clients().enhanced();
        this.tableName = deployment.names().table(Tables.ORDERS);
        this.table = enhanced.table(tableName, OrderItem.SCHEMA);
        this.byUser = table.index(OrderItem.BY_USER);
        this.byMarket = table.index(OrderItem.BY_MARKET);
    }

    /** An order's key in the orders table (for batch reads). */
    public static Map<String, AttributeValue> orderKey(String orderId) {
        return Map.of("pk", AttributeValue.fromS("ORDER#" + orderId), "sk", AttributeValue.fromS("ORDER"));
    }

    /** An order as stored, with its key's answer (strongly consistent). */
    public Optional<StoredOrder> storedOrder(String orderId) {
        OrderItem i = table.getItem(GetItemEnhancedRequest.builder()
                .key(Key.builder().partitionValue("ORDER#" + orderId).sortValue("ORDER").build()).consistentRead(true).build());
        return Optional.ofNullable(i).map(OrderItem::fromItem);
    }

    /** An order and its settlement, if it was settled. */
    public record OrderView(Order order, Optional<Settlement> settlement) {}

    /** The order with its settlement, in one strongly consistent query of the order's partition. */
    public Optional<OrderView> orderView(String orderId) {
        var r = dynamo.query(b -> b.tableName(tableName).consistentRead(true)
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("ORDER#" + orderId))));
        Order order = null;
        Settlement settlement = null;
        for (Map<String, AttributeValue> item : r.items()) {
            String sk = item.get("sk").s();
            if ("ORDER".equals(sk)) {
                order = OrderItem.fromItem(item).order();
            } else if (SettlementItem.SK.equals(sk)) {
                settlement = settlementFromAttributes(item);
            }
        }
        return order == null ? Optional.empty() : Optional.of(new OrderView(order, Optional.ofNullable(settlement)));
    }

    /** The settlement of an order, if there is one (strongly consistent). */
    public Optional<Settlement> settlement(String orderId) {
        var r = dynamo.getItem(b -> b.tableName(tableName).consistentRead(true).key(Map.of(
                "pk", AttributeValue.fromS("ORDER#" + orderId), "sk", AttributeValue.fromS(SettlementItem.SK))));
        return r.hasItem() && !r.item().isEmpty() ? Optional.of(settlementFromAttributes(r.item())) : Optional.empty();
    }

    /** The settlements among {@code orderIds}, by order id (strongly consistent batch reads, 100 a call). */
    public Map<String, Settlement> settlements(List<String> orderIds) {
        Map<String, Settlement> out = new java.util.HashMap<>();
        for (int from = 0; from < orderIds.size(); from += 100) {
            List<Map<String, AttributeValue>> keys = new ArrayList<>();
            for (String id : orderIds.subList(from, Math.min(orderIds.size(), from + 100))) {
                keys.add(Map.of("pk", AttributeValue.fromS("ORDER#" + id), "sk", AttributeValue.fromS(SettlementItem.SK)));
            }
            Map<String, KeysAndAttributes> request = Map.of(tableName, KeysAndAttributes.builder().keys(keys)
                    .consistentRead(true).build());
            BatchReads.all(dynamo, request).getOrDefault(tableName, List.of()).forEach(i -> {
                Settlement st = settlementFromAttributes(i);
                out.put(st.orderId(), st);
            });
        }
        return out;
    }

    /**
     * The put of an order's settlement record, for the settlement's transaction: conditional on
     * there being none yet, which is what makes settling exactly-once.
     */
    public TransactWriteItem settlementPutAction(Settlement s) {
        return TransactWriteItem.builder().put(Put.builder().tableName(tableName)
                .item(SettlementItem.SCHEMA.itemToMap(SettlementItem.toItem(s), true))
                .conditionExpression("attribute_not_exists(pk)")
                .build()).build();
    }

    /** Parses a settlement item (e.g. from the orders stream). */
    public static Settlement settlementFromAttributes(Map<String, AttributeValue> item) {
        return SettlementItem.fromItem(SettlementItem.SCHEMA.mapToItem(item));
    }

    /** The sort key of the risk pipeline's heartbeat item (see {@link #heartbeatPut}). */
    public static final String HEARTBEAT_SK = "HEARTBEAT";

    /**
     * Writes the post-trade risk pipeline's heartbeat: one item (pk {@code RISK#HEARTBEAT}, sk
     * {@value #HEARTBEAT_SK}, no index keys, so no listing of orders ever sees it) overwritten with
     * {@code createdAt = at}. It travels the orders stream like an order does, so the risk processor
     * can report its lag while no order arrives. It is not an order: readers of the stream or of a
     * scan skip it ({@link #isHeartbeat}).
     */
    public void heartbeatPut(Instant at) {
        dynamo.putItem(b -> b.tableName(tableName).item(Map.of(
                "pk", AttributeValue.fromS("RISK#HEARTBEAT"), "sk", AttributeValue.fromS(HEARTBEAT_SK),
                "createdAt", AttributeValue.fromS(Rfc3339.format(at)))));
    }

    /** Whether a stream or scan item is the risk pipeline's heartbeat (neither an order nor a settlement). */
    public static boolean isHeartbeat(Map<String, AttributeValue> item) {
        return item.containsKey("sk") && HEARTBEAT_SK.equals(item.get("sk").s());
    }

    /** Whether a stream or scan item is an order's settlement record (else it is an order). */
    public static boolean isSettlement(Map<String, AttributeValue> item) {
        return item.containsKey("sk") && SettlementItem.SK.equals(item.get("sk").s());
    }

    /**
     * The put of a new order, for the order's transaction, with where it came from ({@code sourceIp},
     * {@code deviceId} on the item, for post-trade risk; not part of the order's response) and its
     * key's answer; on a duplicate it returns the existing one.
     */
    public TransactWriteItem putNewAction(StoredOrder o) {
        return TransactWriteItem.builder().put(Put.builder().tableName(tableName)
                .item(OrderItem.SCHEMA.itemToMap(OrderItem.toItem(o), true))
                .conditionExpression("attribute_not_exists(pk)")
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build()).build();
    }

    /** Parses an order item (e.g. one returned by a failed condition, {@code ALL_OLD}). */
    public static StoredOrder fromAttributes(Map<String, AttributeValue> item) {
        return OrderItem.fromItem(item);
    }

    /**
     * Records a rejected order, unless this key already has an outcome.
     *
     * @return the recorded order: this one, or the one that was there first
     */
    public StoredOrder recordRejection(StoredOrder rejected) {
        try {
            dynamo.putItem(b -> b.tableName(tableName).item(OrderItem.SCHEMA.itemToMap(OrderItem.toItem(rejected), true))
                    .conditionExpression("attribute_not_exists(pk)")
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return rejected;
        } catch (ConditionalCheckFailedException e) {
            return e.hasItem() ? fromAttributes(e.item()) : storedOrder(rejected.order().orderId()).orElseThrow();
        }
    }

    /** One page of orders, and the cursor of the next page if there is one. */
    public record OrderPage<O extends Order>(List<O> orders, Optional<String> nextCursor) {}

    /** One page of an owner's orders, newest first. */
    public OrderPage<Order> byOwner(String ownerSub, int limit, Optional<String> cursor) {
        QueryEnhancedRequest.Builder q = QueryEnhancedRequest.builder()
                .queryConditional(QueryConditional.keyEqualTo(Key.builder().partitionValue("USER#" + ownerSub).build()))
                .scanIndexForward(false).limit(limit);
        cursor.ifPresent(c -> q.exclusiveStartKey(decode(c, "USER#" + ownerSub, "gsi2pk", "gsi2sk")));
        Page<OrderItem> page = byUser.query(q.build()).iterator().next();
        List<Order> orders = page.items().stream().map(i -> OrderItem.fromItem(i).order()).toList();
        return new OrderPage<>(orders, next(page, orders.size() == limit, "gsi2sk"));
    }

    /**
     * How many partitions of the {@code byMarket} index one market's orders are spread over: an
     * accepted order's index key is {@code MARKET#<id>#<shard>}, {@code shard = hash(orderId) mod 16},
     * so a market taking 1,000 orders/s writes about 63 index items/s per index partition instead of
     * all of them to one (AWS throttles a base-table write whose index partition is out of capacity).
     */
    public static final int MARKET_INDEX_SHARDS = 16;

    static String marketIndexKey(String marketId, String orderId) {
        return "MARKET#" + marketId + "#" + Math.floorMod(orderId.hashCode(), MARKET_INDEX_SHARDS);
    }

    /**
     * One page of a market's accepted orders (for settlement), walking the index shards in turn; the
     * cursor names the shard and the position in it. A page may be short where a shard ends; the
     * listing is over only when no cursor comes back.
     */
    public OrderPage<Order.Accepted> acceptedInMarket(String marketId, int limit, Optional<String> cursor) {
        int shard = 0;
        Optional<String> inShard = Optional.empty();
        if (cursor.isPresent()) {
            String c = Cursors.decode(cursor.get(), p -> p.matches("S\\d{1,2}(\\|[^|]+\\|ORDER#.+)?"));
            int bar = c.indexOf('|');
            shard = Integer.parseInt(bar < 0 ? c.substring(1) : c.substring(1, bar));
            if (shard >= MARKET_INDEX_SHARDS) {
                throw new IllegalArgumentException("bad cursor");
            }
            inShard = bar < 0 ? Optional.empty() : Optional.of(c.substring(bar + 1));
        }
        String partition = "MARKET#" + marketId + "#" + shard;
        QueryEnhancedRequest.Builder q = QueryEnhancedRequest.builder()
                .queryConditional(QueryConditional.keyEqualTo(Key.builder().partitionValue(partition).build()))
                .limit(limit);
        inShard.ifPresent(c -> {
            String[] parts = c.split("\\|", 2);
            q.exclusiveStartKey(Map.of("gsi1pk", AttributeValue.fromS(partition), "gsi1sk", AttributeValue.fromS(parts[0]),
                    "pk", AttributeValue.fromS(parts[1]), "sk", AttributeValue.fromS("ORDER")));
        });
        Page<OrderItem> page = byMarket.query(q.build()).iterator().next();
        // the index holds accepted orders only (a rejection has no byMarket key)
        List<Order.Accepted> orders = page.items().stream().map(i -> OrderItem.fromItem(i).order())
                .filter(Order.Accepted.class::isInstance).map(Order.Accepted.class::cast).toList();
        Map<String, AttributeValue> last = page.lastEvaluatedKey();
        Optional<String> next;
        if (last != null && !last.isEmpty() && page.items().size() == limit) {
            next = Optional.of(Cursors.encode("S" + shard + "|" + last.get("gsi1sk").s() + "|" + last.get("pk").s()));
        } else if (shard + 1 < MARKET_INDEX_SHARDS) {
            next = Optional.of(Cursors.encode("S" + (shard + 1)));
        } else {
            next = Optional.empty();
        }
        return new OrderPage<>(orders, next);
    }

    private static Optional<String> next(Page<OrderItem> page, boolean full, String sortAttr) {
        return Optional.ofNullable(page.lastEvaluatedKey()).filter(k -> !k.isEmpty() && full)
                .map(k -> Cursors.encode(k.get(sortAttr).s() + "|" + k.get("pk").s()));
    }

    private static Map<String, AttributeValue> decode(String cursor, String partition, String pkAttr, String skAttr) {
        String[] parts = Cursors.decode(cursor, p -> p.matches("[^|]+\\|ORDER#.+"))
                .split("\\|", 2);
        return Map.of(pkAttr, AttributeValue.fromS(partition), skAttr, AttributeValue.fromS(parts[0]),
                "pk", AttributeValue.fromS(parts[1]), "sk", AttributeValue.fromS("ORDER"));
    }
}
