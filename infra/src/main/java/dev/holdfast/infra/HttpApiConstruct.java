package dev.holdfast.infra;

import dev.holdfast.resources.FunctionDef;
import dev.holdfast.resources.Naming;
import dev.holdfast.resources.RouteDef;
import dev.holdfast.resources.Routes;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpJwtAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.HttpMethod;
import software.amazon.awscdk.services.apigatewayv2.HttpRoute;
import software.amazon.awscdk.services.apigatewayv2.HttpRouteKey;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogDestination;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogSettings;
import software.amazon.awscdk.services.apigatewayv2.LogGroupLogDestination;
import software.amazon.awscdk.services.apigatewayv2.HttpStage;
import software.amazon.awscdk.services.apigatewayv2.ThrottleSettings;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTTP API: exactly the deployed routes of {@link Routes}, each integrated with its function's
 * alias, plus the catch-all.
 *
 * <ul>
 *   <li>USER and ADMIN routes ({@link dev.holdfast.resources.Access#needsToken()}) go through a JWT
 *       authorizer for the user pool (issuer = the pool, audience = the app client); whether an
 *       ADMIN caller is in the admin group is the handler's check (403), not the gateway's.</li>
 *   <li>PUBLIC routes have no authorizer. LOCAL_ONLY routes (such as {@code POST /local/token}) are
 *       refused outright: they must never reach a deployed API.</li>
 *   <li><b>Why {@code $default}:</b> without it API Gateway answers unknown routes itself with
 *       {@code {"message":"Not Found"}}; routing them to {@link Routes#DEFAULT_FUNCTION} gives the
 *       contract's {@code 404 NOT_FOUND} body. It has no authorizer, so unknown routes are 404,
 *       not 401.</li>
 * </ul>
 *
 * <p>One {@code $default} stage, auto-deployed, with a stage-wide throttle as the last line of
 * defence against a surge (context {@value #THROTTLE_RATE_CONTEXT} and {@value #THROTTLE_BURST_CONTEXT},
 * see {@link Throttle}); the handlers' own rate limits answer first. Every request is written to an
 * access log (JSON, one line per request, with API Gateway's request id).
 *
 * <p>The API is created first and routed later ({@link #serve}): the waiting page's CloudFront
 * distribution needs the API's domain, and the waiting-room function needs the distribution's, so
 * the API itself must not depend on any function.
 */
public final class HttpApiConstruct extends Construct {
    /** Default steady-state requests per second across the stage. */
    public static final int THROTTLE_RATE_PER_SECOND = 5000;
    /** Default requests the stage absorbs at once above the steady rate. */
    public static final int THROTTLE_BURST = 2000;
    /** Context key of the stage's steady rate ({@code cdk deploy -c throttleRate=8000}). */
    public static final String THROTTLE_RATE_CONTEXT = "throttleRate";
    /** Context key of the stage's burst ({@code cdk deploy -c throttleBurst=4000}). */
    public static final String THROTTLE_BURST_CONTEXT = "throttleBurst";

    /**
     * The stage's default route throttling. The defaults stay under API Gateway's account quota
     * (10,000 requests/s, 5,000 burst per region) so that one stage cannot starve the others.
     */
    public record Throttle(int ratePerSecond, int burst) {
        public Throttle {
            if (ratePerSecond < 1 || burst < 1) {
                throw new IllegalArgumentException("throttle rate and burst must be positive: " + ratePerSecond + "/" + burst);
            }
        }

        /** From the context values (numbers or strings, {@code null} for the default). */
        public static Throttle fromContext(Object rate, Object burst) {
            return new Throttle(number(rate, THROTTLE_RATE_PER_SECOND, THROTTLE_RATE_CONTEXT),
                    number(burst, THROTTLE_BURST, THROTTLE_BURST_CONTEXT));
        }

        private static int number(Object value, int fallback, String key) {
            if (value == null || value.toString().isBlank()) {
                return fallback;
            }
            try {
                return new java.math.BigDecimal(value.toString().trim()).intValueExact();
            } catch (ArithmeticException | NumberFormatException e) {
                throw new IllegalArgumentException("context " + key + " must be a whole number: " + value, e);
            }
        }
    }

    /** Fields of each access log line; all exist for HTTP APIs. */
    static final String ACCESS_LOG_FORMAT = "{\"requestId\":\"$context.requestId\",\"ip\":\"$context.identity.sourceIp\","
            + "\"requestTime\":\"$context.requestTime\",\"routeKey\":\"$context.routeKey\",\"status\":\"$context.status\","
            + "\"protocol\":\"$context.protocol\",\"responseLength\":\"$context.responseLength\","
            + "\"latencyMs\":\"$context.responseLatency\",\"integrationLatencyMs\":\"$context.integrationLatency\","
            + "\"integrationRequestId\":\"$context.integration.requestId\",\"integrationStatus\":\"$context.integration.status\","
            + "\"integrationError\":\"$context.integrationErrorMessage\",\"authorizerError\":\"$context.authorizer.error\"}";

    private final HttpApi api;
    private final HttpStage stage;
    private final HttpJwtAuthorizer jwt;
    private final Map<FunctionDef, HttpLambdaIntegration> integrations = new LinkedHashMap<>();

    public HttpApiConstruct(Construct scope, String id, String stageName, UserPoolConstruct users, Throttle throttle) {
        super(scope, id);
        api = HttpApi.Builder.create(this, "Api")
                .apiName(Naming.prefixFor(stageName) + "api")
                .createDefaultStage(false)
                .build();
        LogGroup accessLogs = LogGroup.Builder.create(this, "AccessLogs")
                .retention(RetentionDays.ONE_YEAR)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        IAccessLogDestination destination = new LogGroupLogDestination(accessLogs);
        stage = HttpStage.Builder.create(this, "DefaultStage")
                .httpApi(api)
                .stageName("$default")
                .autoDeploy(true)
                .throttle(ThrottleSettings.builder()
                        .rateLimit(throttle.ratePerSecond())
                        .burstLimit(throttle.burst())
                        .build())
                .accessLogSettings(new IAccessLogSettings() {
                    @Override
                    public IAccessLogDestination getDestination() {
                        return destination;
                    }

                    @Override
                    public AccessLogFormat getFormat() {
                        return AccessLogFormat.custom(ACCESS_LOG_FORMAT);
                    }
                })
                .build();
        jwt = HttpJwtAuthorizer.Builder.create("Jwt", users.issuerUrl())
                .jwtAudience(users.audiences())
                .build();
    }

    /**
     * Routes {@code routes} to their functions' aliases, and everything else to {@code defaultFunction}.
     */
    public void serve(FunctionsConstruct functions, List<RouteDef> routes, FunctionDef defaultFunction) {
        for (RouteDef route : routes) {
            if (!route.deployed() || route.function() == null) {
                throw new IllegalArgumentException("route " + route.routeKey() + " is local-only; it is never deployed");
            }
            HttpRoute r = HttpRoute.Builder.create(this, route.routeKey())
                    .httpApi(api)
                    .routeKey(HttpRouteKey.with(route.path(), HttpMethod.valueOf(route.method())))
                    .integration(integration(functions, route.function()))
                    .authorizer(route.access().needsToken() ? jwt : null)
                    .build();
            if (!route.access().needsToken()) {
                NagSuppressions.addResourceSuppressions(r, List.of(NagPackSuppression.builder()
                        .id("AwsSolutions-APIG4")
                        .reason(route.access() + " route: callers have no Cognito token yet (health, waiting room, signup"
                                + " status) or prove themselves with a Holdfast-signed admission token the function checks")
                        .build()));
            }
        }
        HttpRoute fallback = HttpRoute.Builder.create(this, Routes.DEFAULT_ROUTE_KEY)
                .httpApi(api)
                .routeKey(HttpRouteKey.DEFAULT)
                .integration(integration(functions, defaultFunction))
                .build();
        NagSuppressions.addResourceSuppressions(fallback, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-APIG4")
                .reason("$default only answers the contract's 404 NOT_FOUND for unknown routes; an authorizer would turn that into 401")
                .build()));
    }

    /** The API's URL, {@code https://<id>.execute-api.<region>.amazonaws.com/}. */
    public String url() {
        return stage.getUrl();
    }

    /** The API's host name, {@code <id>.execute-api.<region>.amazonaws.com}: an origin for CloudFront. */
    public String domainName() {
        return Fn.select(2, Fn.split("/", api.getApiEndpoint()));
    }

    public HttpApi api() {
        return api;
    }

    /** One integration per function, shared by all its routes. */
    private HttpLambdaIntegration integration(FunctionsConstruct functions, FunctionDef def) {
        return integrations.computeIfAbsent(def, d ->
                new HttpLambdaIntegration(d.id() + "-integration", functions.alias(d)));
    }
}
