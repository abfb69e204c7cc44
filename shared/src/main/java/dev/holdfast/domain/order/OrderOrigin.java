package dev.holdfast.domain.order;

import java.util.Optional;

/**
 * Where an order came from, kept on the order item at creation for post-trade risk (never in the
 * response): the caller's source address as API Gateway saw it, and the device id the app sent in
 * {@code X-Device-Id}, if any.
 */
public record OrderOrigin(Optional<String> sourceAddress, Optional<String> deviceId) {
    public static final OrderOrigin UNKNOWN = new OrderOrigin(Optional.empty(), Optional.empty());

    public OrderOrigin {
        sourceAddress = sourceAddress == null ? Optional.empty() : sourceAddress.filter(s -> !s.isBlank());
        deviceId = deviceId == null ? Optional.empty() : deviceId.filter(s -> !s.isBlank());
    }
}
