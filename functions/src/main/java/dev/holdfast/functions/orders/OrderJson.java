package dev.holdfast.functions.orders;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.order.Order;
import dev.holdfast.domain.settlement.Settlement;

import java.util.Optional;

/** The contract's order JSON. */
public final class OrderJson {
    private OrderJson() {}

    /** The order, and its {@code settlement} once it is settled. */
    public static ObjectNode view(Order o, Optional<Settlement> settlement) {
        ObjectNode n = view(o);
        settlement.ifPresent(s -> {
            ObjectNode j = n.putObject("settlement");
            j.put("outcome", s.outcome().name());
            j.put("paid", s.paid().text());
            j.put("settledAt", Rfc3339.format(s.settledAt()));
        });
        return n;
    }

    public static ObjectNode view(Order o) {
        ObjectNode n = Json.object();
        n.put("orderId", o.orderId());
        n.put("status", o.status().name());
        n.put("marketId", o.marketId());
        n.put("selectionId", o.selectionId());
        n.put("stake", o.stake().text());
        if (o instanceof Order.Accepted a) {
            n.put("odds", a.odds().text());
        }
        n.put("priceVersion", o.priceVersion());
        if (o instanceof Order.Accepted a) {
            n.put("potentialPayout", a.potentialPayout().text());
        }
        n.put("currency", Amount.CURRENCY);
        n.put("createdAt", Rfc3339.format(o.createdAt()));
        n.put("idempotencyKey", o.idempotencyKey());
        if (o instanceof Order.Accepted a) {
            ObjectNode funds = n.putObject("funds");
            a.funds().forEach((f, amount) -> funds.put(f.name(), amount.text()));
        } else if (o instanceof Order.Rejected r) {
            n.putObject("rejection").put("code", r.rejectionCode());
        }
        return n;
    }
}
