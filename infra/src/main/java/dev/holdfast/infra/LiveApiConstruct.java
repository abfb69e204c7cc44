package dev.holdfast.infra;

import dev.holdfast.domain.live.ClientAction;
import dev.holdfast.resources.Functions;
import dev.holdfast.resources.Naming;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.WebSocketLambdaAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_integrations.WebSocketLambdaIntegration;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogDestination;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogSettings;
import software.amazon.awscdk.services.apigatewayv2.LogGroupLogDestination;
import software.amazon.awscdk.services.apigatewayv2.ThrottleSettings;
import software.amazon.awscdk.services.apigatewayv2.WebSocketApi;
import software.amazon.awscdk.services.apigatewayv2.WebSocketRoute;
import software.amazon.awscdk.services.apigatewayv2.WebSocketRouteOptions;
import software.amazon.awscdk.services.apigatewayv2.WebSocketStage;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

import java.util.ArrayList;
import java.util.List;

/**
 * The live-price WebSocket API: route selection on {@code $request.body.action}; {@code $connect}
 * behind a Lambda REQUEST authorizer ({@code live-authorizer}, the user's Cognito access token from
 * {@code Authorization} or {@code ?token=}); {@code $disconnect}, {@code subscribe},
 * {@code unsubscribe}, {@code resume}, {@code ping} and {@code $default} to the {@code live}
 * function. The {@code live} function (answers) and the publisher (fan-out) may post to connections
 * of this API's stage and nothing else: {@code execute-api:ManageConnections} on
 * {@code <api>/<stage>/POST/@connections/*}.
 */
public final class LiveApiConstruct extends Construct {
    public static final String STAGE_NAME = "live";
    /** Messages per second the stage accepts (account default is 10,000 across APIs; see docs/capacity.md). */
    static final int THROTTLE_RATE = 5_000;
    static final int THROTTLE_BURST = 5_000;
    static final String ACCESS_LOG_FORMAT = "{\"requestId\":\"$context.requestId\",\"ip\":\"$context.identity.sourceIp\","
            + "\"requestTime\":\"$context.requestTime\",\"routeKey\":\"$context.routeKey\",\"eventType\":\"$context.eventType\","
            + "\"connectionId\":\"$context.connectionId\",\"status\":\"$context.status\","
            + "\"integrationError\":\"$context.integrationErrorMessage\",\"authorizerError\":\"$context.authorizer.error\"}";

    private final WebSocketApi api;
    private final WebSocketStage stage;

    public LiveApiConstruct(Construct scope, String id, String stageName) {
        super(scope, id);
        api = WebSocketApi.Builder.create(this, "Api")
                .apiName(Naming.prefixFor(stageName) + "live")
                .routeSelectionExpression("$request.body.action")
                .build();
        LogGroup accessLogs = LogGroup.Builder.create(this, "AccessLogs")
                .retention(RetentionDays.ONE_YEAR)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        IAccessLogDestination destination = new LogGroupLogDestination(accessLogs);
        stage = WebSocketStage.Builder.create(this, "Stage")
                .webSocketApi(api)
                .stageName(STAGE_NAME)
                .autoDeploy(true)
                .throttle(ThrottleSettings.builder().rateLimit(THROTTLE_RATE).burstLimit(THROTTLE_BURST).build())
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
    }

    /** {@code wss://<id>.execute-api.<region>.amazonaws.com/live}: what apps connect to. */
    public String url() {
        return stage.getUrl();
    }

    /** {@code https://<id>.execute-api.<region>.amazonaws.com/live}: where {@code PostToConnection} goes. */
    public String callbackUrl() {
        return stage.getCallbackUrl();
    }

    public WebSocketApi api() {
        return api;
    }

    /** Routes every route to the {@code live} function, {@code $connect} behind the authorizer; grants the posts. */
    public void serve(FunctionsConstruct functions) {
        WebSocketLambdaIntegration integration = new WebSocketLambdaIntegration("live-integration",
                functions.alias(Functions.LIVE));
        WebSocketLambdaAuthorizer authorizer = WebSocketLambdaAuthorizer.Builder.create("Jwt",
                        functions.alias(Functions.LIVE_AUTHORIZER))
                .identitySource(List.of())
                .build();
        api.addRoute("$connect", WebSocketRouteOptions.builder().integration(integration).authorizer(authorizer).build());
        List<String> open = new ArrayList<>(List.of("$disconnect", "$default"));
        open.addAll(ClientAction.ROUTES);
        for (String key : open) {
            WebSocketRoute r = api.addRoute(key, WebSocketRouteOptions.builder().integration(integration).build());
            NagSuppressions.addResourceSuppressions(r, List.of(NagPackSuppression.builder()
                    .id("AwsSolutions-APIG4")
                    .reason("WebSocket APIs authorize once, on $connect (the Lambda authorizer checks the Cognito token);"
                            + " " + key + " runs on a connection that was authorized then")
                    .build()));
        }
        String connections = Stack.of(this).formatArn(software.amazon.awscdk.ArnComponents.builder()
                .service("execute-api")
                .resource(api.getApiId())
                .resourceName(STAGE_NAME + "/POST/@connections/*")
                .build());
        for (var def : List.of(Functions.LIVE, Functions.LIVE_PUBLISHER)) {
            functions.function(def).addToRolePolicy(PolicyStatement.Builder.create()
                    .actions(List.of("execute-api:ManageConnections"))
                    .resources(List.of(connections))
                    .build());
            NagSuppressions.addResourceSuppressions(functions.function(def).getRole(), List.of(NagPackSuppression.builder()
                    .id("AwsSolutions-IAM5")
                    .reason("PostToConnection names a connection id only known at run time: the grant is on this API's"
                            + " stage, POST to @connections/* only")
                    .appliesTo(List.of(io.github.cdklabs.cdknag.RegexAppliesTo.builder()
                            .regex("/^Resource::.*\\/" + STAGE_NAME + "\\/POST\\/@connections\\/\\*$/").build()))
                    .build()), true);
        }
    }
}
