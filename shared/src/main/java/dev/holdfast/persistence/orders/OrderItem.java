package dev.holdfast.persistence.orders;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.money.Fund;
import dev.holdfast.domain.order.ExposureClaim;
import dev.holdfast.domain.order.Order;
import dev.holdfast.domain.order.OrderOrigin;
import dev.holdfast.domain.order.OrderStatus;
import dev.holdfast.domain.pricing.Odds;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primarySortKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.secondaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.secondarySortKey;

/**
 * One stored order (pk {@code ORDER#id}, sk {@code ORDER}); byMarket lists accepted ones only. A
 * rejection has no odds, payout or index key in byMarket, empty claims and {@code {}} funds, and its
 * answer's body in {@code responseBody}; an accepted order has no {@code rejectionCode} and no body
 * (its answer is its view).
 */
final class OrderItem {
    static final String BY_MARKET = "byMarket";
    static final String BY_USER = "byUser";

    String pk;
    String sk;
    String gsi1pk;
    String gsi1sk;
    String gsi2pk;
    String gsi2sk;
    String orderId;
    String owner;
    String idempotencyKey;
    String fingerprint;
    String status;
    String marketId;
    String selectionId;
    String eventId;
    String stake;
    String odds;
    Long priceVersion;
    String potentialPayout;
    String createdAt;
    String rejectionCode;
    String claims;
    String funds;
    Integer responseStatus;
    String responseBody;
    /** Where the order came from (post-trade risk only; set at creation, absent on older orders). */
    String sourceIp;
    String deviceId;

    static final TableSchema<OrderItem> SCHEMA = StaticTableSchema.builder(OrderItem.class)
            .newItemSupplier(OrderItem::new)
            .addAttribute(String.class, a -> a.name("pk").getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
            .addAttribute(String.class, a -> a.name("sk").getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
            .addAttribute(String.class, a -> a.name("gsi1pk").getter(i -> i.gsi1pk).setter((i, v) -> i.gsi1pk = v).tags(secondaryPartitionKey(BY_MARKET)))
            .addAttribute(String.class, a -> a.name("gsi1sk").getter(i -> i.gsi1sk).setter((i, v) -> i.gsi1sk = v).tags(secondarySortKey(BY_MARKET)))
            .addAttribute(String.class, a -> a.name("gsi2pk").getter(i -> i.gsi2pk).setter((i, v) -> i.gsi2pk = v).tags(secondaryPartitionKey(BY_USER)))
            .addAttribute(String.class, a -> a.name("gsi2sk").getter(i -> i.gsi2sk).setter((i, v) -> i.gsi2sk = v).tags(secondarySortKey(BY_USER)))
            .addAttribute(String.class, a -> a.name("orderId").getter(i -> i.orderId).setter((i, v) -> i.orderId = v))
            .addAttribute(String.class, a -> a.name("owner").getter(i -> i.owner).setter((i, v) -> i.owner = v))
            .addAttribute(String.class, a -> a.name("idempotencyKey").getter(i -> i.idempotencyKey).setter((i, v) -> i.idempotencyKey = v))
            .addAttribute(String.class, a -> a.name("fingerprint").getter(i -> i.fingerprint).setter((i, v) -> i.fingerprint = v))
            .addAttribute(String.class, a -> a.name("status").getter(i -> i.status).setter((i, v) -> i.status = v))
            .addAttribute(String.class, a -> a.name("marketId").getter(i -> i.marketId).setter((i, v) -> i.marketId = v))
            .addAttribute(String.class, a -> a.name("selectionId").getter(i -> i.selectionId).setter((i, v) -> i.selectionId = v))
            .addAttribute(String.class, a -> a.name("eventId").getter(i -> i.eventId).setter((i, v) -> i.eventId = v))
            .addAttribute(String.class, a -> a.name("stake").getter(i -> i.stake).setter((i, v) -> i.stake = v))
            .addAttribute(String.class, a -> a.name("odds").getter(i -> i.odds).setter((i, v) -> i.odds = v))
            .addAttribute(Long.class, a -> a.name("priceVersion").getter(i -> i.priceVersion).setter((i, v) -> i.priceVersion = v))
            .addAttribute(String.class, a -> a.name("potentialPayout").getter(i -> i.potentialPayout).setter((i, v) -> i.potentialPayout = v))
            .addAttribute(String.class, a -> a.name("createdAt").getter(i -> i.createdAt).setter((i, v) -> i.createdAt = v))
            .addAttribute(String.class, a -> a.name("rejectionCode").getter(i -> i.rejectionCode).setter((i, v) -> i.rejectionCode = v))
            .addAttribute(String.class, a -> a.name("claims").getter(i -> i.claims).setter((i, v) -> i.claims = v))
            .addAttribute(String.class, a -> a.name("funds").getter(i -> i.funds).setter((i, v) -> i.funds = v))
            .addAttribute(Integer.class, a -> a.name("responseStatus").getter(i -> i.responseStatus).setter((i, v) -> i.responseStatus = v))
            .addAttribute(String.class, a -> a.name("responseBody").getter(i -> i.responseBody).setter((i, v) -> i.responseBody = v))
            .addAttribute(String.class, a -> a.name("sourceIp").getter(i -> i.sourceIp).setter((i, v) -> i.sourceIp = v))
            .addAttribute(String.class, a -> a.name("deviceId").getter(i -> i.deviceId).setter((i, v) -> i.deviceId = v))
            .build();

    static OrderItem toItem(StoredOrder stored) {
        Order o = stored.order();
        OrderItem i = new OrderItem();
        i.pk = "ORDER#" + o.orderId();
        i.sk = "ORDER";
        String created = Rfc3339.format(o.createdAt());
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
        i.priceVersion = o.priceVersion();
        i.createdAt = created;
        ObjectNode funds = Json.object();
        if (o instanceof Order.Accepted a) {
            i.gsi1pk = OrderStore.marketIndexKey(a.marketId(), a.orderId());
            i.gsi1sk = a.orderId();
            i.odds = a.odds().text();
            i.potentialPayout = a.potentialPayout().text();
            i.claims = OrderClaims.encode(a.claims(), a.ownerSub(), a.eventId(), a.selectionId());
            a.funds().forEach((f, amount) -> funds.put(f.name(), amount.text()));
        } else {
            i.rejectionCode = ((Order.Rejected) o).rejectionCode();
            i.claims = OrderClaims.encode(List.of(), o.ownerSub(), o.eventId(), o.selectionId());
        }
        i.funds = Json.write(funds);
        i.responseStatus = stored.replyStatus();
        i.responseBody = stored.replyBody().orElse(null);
        i.sourceIp = stored.origin().sourceAddress().orElse(null);
        i.deviceId = stored.origin().deviceId().orElse(null);
        return i;
    }

    static StoredOrder fromItem(Map<String, AttributeValue> item) {
        return fromItem(SCHEMA.mapToItem(item));
    }

    static StoredOrder fromItem(OrderItem i) {
        long priceVersion = i.priceVersion == null ? 0 : i.priceVersion;
        Order order;
        if (OrderStatus.valueOf(i.status) == OrderStatus.ACCEPTED) {
            List<ExposureClaim> claims = OrderClaims.decode(i.claims, i.owner, i.eventId, i.selectionId);
            Map<Fund, Amount> funds = new EnumMap<>(Fund.class);
            Json.parseTrusted(i.funds).fields()
                    .forEachRemaining(e -> funds.put(Fund.valueOf(e.getKey()), Amount.parse(e.getValue().asText())));
            order = new Order.Accepted(i.orderId, i.owner, i.idempotencyKey, i.fingerprint, i.marketId, i.selectionId,
                    i.eventId, Amount.parse(i.stake), Odds.parse(i.odds), priceVersion,
                    new Amount(new BigDecimal(i.potentialPayout)), Rfc3339.parse(i.createdAt), claims, funds);
        } else {
            order = new Order.Rejected(i.orderId, i.owner, i.idempotencyKey, i.fingerprint, i.marketId, i.selectionId,
                    i.eventId, Amount.parse(i.stake), priceVersion, Rfc3339.parse(i.createdAt), i.rejectionCode);
        }
        OrderOrigin origin = new OrderOrigin(Optional.ofNullable(i.sourceIp), Optional.ofNullable(i.deviceId));
        return new StoredOrder(order, origin, i.responseStatus, Optional.ofNullable(i.responseBody));
    }
}
