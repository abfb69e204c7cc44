package dev.holdfast.infra;

import dev.holdfast.resources.FunctionDef;
import dev.holdfast.resources.Naming;
import dev.holdfast.resources.RouteDef;
import dev.holdfast.resources.Routes;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpJwtAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.HttpMethod;
import software.amazon.awscdk.services.apigatewayv2.HttpRoute;
import software.amazon.awscdk.services.apigatewayv2.HttpRouteKey;
import software.amazon.awscdk.services.apigatewayv2.HttpStage;
import software.amazon.awscdk.services.apigatewayv2.ThrottleSettings;
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
 * defence against a surge; the handlers' own rate limits answer first.
 */
public final class HttpApiConstruct extends Construct {
    /** Steady-state requests per second across the stage. */
    public static final int THROTTLE_RATE_PER_SECOND = 5000;
    /** Requests the stage absorbs at once above the steady rate. */
    public static final int THROTTLE_BURST = 2000;

    private final HttpStage stage;
    private final Map<FunctionDef, HttpLambdaIntegration> integrations = new LinkedHashMap<>();
    private final FunctionsConstruct functions;

    public HttpApiConstruct(Construct scope, String id, String stageName, FunctionsConstruct functions,
                            UserPoolConstruct users, List<RouteDef> routes, FunctionDef defaultFunction) {
        super(scope, id);
        this.functions = functions;
        HttpApi api = HttpApi.Builder.create(this, "Api")
                .apiName(Naming.prefixFor(stageName) + "api")
                .createDefaultStage(false)
                .build();
        stage = HttpStage.Builder.create(this, "DefaultStage")
                .httpApi(api)
                .stageName("$default")
                .autoDeploy(true)
                .throttle(ThrottleSettings.builder()
                        .rateLimit(THROTTLE_RATE_PER_SECOND)
                        .burstLimit(THROTTLE_BURST)
                        .build())
                .build();
        HttpJwtAuthorizer jwt = HttpJwtAuthorizer.Builder.create("Jwt", users.issuerUrl())
                .jwtAudience(List.of(users.client().getUserPoolClientId()))
                .build();

        for (RouteDef route : routes) {
            if (!route.deployed() || route.function() == null) {
                throw new IllegalArgumentException("route " + route.routeKey() + " is local-only; it is never deployed");
            }
            HttpRoute.Builder.create(this, route.routeKey())
                    .httpApi(api)
                    .routeKey(HttpRouteKey.with(route.path(), HttpMethod.valueOf(route.method())))
                    .integration(integration(route.function()))
                    .authorizer(route.access().needsToken() ? jwt : null)
                    .build();
        }
        HttpRoute.Builder.create(this, Routes.DEFAULT_ROUTE_KEY)
                .httpApi(api)
                .routeKey(HttpRouteKey.DEFAULT)
                .integration(integration(defaultFunction))
                .build();
    }

    /** The API's URL, {@code https://<id>.execute-api.<region>.amazonaws.com/}. */
    public String url() {
        return stage.getUrl();
    }

    /** One integration per function, shared by all its routes. */
    private HttpLambdaIntegration integration(FunctionDef def) {
        return integrations.computeIfAbsent(def, d ->
                new HttpLambdaIntegration(d.id() + "-integration", functions.alias(d)));
    }
}
