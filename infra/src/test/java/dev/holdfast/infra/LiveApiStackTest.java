package dev.holdfast.infra;

import dev.holdfast.resources.FunctionDef;
import dev.holdfast.resources.Functions;
import dev.holdfast.resources.Naming;
import dev.holdfast.resources.Tables;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live-price WebSocket API in the dev synth: the API and its routes, the authorizer on
 * {@code $connect} only, the connections table with its TTL, the markets stream feeding the
 * publisher, and {@code execute-api:ManageConnections} held by exactly the two functions that post,
 * on this API's stage and {@code POST @connections} only.
 */
class LiveApiStackTest extends DevApiTemplate {

    @Test
    void aWebSocketApiSelectsRoutesByAction() {
        template.hasResourceProperties("AWS::ApiGatewayV2::Api", Map.of(
                "ProtocolType", "WEBSOCKET",
                "RouteSelectionExpression", "$request.body.action",
                "Name", Naming.prefixFor(DevStage.STAGE) + "live"));
        template.hasResourceProperties("AWS::ApiGatewayV2::Stage", Map.of(
                "StageName", LiveApiConstruct.STAGE_NAME, "AutoDeploy", true,
                "AccessLogSettings", Match.objectLike(Map.of()),
                "DefaultRouteSettings", Match.objectLike(Map.of("ThrottlingRateLimit", LiveApiConstruct.THROTTLE_RATE))));
    }

    @Test
    void everyProtocolRouteGoesToTheLiveFunctionAndOnlyConnectIsAuthorized() {
        Set<String> keys = new TreeSet<>();
        template.findResources("AWS::ApiGatewayV2::Route").values().forEach(r -> {
            Map<String, Object> p = TemplateLookup.properties(r);
            String key = String.valueOf(p.get("RouteKey"));
            if (key.startsWith("$") && !key.equals("$default") || List.of("subscribe", "unsubscribe", "resume", "ping", "$default").contains(key)) {
                if (!String.valueOf(p.get("ApiId")).contains("LiveApi")) {
                    return; // the HTTP API's own $default
                }
                keys.add(key);
                assertEquals(key.equals("$connect") ? "CUSTOM" : "NONE", p.getOrDefault("AuthorizationType", "NONE"), key);
            }
        });
        assertEquals(new TreeSet<>(List.of("$connect", "$disconnect", "$default", "subscribe", "unsubscribe", "resume", "ping")), keys);
        template.hasResourceProperties("AWS::ApiGatewayV2::Authorizer", Map.of("AuthorizerType", "REQUEST"));
        String liveAlias = lookup.logicalId("AWS::Lambda::Alias", Map.of("FunctionName",
                Map.of("Ref", functionLogicalId(Functions.LIVE))));
        template.hasResourceProperties("AWS::ApiGatewayV2::Integration", Map.of("IntegrationType", "AWS_PROXY",
                "IntegrationUri", Match.objectLike(Map.of("Fn::Join", Match.arrayWith(List.of(
                        Match.arrayWith(List.of(Map.of("Ref", liveAlias)))))))));
    }

    @Test
    void theConnectionsTableExpiresItsItems() {
        DevStage.data().hasResourceProperties("AWS::DynamoDB::Table", Map.of(
                "TableName", Naming.tableName(DevStage.STAGE, Tables.CONNECTIONS),
                "TimeToLiveSpecification", Map.of("AttributeName", "expiresAt", "Enabled", true)));
    }

    @Test
    void theMarketsStreamTriggersThePublisher() {
        String alias = lookup.logicalId("AWS::Lambda::Alias", Map.of("FunctionName",
                Map.of("Ref", functionLogicalId(Functions.LIVE_PUBLISHER))));
        List<Map<String, Object>> mappings = lookup.eventSourceMappingsTo(alias);
        assertEquals(1, mappings.size());
        assertTrue(String.valueOf(mappings.get(0).get("EventSourceArn")).contains("Markets")
                || String.valueOf(mappings.get(0).get("EventSourceArn")).toLowerCase().contains("markets"), mappings.toString());
        assertEquals(List.of("ReportBatchItemFailures"), mappings.get(0).get("FunctionResponseTypes"));
    }

    @Test
    void onlyTheLiveFunctionAndThePublisherMayPostToConnectionsOfThisStage() {
        List<String> holders = new ArrayList<>();
        template.findResources("AWS::IAM::Policy").forEach((id, policy) -> {
            Map<String, Object> doc = cast(TemplateLookup.properties(policy).get("PolicyDocument"));
            for (Map<String, Object> st : TemplateLookup.listOfMaps(doc.get("Statement"))) {
                if (LeastPrivilegeTest.actions(st).contains("execute-api:ManageConnections")) {
                    assertEquals(List.of("execute-api:ManageConnections"), LeastPrivilegeTest.actions(st));
                    String resource = String.valueOf(st.get("Resource"));
                    assertTrue(resource.contains("/" + LiveApiConstruct.STAGE_NAME + "/POST/@connections/*"), resource);
                    assertTrue(resource.contains("LiveApi"), resource);
                    holders.add(String.valueOf(TemplateLookup.properties(policy).get("Roles")));
                }
            }
        });
        assertEquals(2, holders.size(), holders.toString());
        for (FunctionDef def : List.of(Functions.LIVE, Functions.LIVE_PUBLISHER)) {
            assertTrue(holders.stream().anyMatch(h -> h.contains(def.id().replace("-", ""))), def.id() + " in " + holders);
        }
    }

    @Test
    void theLiveFunctionsKnowTheirCallbackUrlAndTheAuthorizerItsPool() {
        for (FunctionDef def : List.of(Functions.LIVE, Functions.LIVE_PUBLISHER)) {
            Map<String, Object> env = cast(cast(TemplateLookup.properties(template.findResources("AWS::Lambda::Function")
                    .get(functionLogicalId(def))).get("Environment")).get("Variables"));
            assertTrue(String.valueOf(env.get(ApiStack.LIVE_CALLBACK_URL_VARIABLE)).contains("LiveApi"), env.toString());
        }
        Map<String, Object> env = cast(cast(TemplateLookup.properties(template.findResources("AWS::Lambda::Function")
                .get(functionLogicalId(Functions.LIVE_AUTHORIZER))).get("Environment")).get("Variables"));
        assertTrue(env.containsKey(ApiStack.USER_POOL_ISSUER_VARIABLE) && env.containsKey(ApiStack.USER_POOL_CLIENT_ID_VARIABLE), env.toString());
    }

    private static String functionLogicalId(FunctionDef def) {
        return lookup.logicalId("AWS::Lambda::Function", Map.of("Handler", def.handler()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object o) {
        return (Map<String, Object>) o;
    }

    static Template unused() {
        return template;
    }
}
