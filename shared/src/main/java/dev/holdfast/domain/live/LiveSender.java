package dev.holdfast.domain.live;

/**
 * Sends one message to one WebSocket connection: API Gateway Management API's
 * {@code PostToConnection} in AWS ({@code dev.holdfast.functions.live.ManagementApiSender}), the local WebSocket server locally.
 */
public interface LiveSender {
    /** What became of a send. */
    enum Delivery {
        DELIVERED,
        /** The connection is gone (API Gateway's {@code GoneException}, 410): delete it. */
        GONE
    }

    /**
     * @throws RuntimeException on any other failure (throttling, network): the caller may retry
     */
    Delivery send(String connectionId, String message);
}
