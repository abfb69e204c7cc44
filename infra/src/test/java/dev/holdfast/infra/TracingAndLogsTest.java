package dev.holdfast.infra;

import dev.holdfast.resources.Functions;
import dev.holdfast.resources.Naming;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 19 #6: an on-call person can follow one request — every function traced (X-Ray active
 * tracing) and told its stage (logs and EMF metrics carry it), the dashboard's metric searches
 * filtered on the stage, and the HTTP API's access log naming the Lambda request id of the
 * integration next to API Gateway's own.
 */
class TracingAndLogsTest {

    @Test
    void everyFunctionIsTracedAndKnowsItsStage() {
        Template api = DevStage.api();
        Map<String, Map<String, Object>> functions = api.findResources("AWS::Lambda::Function",
                Match.objectLike(Map.of("Properties", Match.objectLike(Map.of("Runtime", "java21")))));
        assertEquals(Functions.ALL.size() + Functions.DEPLOY_HOOKS.size(), functions.size()); // the deploy hook too
        for (Map.Entry<String, Map<String, Object>> f : functions.entrySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> props = (Map<String, Object>) f.getValue().get("Properties");
            assertEquals(Map.of("Mode", "Active"), props.get("TracingConfig"), f.getKey());
            @SuppressWarnings("unchecked")
            Map<String, Object> vars = (Map<String, Object>) ((Map<String, Object>) props.get("Environment")).get("Variables");
            assertEquals(DevStage.STAGE, vars.get(Naming.STAGE_VARIABLE), f.getKey());
        }
        // X-Ray's write actions have no resource-level permissions: the only "*" the roles get
        api.hasResourceProperties("AWS::IAM::Policy", Match.objectLike(Map.of("PolicyDocument", Match.objectLike(Map.of(
                "Statement", Match.arrayWith(java.util.List.of(Match.objectLike(Map.of(
                        "Action", java.util.List.of("xray:PutTraceSegments", "xray:PutTelemetryRecords"),
                        "Resource", "*")))))))));
    }

    @Test
    void theAccessLogNamesTheIntegrationsLambdaRequestId() {
        assertTrue(HttpApiConstruct.ACCESS_LOG_FORMAT.contains("\"integrationRequestId\":\"$context.integration.requestId\""));
        assertTrue(HttpApiConstruct.ACCESS_LOG_FORMAT.contains("\"requestId\":\"$context.requestId\""));
    }

    @Test
    void theDashboardsMetricSearchesAreFilteredOnTheStage() {
        String body = String.valueOf(DevStage.api().findResources("AWS::CloudWatch::Dashboard").values());
        assertTrue(body.contains("MetricName=\\\\\\\"OrdersAccepted\\\\\\\" stage=\\\\\\\"dev\\\\\\\"")
                        || body.contains("MetricName=\\\"OrdersAccepted\\\" stage=\\\"dev\\\"")
                        || body.contains("stage=\\\\\"dev\\\\\""),
                "the dashboard's SEARCH expressions name the stage: " + body.substring(0, Math.min(2000, body.length())));
        assertTrue(DashboardConstruct.search("dev", "OrdersAccepted", "Sum").getExpression().contains("stage=\"dev\""));
    }
}
