package dev.holdfast.functions.http;

import dev.holdfast.api.ApiError;
import dev.holdfast.api.ErrorCode;
import dev.holdfast.api.RequestBody;

import java.util.Map;
import java.util.Optional;

/**
 * A request as a route handler sees it: no AWS types, headers in lower case.
 *
 * @param caller the verified caller, or {@code null} on public routes without a token
 */
public record HttpRequest(String routeKey, Map<String, String> pathParameters, Map<String, String> query,
                          Map<String, String> headers, String body, Caller caller, String requestId,
                          String sourceIp) {

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
    }

    public Optional<String> queryParam(String name) {
        return Optional.ofNullable(query.get(name));
    }

    public String pathParameter(String name) {
        String v = pathParameters.get(name);
        if (v == null) {
            throw new IllegalStateException("route has no path parameter " + name);
        }
        return v;
    }

    /** The caller; routes that need one are guarded before the handler runs. */
    public Caller requireCaller() {
        if (caller == null) {
            throw new ApiError(ErrorCode.UNAUTHENTICATED, "a valid bearer token is required");
        }
        return caller;
    }

    private static final java.util.regex.Pattern IDEMPOTENCY_KEY = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** The required {@code Idempotency-Key} header: 1 to 64 of {@code [A-Za-z0-9_-]}, else a 400. */
    public String idempotencyKey() {
        String key = header("Idempotency-Key")
                .orElseThrow(() -> ApiError.validation("Idempotency-Key", "the Idempotency-Key header is required"));
        if (!IDEMPOTENCY_KEY.matcher(key).matches()) {
            throw ApiError.validation("Idempotency-Key", "the Idempotency-Key must be 1 to 64 of A-Z a-z 0-9 _ -");
        }
        return key;
    }

    /** The body as a strictly read JSON object. */
    public RequestBody jsonBody() {
        return RequestBody.parse(body);
    }

    /** An optional {@code limit} query parameter within bounds. */
    public int limit(int defaultLimit, int max) {
        Optional<String> raw = queryParam("limit");
        if (raw.isEmpty()) {
            return defaultLimit;
        }
        try {
            int v = Integer.parseInt(raw.get());
            if (v >= 1 && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw ApiError.validation("limit", "'limit' must be a whole number from 1 to " + max);
    }
}
