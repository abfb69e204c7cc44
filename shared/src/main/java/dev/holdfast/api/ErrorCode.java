package dev.holdfast.api;

/**
 * The contract's stable machine-readable error codes, each with its HTTP status. Codes are never
 * renamed; new ones are only added.
 */
public enum ErrorCode {
    VALIDATION_ERROR(400),
    UNAUTHENTICATED(401),
    ADMISSION_EXPIRED(401),
    FORBIDDEN(403),
    INVALID_LINK(403),
    NOT_FOUND(404),
    MARKET_NOT_FOUND(404),
    SELECTION_NOT_FOUND(404),
    ORDER_NOT_FOUND(404),
    WITHDRAWAL_NOT_FOUND(404),
    EVENT_NOT_FOUND(404),
    PRICE_NOT_FOUND(404),
    RECONCILIATION_NOT_RUN(404),
    ROLLOUT_NOT_FOUND(404),
    TICKET_NOT_FOUND(404),
    SIGNUP_NOT_FOUND(404),
    SURGE_NOT_FOUND(404),
    PAYLOAD_TOO_LARGE(413),
    UNSUPPORTED_MEDIA_TYPE(415),
    PRICE_CHANGED(409),
    PRICE_STALE(409),
    MARKET_NOT_OPEN(409),
    ILLEGAL_TRANSITION(409),
    VERSION_CONFLICT(409),
    ADMISSION_ALREADY_USED(409),
    FEED_MAPPING_TAKEN(409),
    MARKET_NOT_CLOSED(409),
    /** A change refused during a surge's freeze window; {@code details.surgeId} names the surge. */
    CHANGE_FROZEN(409),
    COHORT_CLOSED(410),
    IDEMPOTENCY_KEY_REUSED(422),
    INSUFFICIENT_FUNDS(422),
    STAKE_OUT_OF_RANGE(422),
    LIMIT_EXCEEDED(422),
    /** Live prices: a subscribe that would take a connection past its bound (sent as a WebSocket error message). */
    SUBSCRIPTION_LIMIT(422),
    COHORT_NOT_OPEN(425),
    RATE_LIMITED(429),
    INTERNAL_ERROR(500),
    TRADING_HALTED(503),
    SERVICE_UNAVAILABLE(503);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
