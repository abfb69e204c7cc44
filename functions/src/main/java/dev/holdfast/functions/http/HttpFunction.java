package dev.holdfast.functions.http;

import dev.holdfast.functions.runtime.JsonLog;
import dev.holdfast.functions.runtime.Invocation;
import dev.holdfast.persistence.Contention;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.ApiError;
import dev.holdfast.api.ErrorCode;
import dev.holdfast.api.Json;
import dev.holdfast.resources.Access;
import dev.holdfast.resources.FunctionDef;
import dev.holdfast.resources.RouteDef;
import dev.holdfast.resources.Routes;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The thin edge shared by every HTTP function: API Gateway HTTP API (payload 2.0) event in,
 * contract response out. It finds the route by the event's route key, enforces the route's access
 * from {@link Routes} (401 without a verified caller, 403 without the admin group), maps
 * {@link ApiError} to the contract's error body, turns DynamoDB throttling that outlasted the SDK's
 * retries into {@code 503 SERVICE_UNAVAILABLE} with {@code Retry-After} and anything unexpected into a
 * {@code 500 INTERNAL_ERROR} (both commit nothing), stamps {@code X-Request-Id}, and writes one
 * JSON access log line per request.
 */
public abstract class HttpFunction implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    /** One route's handler. */
    @FunctionalInterface
    public interface Route {
        HttpResponse handle(HttpRequest request);
    }

    /** How soon a client may retry after DynamoDB throttled its call. */
    static final int THROTTLED_RETRY_AFTER_SECONDS = 1;

    private final FunctionDef function;
    private final Map<String, Route> routes = new HashMap<>();
    private final JsonLog log;

    protected HttpFunction(FunctionDef function) {
        this.function = function;
        this.log = new JsonLog(function.id());
    }

    /** Registers the handler of one route of {@link Routes} that this function serves. */
    protected final void serve(String routeKey, Route route) {
        RouteDef def = Routes.byKey(routeKey)
                .orElseThrow(() -> new IllegalStateException(routeKey + " is not in Routes"));
        if (def.function() != function) {
            throw new IllegalStateException(routeKey + " belongs to function " + def.function());
        }
        routes.put(routeKey, route);
    }

    /** The route keys this function serves (checked against {@link Routes} by tests). */
    public final Set<String> servedRouteKeys() {
        return new TreeSet<>(routes.keySet());
    }

    @Override
    public final APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        try (Invocation.Scope invocation = Invocation.begin(function.id(), context)) {
            return handle(event, context);
        }
    }

    private APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event, Context context) {
        long started = System.nanoTime();
        String requestId = requestId(event, context);
        String routeKey = event.getRouteKey() == null ? Routes.DEFAULT_ROUTE_KEY : event.getRouteKey();
        HttpResponse response;
        try {
            response = dispatch(routeKey, event, requestId);
        } catch (ApiError e) {
            response = HttpResponse.of(e.code().httpStatus(), e.body());
        } catch (RuntimeException e) {
            if (Contention.throttled(e)) {
                response = throttled(routeKey, requestId, e);
            } else {
                response = internalError(routeKey, requestId, e);
            }
        }
        ObjectNode access = log.line("INFO", requestId, "request");
        access.put("routeKey", routeKey);
        access.put("path", event.getRawPath());
        access.put("status", response.status());
        if (response.status() >= 400 && response.body().has("error")) {
            access.put("code", response.body().path("error").path("code").asText());
        }
        access.put("latencyMs", (System.nanoTime() - started) / 1_000_000.0);
        log.write(access);

        Map<String, String> headers = new LinkedHashMap<>(response.headers());
        if (response.body() != null) {
            headers.put("Content-Type", "application/json");
        }
        headers.put("X-Request-Id", requestId);
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(response.status())
                .withHeaders(headers)
                .withBody(response.body() == null ? "" : Json.write(response.body()))
                .withIsBase64Encoded(false)
                .build();
    }

    private HttpResponse internalError(String routeKey, String requestId, RuntimeException e) {
        ObjectNode line = log.error(requestId, "unhandled exception", e);
        line.put("routeKey", routeKey);
        log.write(line);
        ApiError internal = new ApiError(ErrorCode.INTERNAL_ERROR,
                "something went wrong on our side; nothing was committed, retrying is safe");
        return HttpResponse.of(internal.code().httpStatus(), internal.body());
    }

    /**
     * DynamoDB refused a call for capacity past the SDK's retries: nothing was committed (the
     * refused call wrote nothing, and every handler's money moves in one transaction), so the
     * answer is a clear {@code 503 SERVICE_UNAVAILABLE} with {@code Retry-After}, not a 500.
     */
    private HttpResponse throttled(String routeKey, String requestId, RuntimeException e) {
        ObjectNode line = log.line("WARN", requestId, "DynamoDB throttled past retries");
        line.put("routeKey", routeKey);
        line.put("exception", e.getClass().getSimpleName());
        log.write(line);
        ObjectNode details = Json.object();
        details.put("retryAfterSeconds", THROTTLED_RETRY_AFTER_SECONDS);
        ApiError busy = new ApiError(ErrorCode.SERVICE_UNAVAILABLE,
                "we are busy; nothing was committed, retrying (with the same Idempotency-Key) is safe", details);
        return HttpResponse.of(busy.code().httpStatus(), busy.body())
                .withHeader("Retry-After", Integer.toString(THROTTLED_RETRY_AFTER_SECONDS));
    }

    private HttpResponse dispatch(String routeKey, APIGatewayV2HTTPEvent event, String requestId) {
        Route route = routes.get(routeKey);
        RouteDef def = Routes.byKey(routeKey).orElse(null);
        if (route == null || def == null) {
            throw new ApiError(ErrorCode.NOT_FOUND, "no such route: " + event.getRawPath());
        }
        Caller caller = verifiedCaller(event);
        if (def.access().needsToken() && caller == null) {
            throw new ApiError(ErrorCode.UNAUTHENTICATED, "a valid bearer token is required");
        }
        if (def.access() == Access.ADMIN && !caller.isAdmin()) {
            throw new ApiError(ErrorCode.FORBIDDEN, "this call needs the admin group");
        }
        Map<String, String> pathParameters = orEmpty(event.getPathParameters());
        Map<String, String> query = orEmpty(event.getQueryStringParameters());
        checkIds(pathParameters, query);
        Map<String, String> headers = lowerCaseKeys(event.getHeaders());
        String body = body(event);
        String contentType = headers.get("content-type");
        if (body != null && !body.isEmpty() && contentType != null && !dev.holdfast.api.RequestBody.isJsonContentType(contentType)) {
            throw dev.holdfast.api.RequestBody.unsupportedMediaType(contentType);
        }
        return route.handle(new HttpRequest(routeKey, pathParameters, query, headers, body, caller, requestId, sourceIp(event)));
    }

    /** What a path id may look like: every id Holdfast issues fits, and far under DynamoDB's 2,048-byte key bound. */
    static final java.util.regex.Pattern PATH_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._:~-]{1,128}");
    /** Account ids are subjects (any printable text without spaces or '#'), still bounded. */
    static final java.util.regex.Pattern ACCOUNT_ID = java.util.regex.Pattern.compile("[^\\p{Cntrl}\\s#]{1,128}");
    static final java.util.regex.Pattern PRICE_VERSION = java.util.regex.Pattern.compile("[1-9][0-9]{0,17}");
    /** Id-like query parameters: printable, no spaces, bounded. */
    static final java.util.regex.Pattern QUERY_ID = java.util.regex.Pattern.compile("[^\\p{Cntrl}\\s]{1,200}");
    static final Set<String> ID_QUERY_PARAMETERS = Set.of("id", "selectionId", "marketId", "eventId", "accountId");
    /** The longest query parameter name or value (cursors are far shorter). */
    static final int MAX_QUERY_VALUE = 1024;
    /** The route's own "not found" code per path parameter; an impossible id is simply not there. */
    static final Map<String, ErrorCode> NOT_FOUND_CODES = Map.of(
            "marketId", ErrorCode.MARKET_NOT_FOUND,
            "orderId", ErrorCode.ORDER_NOT_FOUND,
            "withdrawalId", ErrorCode.WITHDRAWAL_NOT_FOUND,
            "rolloutId", ErrorCode.ROLLOUT_NOT_FOUND,
            "ticketId", ErrorCode.TICKET_NOT_FOUND,
            "signupId", ErrorCode.SIGNUP_NOT_FOUND,
            "surgeId", ErrorCode.SURGE_NOT_FOUND);

    /**
     * Every path parameter and id-like query parameter is checked here, before any handler, with a
     * bound and a charset: an impossible id is the route's 404 (or a 400 naming the field), so no
     * unchecked id ever reaches a store key.
     */
    static void checkIds(Map<String, String> pathParameters, Map<String, String> query) {
        for (Map.Entry<String, String> p : pathParameters.entrySet()) {
            String name = p.getKey();
            String value = p.getValue() == null ? "" : p.getValue();
            switch (name) {
                case "accountId" -> {
                    if (!ACCOUNT_ID.matcher(value).matches()) {
                        throw ApiError.validation("accountId", "'accountId' is not an account id");
                    }
                }
                case "priceVersion" -> {
                    if (!PRICE_VERSION.matcher(value).matches()) {
                        throw ApiError.validation("priceVersion", "'priceVersion' must be a positive whole number");
                    }
                }
                default -> {
                    if (!PATH_ID.matcher(value).matches()) {
                        ErrorCode code = NOT_FOUND_CODES.getOrDefault(name, ErrorCode.NOT_FOUND);
                        ObjectNode details = Json.object();
                        details.put("field", name);
                        throw new ApiError(code, "no such " + name + " (ids are 1 to 128 of A-Z a-z 0-9 . _ : ~ -)", details);
                    }
                }
            }
        }
        for (Map.Entry<String, String> q : query.entrySet()) {
            String name = q.getKey();
            String value = q.getValue() == null ? "" : q.getValue();
            if (name.length() > 64) {
                throw ApiError.validation("query", "a query parameter name is longer than 64 characters");
            }
            if (value.length() > MAX_QUERY_VALUE) {
                throw ApiError.validation(name, "'" + name + "' is longer than " + MAX_QUERY_VALUE + " characters");
            }
            if (ID_QUERY_PARAMETERS.contains(name) && !value.isEmpty() && !QUERY_ID.matcher(value).matches()) {
                throw ApiError.validation(name, "'" + name + "' must be 1 to 200 printable characters without spaces");
            }
        }
    }

    private static Caller verifiedCaller(APIGatewayV2HTTPEvent event) {
        var ctx = event.getRequestContext();
        if (ctx == null || ctx.getAuthorizer() == null || ctx.getAuthorizer().getJwt() == null
                || ctx.getAuthorizer().getJwt().getClaims() == null) {
            return null;
        }
        return Caller.fromClaims(ctx.getAuthorizer().getJwt().getClaims());
    }

    private static String body(APIGatewayV2HTTPEvent event) {
        String body = event.getBody();
        if (body != null && event.getIsBase64Encoded()) {
            try {
                return new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw ApiError.validation("body", "the body is not valid base64");
            }
        }
        return body;
    }

    private static String requestId(APIGatewayV2HTTPEvent event, Context context) {
        if (event.getRequestContext() != null && event.getRequestContext().getRequestId() != null) {
            return event.getRequestContext().getRequestId();
        }
        if (context != null && context.getAwsRequestId() != null) {
            return context.getAwsRequestId();
        }
        return UUID.randomUUID().toString();
    }

    private static String sourceIp(APIGatewayV2HTTPEvent event) {
        var ctx = event.getRequestContext();
        return ctx == null || ctx.getHttp() == null ? null : ctx.getHttp().getSourceIp();
    }

    private static Map<String, String> orEmpty(Map<String, String> m) {
        return m == null ? Map.of() : m;
    }

    private static Map<String, String> lowerCaseKeys(Map<String, String> m) {
        Map<String, String> out = new HashMap<>();
        if (m != null) {
            m.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v));
        }
        return out;
    }
}
