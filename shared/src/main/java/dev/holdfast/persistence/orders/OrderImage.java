package dev.holdfast.persistence.orders;

import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.order.Order;
import dev.holdfast.domain.order.OrderOrigin;
import dev.holdfast.domain.settlement.Settlement;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What one new image of the orders table's stream is, decoded here so that its readers (the risk
 * processor) never see attribute maps: a risk heartbeat, an order's settlement, a placed order
 * (with its origin), or another item.
 */
public sealed interface OrderImage {

    /** A heartbeat item ({@link OrderStore#HEARTBEAT_SK}); {@code createdAt} when it carries one. */
    record Heartbeat(Optional<Instant> createdAt) implements OrderImage {}

    /** An order's settlement record. */
    record Settled(Settlement settlement) implements OrderImage {}

    /** An order item, as stored, with where it came from. */
    record Placed(Order order, OrderOrigin origin) implements OrderImage {}

    /** Any other item of the table (nothing to do for the stream's readers). */
    record Other() implements OrderImage {}

    /** Decodes a stream record's new image (SDK attribute values). */
    static OrderImage of(Map<String, AttributeValue> image) {
        if (OrderStore.isHeartbeat(image)) {
            AttributeValue v = image.get("createdAt");
            return new Heartbeat(v == null || v.s() == null ? Optional.empty() : Optional.of(Rfc3339.parse(v.s())));
        }
        if (OrderStore.isSettlement(image)) {
            return new Settled(OrderStore.settlementFromAttributes(image));
        }
        if (image.containsKey("sk") && "ORDER".equals(image.get("sk").s())) {
            StoredOrder stored = OrderItem.fromItem(image);
            return new Placed(stored.order(), stored.origin());
        }
        return new Other();
    }
}
