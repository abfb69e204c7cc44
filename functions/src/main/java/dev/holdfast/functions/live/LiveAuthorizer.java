package dev.holdfast.functions.live;

import dev.holdfast.runtime.Deployment;
import dev.holdfast.functions.runtime.Invocation;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import dev.holdfast.functions.runtime.Priming;
import dev.holdfast.resources.Functions;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The live WebSocket API's {@code $connect} authorizer (a Lambda REQUEST authorizer: WebSocket APIs
 * have no JWT authorizer): the user's Cognito access token from {@code Authorization: Bearer} or, for
 * clients that cannot set headers, {@code ?token=}; allowed with {@code sub} and {@code groups} in
 * the context the live function reads, denied (403, no connection) otherwise.
 */
public final class LiveAuthorizer implements RequestHandler<APIGatewayCustomAuthorizerEvent, Map<String, Object>> {
    private final CognitoTokens tokens;

    public LiveAuthorizer() {
        this(Deployment.fromEnvironment(), System.getenv());
        Priming.register(Functions.LIVE_AUTHORIZER, Deployment.fromEnvironment(), this::prime);
    }

    public LiveAuthorizer(Deployment deployment, Map<String, String> environment) {
        this(new CognitoTokens(environment.get(CognitoTokens.ISSUER_VARIABLE),
                environment.get(CognitoTokens.CLIENT_ID_VARIABLE), deployment.clock()));
    }

    public LiveAuthorizer(CognitoTokens tokens) {
        this.tokens = tokens;
    }

    /** SnapStart priming: a malformed token denied (no key fetch). */
    private void prime() {
        APIGatewayCustomAuthorizerEvent e = new APIGatewayCustomAuthorizerEvent();
        e.setMethodArn("arn:aws:execute-api:us-east-1:000000000000:priming/live/$connect");
        e.setHeaders(Map.of("Authorization", "Bearer not-a-token"));
        handleRequest(e, null);
    }

    static Optional<String> token(APIGatewayCustomAuthorizerEvent e) {
        if (e.getHeaders() != null) {
            for (Map.Entry<String, String> h : e.getHeaders().entrySet()) {
                String v = h.getValue();
                if (h.getKey().equalsIgnoreCase("Authorization") && v != null && v.regionMatches(true, 0, "Bearer ", 0, 7)) {
                    return Optional.of(v.substring(7).trim());
                }
            }
        }
        if (e.getQueryStringParameters() != null && e.getQueryStringParameters().get("token") != null) {
            return Optional.of(URLDecoder.decode(e.getQueryStringParameters().get("token"), StandardCharsets.UTF_8));
        }
        return Optional.empty();
    }

    @Override
    public Map<String, Object> handleRequest(APIGatewayCustomAuthorizerEvent event, Context context) {
        try (Invocation.Scope invocation = Invocation.begin(getClass(), context)) {
            return handle(event, context);
        }
    }

    private Map<String, Object> handle(APIGatewayCustomAuthorizerEvent event, Context context) {
        Optional<CognitoTokens.Caller> caller = token(event).flatMap(tokens::verify);
        Map<String, Object> statement = new LinkedHashMap<>();
        statement.put("Action", "execute-api:Invoke");
        statement.put("Effect", caller.isPresent() ? "Allow" : "Deny");
        statement.put("Resource", event.getMethodArn());
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("Version", "2012-10-17");
        policy.put("Statement", List.of(statement));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("principalId", caller.map(CognitoTokens.Caller::sub).orElse("anonymous"));
        out.put("policyDocument", policy);
        caller.ifPresent(c -> out.put("context", Map.of("sub", c.sub(), "groups", String.join(" ", c.groups()))));
        return out;
    }
}
