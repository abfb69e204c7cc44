package dev.holdfast.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import dev.holdfast.api.ApiError;
import dev.holdfast.api.ErrorCode;
import dev.holdfast.api.Json;
import dev.holdfast.api.RequestBody;
import dev.holdfast.resources.Access;
import dev.holdfast.resources.RouteDef;
import dev.holdfast.resources.Routes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The local stand-in for API Gateway's HTTP API: matches each request against {@link Routes},
 * checks the bearer token as the JWT authorizer would (answering the contract's
 * {@code 401 UNAUTHENTICATED} itself), builds the payload-2.0 event AWS would send and invokes the
 * real handler class through {@link FunctionHost}. Unknown routes go to the {@code $default}
 * route's function, as in the deployed API. It also serves the local-only routes and, at {@code /},
 * the waiting page (in AWS CloudFront serves it from S3 beside the API).
 */
public final class LocalApiGateway {
    /** API Gateway refuses bodies over 10 MB; the contract's bodies are tiny, so 1 MiB is plenty. */
    static final int MAX_BODY_BYTES = 1 << 20;
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    static final String WAITING_PAGE_FILE = "index.html";
    static final String WAITING_PAGE_RESOURCE = "web/" + WAITING_PAGE_FILE;
    /** The market page beside it: live odds over the WebSocket API, orders at the shown priceVersion. */
    static final String MARKET_PAGE_FILE = "market.html";

    private final FunctionHost host;
    private volatile String waitingPageHtml;
    private final LocalJwt jwt;
    private final Clock clock;
    private final GatewayHttpServer server;

    public LocalApiGateway(FunctionHost host, LocalJwt jwt, Clock clock, String bindHost, int port) throws IOException {
        this.host = host;
        this.jwt = jwt;
        this.clock = clock;
        this.server = new GatewayHttpServer(bindHost, port, 256, 64, this::handle);
    }

    public void start() {
        server.start();
    }

    public int port() {
        return server.port();
    }

    public void stop() {
        server.stop();
    }

    /**
     * Every request ends here, malformed ones included (the server hands them over with a
     * problem), and every answer is the contract's: JSON error shape and {@code X-Request-Id}.
     */
    private GatewayHttpServer.Response handle(GatewayHttpServer.Request request) {
        String requestId = UUID.randomUUID().toString();
        Answer answer;
        try {
            if (request.problem() != null) {
                throw ApiError.validation("request", "the request is malformed: " + request.problem());
            }
            answer = route(request, requestId);
        } catch (ApiError e) {
            answer = Answer.error(e);
        } catch (IOException | RuntimeException e) {
            System.err.println("{\"level\":\"ERROR\",\"logger\":\"local-api\",\"requestId\":\"" + requestId
                    + "\",\"message\":" + Json.MAPPER.valueToTree(String.valueOf(e)) + "}");
            answer = Answer.error(new ApiError(ErrorCode.INTERNAL_ERROR,
                    "the local gateway failed; nothing was committed, retrying is safe"));
        }
        Map<String, String> h = new LinkedHashMap<>();
        answer.headers.forEach((k, v) -> {
            if (!k.equalsIgnoreCase("X-Request-Id") && !k.equalsIgnoreCase("Content-Type")) {
                h.put(k, v);
            }
        });
        String contentType = answer.headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("Content-Type"))
                .map(Map.Entry::getValue).findFirst().orElse("application/json");
        String id = answer.headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("X-Request-Id"))
                .map(Map.Entry::getValue).findFirst().orElse(requestId);
        h.put("Content-Type", contentType);
        h.put("X-Request-Id", id);
        return new GatewayHttpServer.Response(answer.status, h, answer.body.getBytes(StandardCharsets.UTF_8));
    }

    private record Answer(int status, Map<String, String> headers, String body) {
        static Answer error(ApiError e) {
            return new Answer(e.code().httpStatus(), Map.of(), Json.write(e.body()));
        }
    }

    private Answer route(GatewayHttpServer.Request exchange, String requestId) throws IOException {
        String method = exchange.method().toUpperCase(Locale.ROOT);
        String rawPath = exchange.rawPath();
        String path;
        try {
            path = URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiError.validation("path", "the path has a malformed percent-escape");
        }
        if (method.equals("GET") && (path.equals("/") || path.equals("/" + WAITING_PAGE_FILE))) {
            return waitingPage();
        }
        if ((method.equals("GET") || method.equals("HEAD")) && (path.equals(OPS_PREFIX) || path.startsWith(OPS_PREFIX + "/"))) {
            return opsConsole(path);
        }
        if (method.equals("GET") && path.equals("/" + MARKET_PAGE_FILE)) {
            return marketPage();
        }
        byte[] bodyBytes = readBody(exchange.body());
        String body = bodyBytes.length == 0 ? null : new String(bodyBytes, StandardCharsets.UTF_8);

        Optional<Routes.Match> match = Routes.match(method, path);
        RouteDef route = match.map(Routes.Match::route).orElse(null);
        if (route != null && route.access() == Access.LOCAL_ONLY) {
            requireJson(exchange.headers().getFirst("Content-Type"), body);
            return localRoute(route, body);
        }
        Map<String, String> claims = null;
        if (route != null && route.access().needsToken()) {
            claims = bearer(exchange.headers()).flatMap(jwt::verify).orElse(null);
            if (claims == null) {
                ApiError e = new ApiError(ErrorCode.UNAUTHENTICATED, "a valid bearer token is required");
                return new Answer(401, Map.of("WWW-Authenticate", "Bearer"), Json.write(e.body()));
            }
        }
        APIGatewayV2HTTPEvent event = event(exchange, requestId, method, rawPath, body,
                route == null ? Routes.DEFAULT_ROUTE_KEY : route.routeKey(),
                match.map(Routes.Match::pathParameters).orElse(null), claims);
        APIGatewayV2HTTPResponse r;
        try {
            r = host.invokeOrThrottle(route == null ? Routes.DEFAULT_FUNCTION : route.function(), event, requestId);
        } catch (FunctionHost.Throttled t) {
            return throttled(t);
        }
        String responseBody = r.getBody() == null ? "" : r.getBody();
        if (r.getIsBase64Encoded()) {
            responseBody = new String(java.util.Base64.getDecoder().decode(responseBody), StandardCharsets.UTF_8);
        }
        return new Answer(r.getStatusCode(), r.getHeaders() == null ? Map.of() : r.getHeaders(), responseBody);
    }

    /** How long a throttled caller is told to wait ({@code Retry-After}, whole seconds). */
    static final int THROTTLED_RETRY_AFTER_SECONDS = 1;

    /**
     * A function at its concurrency limit: nothing ran, so nothing was committed. The contract's
     * {@code 429 RATE_LIMITED} with {@code Retry-After} (and {@code details.retryAfterSeconds}), as the
     * deployed API answers its route throttles and a throttled integration.
     */
    private static Answer throttled(FunctionHost.Throttled t) {
        ObjectNode d = Json.object();
        d.put("retryAfterSeconds", THROTTLED_RETRY_AFTER_SECONDS);
        ApiError e = new ApiError(ErrorCode.RATE_LIMITED, "too many requests right now; nothing was done, retry after "
                + THROTTLED_RETRY_AFTER_SECONDS + " s", d);
        return new Answer(429, Map.of("Retry-After", Integer.toString(THROTTLED_RETRY_AFTER_SECONDS)), Json.write(e.body()));
    }

    /**
     * The waiting page ({@code GET /} and {@code GET /index.html}, any query), as S3 + CloudFront serve it
     * in AWS: the classpath resource {@value #WAITING_PAGE_RESOURCE}, read once.
     */
    private Answer waitingPage() throws IOException {
        String page = waitingPageHtml;
        if (page == null) {
            try (InputStream in = LocalApiGateway.class.getClassLoader().getResourceAsStream(WAITING_PAGE_RESOURCE)) {
                if (in == null) {
                    throw new ApiError(ErrorCode.NOT_FOUND, "no waiting page on the classpath");
                }
                page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            waitingPageHtml = page;
        }
        return new Answer(200, Map.of("Content-Type", "text/html; charset=utf-8", "Cache-Control", "no-cache"), page);
    }

    /** Where the ops console is served (in AWS: the {@code ops/} prefix of the waiting page's bucket). */
    static final String OPS_PREFIX = "/ops";
    /** The console's files: flat names under {@code web/ops/} on the classpath. */
    private static final java.util.regex.Pattern OPS_FILE = java.util.regex.Pattern.compile("[a-z0-9-]+\\.(html|js|css|svg)");
    /**
     * The console's settings, answered here; in AWS the CDK app writes {@code ops/config.json} with
     * the Cognito hosted UI's domain and the console's app client.
     */
    static final String OPS_LOCAL_CONFIG = "{\"auth\":\"local\"}";

    /**
     * The ops console ({@code GET /ops/…}) as S3 + CloudFront serve it in AWS, with
     * {@code Cache-Control: no-store}: the console must never show a stale trading mode, and a
     * redeploy must reach it at once.
     */
    private Answer opsConsole(String path) throws IOException {
        if (path.equals(OPS_PREFIX)) {
            return new Answer(301, Map.of("Location", OPS_PREFIX + "/", "Cache-Control", "no-store"), "");
        }
        String name = path.substring(OPS_PREFIX.length() + 1);
        if (name.isEmpty()) {
            name = "index.html";
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Cache-Control", "no-store");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("X-Frame-Options", "DENY");
        headers.put("Referrer-Policy", "no-referrer");
        if (name.equals("config.json")) {
            headers.put("Content-Type", "application/json");
            return new Answer(200, headers, OPS_LOCAL_CONFIG);
        }
        if (!OPS_FILE.matcher(name).matches()) {
            throw new ApiError(ErrorCode.NOT_FOUND, "no such console file");
        }
        try (InputStream in = LocalApiGateway.class.getClassLoader().getResourceAsStream("web/ops/" + name)) {
            if (in == null) {
                throw new ApiError(ErrorCode.NOT_FOUND, "no such console file");
            }
            String ext = name.substring(name.lastIndexOf('.') + 1);
            headers.put("Content-Type", switch (ext) {
                case "html" -> "text/html; charset=utf-8";
                case "js" -> "text/javascript; charset=utf-8";
                case "css" -> "text/css; charset=utf-8";
                default -> "image/svg+xml";
            });
            return new Answer(200, headers, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** The market page ({@code GET /market.html}), from the classpath beside the waiting page. */
    private Answer marketPage() throws IOException {
        try (InputStream in = LocalApiGateway.class.getClassLoader().getResourceAsStream("web/" + MARKET_PAGE_FILE)) {
            if (in == null) {
                throw new ApiError(ErrorCode.NOT_FOUND, "no market page on the classpath");
            }
            return new Answer(200, Map.of("Content-Type", "text/html; charset=utf-8", "Cache-Control", "no-cache"),
                    new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static byte[] readBody(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            // drain (up to 64 MiB) so the client reads the answer, not a reset connection
            byte[] sink = new byte[64 << 10];
            long drained = 0;
            for (int n; drained < (64L << 20) && (n = in.read(sink)) > 0; ) {
                drained += n;
            }
            throw new ApiError(ErrorCode.PAYLOAD_TOO_LARGE, "the body is larger than " + MAX_BODY_BYTES + " bytes");
        }
        return bytes;
    }

    private static Optional<String> bearer(Headers headers) {
        String auth = headers.getFirst("Authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return Optional.of(auth.substring(7).trim());
    }

    /** A body with a Content-Type other than JSON is {@code 415 UNSUPPORTED_MEDIA_TYPE} (as {@code HttpFunction} answers). */
    static void requireJson(String contentType, String body) {
        if (body != null && !body.isEmpty() && contentType != null && !RequestBody.isJsonContentType(contentType)) {
            throw RequestBody.unsupportedMediaType(contentType);
        }
    }

    private APIGatewayV2HTTPEvent event(GatewayHttpServer.Request exchange, String requestId, String method, String rawPath,
                                        String body, String routeKey, Map<String, String> pathParameters,
                                        Map<String, String> claims) {
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> cookies = new ArrayList<>();
        exchange.headers().forEach((name, values) -> {
            String key = name.toLowerCase(Locale.ROOT);
            if (key.equals("cookie")) {
                for (String v : values) {
                    for (String c : v.split(";")) {
                        if (!c.isBlank()) {
                            cookies.add(c.trim());
                        }
                    }
                }
            } else {
                headers.put(key, String.join(",", values));
            }
        });
        String rawQuery = exchange.rawQuery();
        Instant now = clock.instant();
        String sourceIp = exchange.remote().getAddress().getHostAddress();

        var http = APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                .withMethod(method).withPath(rawPath).withProtocol(exchange.protocol())
                .withSourceIp(sourceIp).withUserAgent(headers.getOrDefault("user-agent", "")).build();
        var ctx = APIGatewayV2HTTPEvent.RequestContext.builder()
                .withAccountId("000000000000").withApiId("local").withStage("$default")
                .withDomainName(headers.getOrDefault("host", "127.0.0.1")).withDomainPrefix("local")
                .withRequestId(requestId).withRouteKey(routeKey)
                .withTime(REQUEST_TIME.format(now)).withTimeEpoch(now.toEpochMilli())
                .withHttp(http);
        if (claims != null) {
            ctx.withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                    .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                            .withClaims(claims).withScopes(null).build())
                    .build());
        }
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0").withRouteKey(routeKey).withRawPath(rawPath)
                .withRawQueryString(rawQuery == null ? "" : rawQuery)
                .withCookies(cookies.isEmpty() ? null : cookies)
                .withHeaders(headers)
                .withQueryStringParameters(queryParameters(rawQuery))
                .withPathParameters(pathParameters == null || pathParameters.isEmpty() ? null : pathParameters)
                .withBody(body).withIsBase64Encoded(false)
                .withRequestContext(ctx.build())
                .build();
    }

    /** As API Gateway does: decoded, repeated names joined with commas, absent when empty. */
    static Map<String, String> queryParameters(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.merge(k, v, (a, b) -> a + "," + b);
        }
        return out.isEmpty() ? null : out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    /** {@code POST /local/token}: {@code {"sub", "groups", "ttlSeconds"?}} → {@code {"token"}}. */
    private Answer localRoute(RouteDef route, String body) {
        if (!route.routeKey().equals("POST /local/token")) {
            throw new IllegalStateException("unserved local route " + route.routeKey());
        }
        RequestBody b = RequestBody.parse(body).allowOnly(Set.of("sub", "groups", "ttlSeconds"));
        String sub = b.requiredString("sub", 128);
        List<String> groups = b.optionalStringList("groups", 20, 128);
        long ttl = b.optionalLong("ttlSeconds", 1, 86_400).orElse(3_600L);
        ObjectNode out = Json.object();
        out.put("token", jwt.issue(sub, groups, Duration.ofSeconds(ttl)));
        return new Answer(200, Map.of(), Json.write(out));
    }
}
