package dev.holdfast.infra;

import dev.holdfast.resources.Functions;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

import java.util.List;
import java.util.Map;

import static dev.holdfast.infra.TemplateLookup.ref;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Paging and the change freeze in the dev synth: one on-call topic that every alarm notifies, the
 * maintenance-overrun alarm, the pre-traffic hook on every deployment group, and log groups kept
 * (with a retention) when a stack is deleted or rolled back.
 */
class OnCallAndFreezeTest extends DevApiTemplate {

    private static String topic() {
        return lookup.logicalId("AWS::SNS::Topic", Map.of("TopicName", "Holdfast-" + DevStage.STAGE + "-oncall"));
    }

    @Test
    void oneEncryptedOnCallTopicThatRefusesPlainHttp() {
        template.resourceCountIs("AWS::SNS::Topic", 1);
        Map<String, Object> t = lookup.properties("AWS::SNS::Topic", Map.of("TopicName", "Holdfast-dev-oncall"));
        assertNotNull(t.get("KmsMasterKeyId"), "encrypted with its own key: " + t);
        String policy = String.valueOf(template.findResources("AWS::SNS::TopicPolicy"));
        assertTrue(policy.contains("aws:SecureTransport=false") && policy.contains("Deny"), policy);
        String key = String.valueOf(template.findResources("AWS::KMS::Key"));
        assertTrue(key.contains("cloudwatch.amazonaws.com") && key.contains("EnableKeyRotation=true"),
                "CloudWatch may publish to the encrypted topic: " + key);
        template.resourceCountIs("AWS::SNS::Subscription", 0); // no context: nobody subscribed
    }

    @Test
    void everyAlarmPagesOnCallWhenItFiresAndWhenItClears() {
        Map<String, Map<String, Object>> alarms = template.findResources("AWS::CloudWatch::Alarm");
        assertTrue(alarms.size() > Functions.ALL.size(), "the rollback alarms and the overrun alarm: " + alarms.size());
        for (Map.Entry<String, Map<String, Object>> a : alarms.entrySet()) {
            Map<String, Object> p = TemplateLookup.properties(a.getValue());
            assertTrue(String.valueOf(p.get("AlarmActions")).contains(ref(topic()).toString()), a.getKey() + ": " + p.get("AlarmActions"));
            assertTrue(String.valueOf(p.get("OKActions")).contains(ref(topic()).toString()), a.getKey() + ": " + p.get("OKActions"));
        }
    }

    @Test
    void aMaintenancePastItsAnnouncedEndPages() {
        Map<String, Object> a = lookup.properties("AWS::CloudWatch::Alarm", Map.of("AlarmName", "holdfast-dev-maintenance-overrun"));
        assertEquals("MaintenanceOverrun", a.get("MetricName"));
        assertEquals("Holdfast", a.get("Namespace"));
        // the EMF line's whole dimension set: function and stage (stages share the namespace)
        assertEquals(new java.util.HashSet<>(List.of(Map.of("Name", "function", "Value", Functions.PLATFORM.id()),
                Map.of("Name", "stage", "Value", DevStage.STAGE))), new java.util.HashSet<>((List<?>) a.get("Dimensions")));
        assertEquals("SampleCount", a.get("Statistic"));
        assertEquals(1, ((Number) a.get("Threshold")).intValue());
        assertEquals("GreaterThanOrEqualToThreshold", a.get("ComparisonOperator"));
        assertEquals(60, ((Number) a.get("Period")).intValue());
        assertEquals("notBreaching", a.get("TreatMissingData"));
    }

    @Test
    void everyAliasShiftsOnlyAfterThePreTrafficHookSaidSo() {
        String hookFn = lookup.logicalId("AWS::Lambda::Function", Map.of("Handler", Functions.PRE_TRAFFIC_HOOK.handler()));
        String hookAlias = lookup.logicalId("AWS::Lambda::Alias", Map.of("FunctionName", ref(hookFn)));
        int guarded = 0;
        for (Map.Entry<String, Map<String, Object>> alias : template.findResources("AWS::Lambda::Alias").entrySet()) {
            if (alias.getKey().equals(hookAlias)) {
                assertFalse(alias.getValue().containsKey("UpdatePolicy"), "the hook itself is not shifted by CodeDeploy");
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> update = (Map<String, Object>) ((Map<String, Object>) alias.getValue().get("UpdatePolicy"))
                    .get("CodeDeployLambdaAliasUpdate");
            assertTrue(String.valueOf(update.get("BeforeAllowTrafficHook")).contains(hookAlias), alias.getKey() + ": " + update);
            guarded++;
        }
        assertEquals(Functions.ALL.size(), guarded);
        // the hook may report to CodeDeploy and read the calendar; nothing else beyond its definition
        List<Map<String, Object>> sts = LeastPrivilegeTest.statementsOf(template, Functions.PRE_TRAFFIC_HOOK);
        List<Map<String, Object>> report = sts.stream()
                .filter(st -> String.valueOf(st.get("Action")).contains("codedeploy:PutLifecycleEventHookExecutionStatus")).toList();
        assertEquals(Functions.ALL.size(), report.size(), "one grant per deployment group: " + sts);
        for (Map<String, Object> st : report) {
            String resource = String.valueOf(st.get("Resource"));
            assertTrue(resource.contains(":deploymentgroup:") && !resource.contains("*"), "its own group only: " + st);
        }
        Map<String, Object> fn = lookup.properties("AWS::Lambda::Function", Map.of("Handler", Functions.PRE_TRAFFIC_HOOK.handler()));
        String env = String.valueOf(fn.get("Environment"));
        assertTrue(env.contains("HOLDFAST_TABLE_PLATFORM") && env.contains("HOLDFAST_TABLE_AUDIT"), env);
    }

    @Test
    void everyLogGroupOfEveryStackIsKeptWithAStatedRetention() {
        HoldfastApp.Stacks stacks = DevStage.stacks();
        int groups = 0;
        for (Template t : List.of(template, DevStage.data(), Template.fromStack(stacks.edge()))) {
            for (Map.Entry<String, Map<String, Object>> g : t.findResources("AWS::Logs::LogGroup").entrySet()) {
                assertEquals("Retain", g.getValue().get("DeletionPolicy"), g.getKey());
                assertEquals("Retain", g.getValue().get("UpdateReplacePolicy"), g.getKey());
                Object days = TemplateLookup.properties(g.getValue()).get("RetentionInDays");
                assertTrue(days instanceof Number n && n.intValue() > 0, g.getKey() + " retention " + days);
                groups++;
            }
        }
        assertTrue(groups >= Functions.ALL.size() + Functions.DEPLOY_HOOKS.size(), "log groups: " + groups);
    }
}
