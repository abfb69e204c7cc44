package dev.holdfast.persistence.orders;

import dev.holdfast.persistence.BatchReads;
import dev.holdfast.persistence.Cursors;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.settlement.SettlementItem;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.money.Fund;
import dev.holdfast.domain.order.ExposureClaim;
import dev.holdfast.domain.order.Order;
import dev.holdfast.domain.order.OrderStatus;
import dev.holdfast.domain.pricing.Odds;
import dev.holdfast.domain.risk.LimitScope;
import dev.holdfast.domain.settlement.Settlement;
import dev.holdfast.domain.settlement.SettlementOutcome;
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

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.time.Instant;

/**
 * Orders, each its own idempotency record (see {@link dev.holdfast.domain.order.OrderIds}). An
 * order is only ever put with {@code attribute_not_exists}: no code path rewrites or deletes one.
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

    public Optional<Order> order(String orderId) {
        OrderItem i = table.getItem(GetItemEnhancedRequest.builder()
                .key(Key.builder().partitionValue("ORDER#" + orderId).sortValue("ORDER").build()).consistentRead(true).build());
        return Optional.ofNullable(i).map(OrderStore::fromItem);
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
                order = fromAttributes(item);
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
        SettlementItem i = new SettlementItem();
        i.pk = "ORDER#" + s.orderId();
        i.sk = SettlementItem.SK;
        i.orderId = s.orderId();
        i.owner = s.ownerSub();
        i.marketId = s.marketId();
        i.eventId = s.eventId();
        i.selectionId = s.selectionId();
        i.outcome = s.outcome().name();
        i.stake = s.stake().text();
        i.liability = s.liability().toPlainString();
        i.paid = s.paid().text();
        i.settledAt = Rfc3339.format(s.settledAt());
        return TransactWriteItem.builder().put(Put.builder().tableName(tableName)
                .item(SettlementItem.SCHEMA.itemToMap(i, true))
                .conditionExpression("attribute_not_exists(pk)")
                .build()).build();
    }

    /** Parses a settlement item (e.g. from the orders stream). */
    public static Settlement settlementFromAttributes(Map<String, AttributeValue> item) {
        SettlementItem i = SettlementItem.SCHEMA.mapToItem(item);
        return new Settlement(i.orderId, i.owner, i.marketId, i.eventId, i.selectionId,
                SettlementOutcome.valueOf(i.outcome), Amount.parse(i.stake), new BigDecimal(i.liability),
                new Amount(new BigDecimal(i.paid)), Rfc3339.parse(i.settledAt));
    }

    /** Where an order item (e.g. from the orders stream) came from. */
    public static dev.holdfast.domain.order.OrderOrigin originFromAttributes(Map<String, AttributeValue> item) {
        return new dev.holdfast.domain.order.OrderOrigin(
                Optional.ofNullable(item.get("sourceIp")).map(AttributeValue::s),
                Optional.ofNullable(item.get("deviceId")).map(AttributeValue::s));
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

    /** The put of a new order, for the order's transaction; on a duplicate it returns the existing one. */
    public TransactWriteItem putNewAction(Order o) {
        return putNewAction(o, dev.holdfast.domain.order.OrderOrigin.UNKNOWN);
    }

    /**
     * The put of a new order with where it came from ({@code sourceIp}, {@code deviceId} on the
     * item, for post-trade risk; not part of the order's response).
     */
    public TransactWriteItem putNewAction(Order o, dev.holdfast.domain.order.OrderOrigin origin) {
        OrderItem item = toItem(o);
        item.sourceIp = origin.sourceAddress().orElse(null);
        item.deviceId = origin.deviceId().orElse(null);
        return TransactWriteItem.builder().put(Put.builder().tableName(tableName)
                .item(OrderItem.SCHEMA.itemToMap(item, true))
                .conditionExpression("attribute_not_exists(pk)")
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build()).build();
    }

    /** Parses an order returned by a failed condition ({@code ALL_OLD}). */
    public static Order fromAttributes(Map<String, AttributeValue> item) {
        return fromItem(OrderItem.SCHEMA.mapToItem(item));
    }

    /**
     * Records a rejected order, unless this key already has an outcome.
     *
     * @return the recorded order: this one, or the one that was there first
     */
    public Order recordRejection(Order rejected) {
        try {
            dynamo.putItem(b -> b.tableName(tableName).item(OrderItem.SCHEMA.itemToMap(toItem(rejected), true))
                    .conditionExpression("attribute_not_exists(pk)")
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return rejected;
        } catch (ConditionalCheckFailedException e) {
            return e.hasItem() ? fromAttributes(e.item()) : order(rejected.orderId()).orElseThrow();
        }
    }

    /** One page of an owner's orders, newest first. */
    public record OrderPage(List<Order> orders, Optional<String> nextCursor) {}

    public OrderPage byOwner(String ownerSub, int limit, Optional<String> cursor) {
        QueryEnhancedRequest.Builder q = QueryEnhancedRequest.builder()
                .queryConditional(QueryConditional.keyEqualTo(Key.builder().partitionValue("USER#" + ownerSub).build()))
                .scanIndexForward(false).limit(limit);
        cursor.ifPresent(c -> q.exclusiveStartKey(decode(c, "USER#" + ownerSub, "gsi2pk", "gsi2sk")));
        Page<OrderItem> page = byUser.query(q.build()).iterator().next();
        List<Order> orders = page.items().stream().map(OrderStore::fromItem).toList();
        return new OrderPage(orders, next(page, orders.size() == limit, "gsi2sk"));
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
    public OrderPage acceptedInMarket(String marketId, int limit, Optional<String> cursor) {
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
        List<Order> orders = page.items().stream().map(OrderStore::fromItem).toList();
        Map<String, AttributeValue> last = page.lastEvaluatedKey();
        Optional<String> next;
        if (last != null && !last.isEmpty() && orders.size() == limit) {
            next = Optional.of(Cursors.encode("S" + shard + "|" + last.get("gsi1sk").s() + "|" + last.get("pk").s()));
        } else if (shard + 1 < MARKET_INDEX_SHARDS) {
            next = Optional.of(Cursors.encode("S" + (shard + 1)));
        } else {
            next = Optional.empty();
        }
        return new OrderPage(orders, next);
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

    static OrderItem toItem(Order o) {
        OrderItem i = new OrderItem();
        i.pk = "ORDER#" + o.orderId();
        i.sk = "ORDER";
        String created = Rfc3339.format(o.createdAt());
        if (o.status() == OrderStatus.ACCEPTED) {
            i.gsi1pk = marketIndexKey(o.marketId(), o.orderId());
            i.gsi1sk = o.orderId();
        }
        i.gsi2pk = "USER#" + o.ownerSub();
        i.gsi2sk = created + "#" + o.orderId();
        i.orderId = o.orderId();
        i.owner = o.ownerSub();
        i.idempotencyKey = o.idempotencyKey();
        i.fingerprint = o.fingerprint();
        i.status = o.status().name();
        i.marketId = o.marketId();
        i.selectionId = o.selectionId();
        i.eventId = o.eventId();
        i.stake = o.stake().text();
        i.odds = o.odds() == null ? null : o.odds().text();
        i.priceVersion = o.priceVersion();
        i.potentialPayout = o.potentialPayout() == null ? null : o.potentialPayout().text();
        i.createdAt = created;
        i.rejectionCode = o.rejectionCode();
        i.claims = OrderClaims.encode(o.claims(), o.ownerSub(), o.eventId(), o.selectionId());
        ObjectNode funds = Json.object();
        o.funds().forEach((f, a) -> funds.put(f.name(), a.text()));
        i.funds = Json.write(funds);
        i.responseStatus = o.responseStatus();
        // an accepted order's answer is its view, made again from these fields on a replay: not stored twice
        i.responseBody = o.status() == OrderStatus.ACCEPTED ? null : o.responseBody();
        return i;
    }

    static Order fromItem(OrderItem i) {
        List<ExposureClaim> claims = OrderClaims.decode(i.claims, i.owner, i.eventId, i.selectionId);
        Map<Fund, Amount> funds = new EnumMap<>(Fund.class);
        Json.parseTrusted(i.funds).fields().forEachRemaining(e -> funds.put(Fund.valueOf(e.getKey()), Amount.parse(e.getValue().asText())));
        return new Order(i.orderId, i.owner, i.idempotencyKey, i.fingerprint, OrderStatus.valueOf(i.status), i.marketId,
                i.selectionId, i.eventId, Amount.parse(i.stake), i.odds == null ? null : Odds.parse(i.odds),
                i.priceVersion == null ? 0 : i.priceVersion,
                i.potentialPayout == null ? null : new Amount(new BigDecimal(i.potentialPayout)),
                Rfc3339.parse(i.createdAt), i.rejectionCode, claims, funds, i.responseStatus, i.responseBody);
    }
}
