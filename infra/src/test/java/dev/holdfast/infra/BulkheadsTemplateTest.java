package dev.holdfast.infra;

import dev.holdfast.domain.capacity.PathCosts;
import dev.holdfast.resources.Bulkheads;
import dev.holdfast.resources.FunctionDef;
import dev.holdfast.resources.Functions;
import dev.holdfast.resources.Naming;
import dev.holdfast.resources.TableDef;
import dev.holdfast.resources.Triggers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bulkheads and pre-scaling in the dev synth: reserved concurrency per function and a throttle per
 * route as {@link Bulkheads} sizes them, {@code GET /status} cached 1 s at the edge, the preparer on an
 * EventBridge Scheduler schedule with exactly the grants its plan needs.
 */
class BulkheadsTemplateTest {
    private static Template api;
    private static TemplateLookup lookup;
    private static TemplateLookup data;
    private static final Bulkheads.Sizing SIZING = Bulkheads.defaults();

    @BeforeAll
    static void synth() {
        api = DevStage.api();
        lookup = new TemplateLookup(api);
        data = new TemplateLookup(DevStage.data());
    }

    private static Map<String, Object> function(FunctionDef def) {
        return lookup.properties("AWS::Lambda::Function", Map.of("Handler", def.handler()));
    }

    @Test
    void everySizedFunctionHasItsReservedConcurrencyAndNoOtherHasAny() {
        int total = 0;
        for (FunctionDef def : Functions.ALL) {
            Object reserved = function(def).get("ReservedConcurrentExecutions");
            if (SIZING.reserved().containsKey(def)) {
                assertEquals(SIZING.reserved().get(def), reserved, def.id());
                total += (Integer) reserved;
            } else {
                assertNull(reserved, def.id() + " shares the unreserved pool");
            }
        }
        assertEquals(548, total);
        assertTrue(Bulkheads.ACCOUNT_CONCURRENCY - total >= Bulkheads.UNRESERVED_FLOOR);
        assertEquals(144, function(Functions.ORDERS).get("ReservedConcurrentExecutions"));
        assertEquals(45, function(Functions.WALLET).get("ReservedConcurrentExecutions"));
    }

    @Test
    void routesAreThrottledOnTheStagePerRouteAndTheStageWaitsForThem() {
        Map<String, Map<String, Object>> stages = api.findResources("AWS::ApiGatewayV2::Stage",
                Match.objectLike(Map.of("Properties", Match.objectLike(Map.of("StageName", "$default")))));
        assertEquals(1, stages.size());
        Map<String, Object> stage = stages.values().iterator().next();
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> settings = (Map<String, Map<String, Object>>) TemplateLookup.properties(stage).get("RouteSettings");
        assertEquals(SIZING.routes().keySet(), settings.keySet());
        SIZING.routes().forEach((key, t) -> assertEquals(
                Map.of("ThrottlingRateLimit", t.ratePerSecond(), "ThrottlingBurstLimit", t.burst()), settings.get(key), key));
        assertEquals(Map.of("ThrottlingRateLimit", 2_000, "ThrottlingBurstLimit", 1_000), settings.get("POST /orders"));
        assertEquals(Map.of("ThrottlingRateLimit", 500, "ThrottlingBurstLimit", 250), settings.get("POST /wallet/withdrawals"));
        // CloudFormation refuses settings for a route it has not created yet
        @SuppressWarnings("unchecked")
        List<String> dependsOn = (List<String>) stage.get("DependsOn");
        for (String key : SIZING.routes().keySet()) {
            String route = lookup.logicalId("AWS::ApiGatewayV2::Route", Map.of("RouteKey", key));
            assertTrue(dependsOn.contains(route), key + " in " + dependsOn);
        }
    }

    @Test
    void statusIsCachedOneSecondAtTheEdgeKeyedOnNothing() {
        Map<String, Object> config = lookup.properties("AWS::CloudFront::Distribution", Map.of());
        @SuppressWarnings("unchecked")
        Map<String, Object> dist = (Map<String, Object>) config.get("DistributionConfig");
        Map<String, Object> status = TemplateLookup.listOfMaps(dist.get("CacheBehaviors")).stream()
                .filter(b -> WaitingPageConstruct.STATUS_PATH.equals(b.get("PathPattern"))).findFirst().orElseThrow();
        assertEquals(List.of("GET", "HEAD"), status.get("AllowedMethods"));
        assertNull(status.get("OriginRequestPolicyId"), "nothing of the viewer's request reaches the API");
        @SuppressWarnings("unchecked")
        String policy = (String) ((Map<String, Object>) status.get("CachePolicyId")).get("Ref");
        @SuppressWarnings("unchecked")
        Map<String, Object> cfg = (Map<String, Object>) TemplateLookup.properties(
                api.findResources("AWS::CloudFront::CachePolicy").get(policy)).get("CachePolicyConfig");
        assertEquals(1, cfg.get("MinTTL"));
        assertEquals(1, cfg.get("DefaultTTL"));
        assertEquals(1, cfg.get("MaxTTL"));
        @SuppressWarnings("unchecked")
        Map<String, Object> key = (Map<String, Object>) cfg.get("ParametersInCacheKeyAndForwardedToOrigin");
        assertEquals(Map.of("HeaderBehavior", "none"), key.get("HeadersConfig"));
        assertEquals(Map.of("CookieBehavior", "none"), key.get("CookiesConfig"));
        assertEquals(Map.of("QueryStringBehavior", "none"), key.get("QueryStringsConfig"));
    }

    @Test
    void thePreparerRunsEveryFiveMinutesOnEventBridgeSchedulerThroughItsAlias() {
        api.resourceCountIs("AWS::Scheduler::Schedule", 1);
        Map<String, Object> schedule = TemplateLookup.properties(api.findResources("AWS::Scheduler::Schedule").values().iterator().next());
        assertEquals("rate(5 minutes)", schedule.get("ScheduleExpression"));
        assertEquals(Map.of("Mode", "OFF"), schedule.get("FlexibleTimeWindow"));
        @SuppressWarnings("unchecked")
        Map<String, Object> target = (Map<String, Object>) schedule.get("Target");
        String alias = lookup.logicalId("AWS::Lambda::Alias", Map.of("FunctionName", Map.of("Ref", functionId(Functions.PREPARER))));
        assertEquals(Map.of("Ref", alias), target.get("Arn"));
        assertEquals(Map.of("MaximumRetryAttempts", 0, "MaximumEventAgeInSeconds", Triggers.PREPARE_EVERY_SECONDS), target.get("RetryPolicy"));
        // the scheduler's role may invoke that alias and nothing else
        @SuppressWarnings("unchecked")
        String role = (String) ((List<?>) ((Map<String, Object>) target.get("RoleArn")).get("Fn::GetAtt")).get(0);
        List<Map<String, Object>> sts = statementsOfRole(role);
        assertEquals(1, sts.size(), sts.toString());
        assertEquals("lambda:InvokeFunction", sts.get(0).get("Action"));
        assertTrue(String.valueOf(sts.get(0).get("Resource")).contains(alias), sts.toString());
    }

    @Test
    void thePreparerMayRaiseWarmThroughputOnTheScaledTablesOnly() {
        List<Map<String, Object>> sts = LeastPrivilegeTest.statementsOf(api, Functions.PREPARER);
        List<Map<String, Object>> tables = sts.stream()
                .filter(st -> LeastPrivilegeTest.actions(st).contains("dynamodb:UpdateTable")).toList();
        assertEquals(1, tables.size(), sts.toString());
        assertEquals(PreScalingConstruct.TABLE_ACTIONS, LeastPrivilegeTest.actions(tables.get(0)));
        String resources = String.valueOf(tables.get(0).get("Resource"));
        Set<String> granted = new TreeSet<>();
        for (TableDef t : dev.holdfast.resources.Tables.ALL) {
            String id = data.logicalId("AWS::DynamoDB::Table", Map.of("TableName", Naming.tableName(DevStage.STAGE, t)));
            if (resources.contains("GetAtt" + id + "Arn")) {
                granted.add(t.id());
            }
        }
        assertEquals(new TreeSet<>(List.of("exposure", "markets", "orders", "platform", "waiting-room", "wallet")), granted);
        assertFalse(resources.contains("index/"), "an index's warm throughput is an UpdateTable of its table");
        // no item written: it reads the surge calendar (the platform table) and nothing else
        assertTrue(sts.stream().noneMatch(st -> String.valueOf(st.get("Action")).matches(".*dynamodb:(Put|Update|Delete|BatchWrite)Item.*")));
        Map<String, Object> env = environment(Functions.PREPARER);
        for (TableDef t : PreScalingConstruct.scaledTables()) {
            assertTrue(env.containsKey(t.envVar()), t.envVar());
        }
    }

    @Test
    void thePreparerMaySetProvisionedConcurrencyOnTheThreeAliasesOnly() {
        List<Map<String, Object>> sts = LeastPrivilegeTest.statementsOf(api, Functions.PREPARER).stream()
                .filter(st -> String.valueOf(st.get("Action")).contains("ProvisionedConcurrencyConfig")).toList();
        assertEquals(1, sts.size(), sts.toString());
        assertEquals(PreScalingConstruct.CONCURRENCY_ACTIONS, LeastPrivilegeTest.actions(sts.get(0)));
        List<Object> resources = new ArrayList<>(TemplateLookup.listOfMaps(sts.get(0).get("Resource")));
        Set<Object> expected = new java.util.HashSet<>();
        for (FunctionDef f : PathCosts.PROVISIONED.values()) {
            String alias = lookup.logicalId("AWS::Lambda::Alias", Map.of("FunctionName", Map.of("Ref", functionId(f))));
            expected.add(Map.of("Ref", alias));
            assertEquals(Map.of("Ref", functionId(f)), environment(Functions.PREPARER).get(f.nameEnvVar()), f.id());
        }
        assertEquals(expected, Set.copyOf(resources));
        // the CDK app provisions none itself: the preparer owns it, so a deploy never fights the plan
        api.resourcePropertiesCountIs("AWS::Lambda::Alias",
                Match.objectLike(Map.of("ProvisionedConcurrencyConfig", Match.anyValue())), 0);
        // and no other function may touch provisioned concurrency or table settings
        for (FunctionDef def : Functions.ALL) {
            if (def != Functions.PREPARER) {
                String all = LeastPrivilegeTest.statementsOf(api, def).toString();
                assertFalse(all.contains("ProvisionedConcurrency") || all.contains("UpdateTable"), def.id());
            }
        }
    }

    private static String functionId(FunctionDef def) {
        return lookup.logicalId("AWS::Lambda::Function", Map.of("Handler", def.handler()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environment(FunctionDef def) {
        return (Map<String, Object>) ((Map<String, Object>) function(def).get("Environment")).get("Variables");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> statementsOfRole(String role) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> policy : api.findResources("AWS::IAM::Policy").values()) {
            Map<String, Object> p = TemplateLookup.properties(policy);
            if (String.valueOf(p.get("Roles")).contains("Ref=" + role + "}")) {
                out.addAll((List<Map<String, Object>>) ((Map<String, Object>) p.get("PolicyDocument")).get("Statement"));
            }
        }
        return out;
    }
}
