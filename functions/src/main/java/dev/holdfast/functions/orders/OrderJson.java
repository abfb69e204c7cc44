package dev.holdfast.functions.orders;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.order.Order;
import dev.holdfast.domain.order.OrderStatus;

/** The contract's order JSON. */
final class OrderJson {
    private OrderJson() {}

    static ObjectNode view(Order o) {
        ObjectNode n = Json.object();
        n.put("orderId", o.orderId());
        n.put("status", o.status().name());
        n.put("marketId", o.marketId());
        n.put("selectionId", o.selectionId());
        n.put("stake", o.stake().text());
        if (o.odds() != null && o.status() == OrderStatus.ACCEPTED) {
            n.put("odds", o.odds().text());
        }
        n.put("priceVersion", o.priceVersion());
        if (o.potentialPayout() != null) {
            n.put("potentialPayout", o.potentialPayout().text());
        }
        n.put("currency", Amount.CURRENCY);
        n.put("createdAt", Rfc3339.format(o.createdAt()));
        n.put("idempotencyKey", o.idempotencyKey());
        if (o.status() == OrderStatus.ACCEPTED) {
            ObjectNode funds = n.putObject("funds");
            o.funds().forEach((f, a) -> funds.put(f.name(), a.text()));
        } else {
            n.putObject("rejection").put("code", o.rejectionCode());
        }
        return n;
    }
}
