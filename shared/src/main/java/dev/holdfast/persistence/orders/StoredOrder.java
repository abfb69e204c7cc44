package dev.holdfast.persistence.orders;

import dev.holdfast.domain.order.Order;
import dev.holdfast.domain.order.OrderOrigin;

import java.util.Objects;
import java.util.Optional;

/**
 * One order item as stored: the order, where it came from, and the answer its idempotency key
 * replays (the order item is its key's idempotency record). A rejection's answer is stored as it
 * was sent; an accepted order's body is its view, made again from the order on a replay, so only
 * its status is stored.
 *
 * @param replyStatus the HTTP status of the first answer
 * @param replyBody   the JSON of the first answer as stored: a rejection's; empty for an accepted
 *                    order (replay its view)
 */
public record StoredOrder(Order order, OrderOrigin origin, int replyStatus, Optional<String> replyBody) {
    /** The status an accepted order is answered, and replayed, with. */
    public static final int ACCEPTED_STATUS = 201;

    public StoredOrder {
        Objects.requireNonNull(order);
        Objects.requireNonNull(origin);
        Objects.requireNonNull(replyBody);
    }

    /** An accepted order, answered {@value #ACCEPTED_STATUS} with its view. */
    public static StoredOrder accepted(Order.Accepted order, OrderOrigin origin) {
        return new StoredOrder(order, origin, ACCEPTED_STATUS, Optional.empty());
    }

    /** A rejected order, answered {@code status} with {@code body}. */
    public static StoredOrder rejected(Order.Rejected order, int status, String body) {
        return new StoredOrder(order, OrderOrigin.UNKNOWN, status, Optional.of(body));
    }
}
