package dev.holdfast.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A contract error: thrown by handlers and domain adapters, answered as
 * {@code {"error": {"code", "message", "details"}}} with the code's HTTP status.
 */
public final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final transient ObjectNode details;

    public ApiError(ErrorCode code, String message, ObjectNode details) {
        super(message, null, false, false);
        this.code = code;
        this.details = details == null ? Json.object() : details;
    }

    public ApiError(ErrorCode code, String message) {
        this(code, message, null);
    }

    /** {@code 400 VALIDATION_ERROR} naming the offending field. */
    public static ApiError validation(String field, String message) {
        ObjectNode d = Json.object();
        d.put("field", field);
        return new ApiError(ErrorCode.VALIDATION_ERROR, message, d);
    }

    /**
     * {@code 503 TRADING_HALTED} for maintenance: every money-moving call answers it while the mode
     * is not NORMAL, with the ops notice in {@code details.notice}.
     */
    public static ApiError tradingHalted(java.util.Optional<String> notice) {
        ObjectNode d = Json.object();
        d.put("reason", "MAINTENANCE");
        d.put("notice", notice.orElse(null));
        return new ApiError(ErrorCode.TRADING_HALTED, "money movement is halted; nothing was committed", d);
    }

    public ErrorCode code() {
        return code;
    }

    public ObjectNode details() {
        return details;
    }

    /** The contract's error body. */
    public ObjectNode body() {
        ObjectNode root = Json.object();
        ObjectNode e = root.putObject("error");
        e.put("code", code.name());
        e.put("message", getMessage());
        e.set("details", details);
        return root;
    }
}
