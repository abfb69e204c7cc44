package dev.holdfast.infra;

import dev.holdfast.resources.FunctionDef;
import dev.holdfast.resources.Functions;
import dev.holdfast.resources.Naming;
import dev.holdfast.resources.QueueDef;
import dev.holdfast.resources.Queues;
import dev.holdfast.resources.Triggers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.holdfast.infra.TemplateLookup.ref;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CodeDeploy shifts every alias gradually and rolls back on its alarms; read from the shared dev synth. */
class SafeDeploysTest extends DevApiTemplate {
    private static final String PREFIX = Naming.prefixFor(DevStage.STAGE);

    @Test
    void oneDeploymentGroupPerFunctionInOneApplication() {
        template.resourceCountIs("AWS::CodeDeploy::Application", 1);
        template.resourceCountIs("AWS::CodeDeploy::DeploymentGroup", Functions.ALL.size());
    }

    @ParameterizedTest(name = "function {0}")
    @MethodSource("functions")
    void theAliasIsShiftedByCodeDeployWithAutomaticRollback(FunctionDef def) {
        Map<String, Object> group = TemplateLookup.properties(template.findResources("AWS::CodeDeploy::DeploymentGroup")
                .get(groupOf(def)));
        assertEquals(Map.of("Enabled", true, "Events",
                        List.of("DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_REQUEST", "DEPLOYMENT_STOP_ON_ALARM")),
                group.get("AutoRollbackConfiguration"));
        assertEquals(Map.of("DeploymentType", "BLUE_GREEN", "DeploymentOption", "WITH_TRAFFIC_CONTROL"),
                group.get("DeploymentStyle"));
        Rollout rollout = Rollout.of(def);
        Object config = group.get("DeploymentConfigName");
        switch (rollout.kind()) {
            case API -> assertEquals("CodeDeployDefault.LambdaCanary10Percent5Minutes", config);
            case CONSUMER -> assertEquals("CodeDeployDefault.LambdaLinear10PercentEvery1Minute", config);
            case SCHEDULE -> {
                String custom = (String) ((Map<?, ?>) config).get("Ref");
                Map<String, Object> props = TemplateLookup.properties(
                        template.findResources("AWS::CodeDeploy::DeploymentConfig").get(custom));
                assertEquals(Map.of("Type", "TimeBasedCanary", "TimeBasedCanary",
                                Map.of("CanaryPercentage", 50, "CanaryInterval", rollout.minutes())),
                        props.get("TrafficRoutingConfig"));
            }
        }
    }

    @ParameterizedTest(name = "function {0}")
    @MethodSource("functions")
    void itsRollbackAlarmsWatchWhatCanGoWrongForIt(FunctionDef def) {
        Map<String, Object> group = TemplateLookup.properties(template.findResources("AWS::CodeDeploy::DeploymentGroup")
                .get(groupOf(def)));
        @SuppressWarnings("unchecked")
        Map<String, Object> alarmConfig = (Map<String, Object>) group.get("AlarmConfiguration");
        assertEquals(true, alarmConfig.get("Enabled"));
        List<Object> actual = TemplateLookup.listOfMaps(alarmConfig.get("Alarms")).stream().map(a -> a.get("Name")).toList();

        List<String> expected = new ArrayList<>(List.of(def.id() + "-error-rate", def.id() + "-p99-duration"));
        Rollout rollout = Rollout.of(def);
        if (rollout.kind() == Rollout.Kind.API) {
            expected.add("api-5xx-rate");
        }
        Triggers.QUEUES.stream().filter(t -> t.function().equals(def)).forEach(t -> expected.add(t.queue().id() + "-dlq-depth"));
        Triggers.STREAMS.stream().filter(t -> t.function().equals(def)).forEach(t -> {
            expected.add("stream-failures-" + t.table().id() + "-" + def.id() + "-depth");
            expected.add(def.id() + "-iterator-age");
        });
        assertEquals(expected.stream().map(n -> ref(alarm(n))).sorted(java.util.Comparator.comparing(Object::toString)).toList(),
                actual.stream().sorted(java.util.Comparator.comparing(Object::toString)).toList());

        Map<String, Object> p99 = alarmProps(def.id() + "-p99-duration");
        assertEquals("Duration", p99.get("MetricName"));
        assertEquals("p99", p99.get("ExtendedStatistic"));
        assertEquals(rollout.p99BudgetMs(), ((Number) p99.get("Threshold")).intValue());
        assertTrue(String.valueOf(p99.get("Dimensions")).contains("Resource"), "the alias's own metric: " + p99);
    }

    @Test
    void everyDeadLetterQueueAlarmsOnItsFirstMessage() {
        for (QueueDef q : Queues.ALL) {
            Map<String, Object> a = alarmProps(q.id() + "-dlq-depth");
            assertEquals("ApproximateNumberOfMessagesVisible", a.get("MetricName"));
            assertEquals("AWS/SQS", a.get("Namespace"));
            assertEquals(0, ((Number) a.get("Threshold")).intValue());
            assertEquals("GreaterThanThreshold", a.get("ComparisonOperator"));
            assertEquals(1, a.get("EvaluationPeriods"));
            String dlqExport = String.valueOf(a.get("Dimensions"));
            assertTrue(dlqExport.contains("dlq") && dlqExport.contains("QueueName"), q.id() + ": " + dlqExport);
        }
    }

    @Test
    void theRiskProcessorsIteratorAgeAndApi5xxRateAlarm() {
        for (Triggers.StreamTrigger t : Triggers.STREAMS) {
            Map<String, Object> a = alarmProps(t.function().id() + "-iterator-age");
            assertEquals("IteratorAge", a.get("MetricName"));
            assertEquals(DeploymentsConstruct.ITERATOR_AGE_MS, ((Number) a.get("Threshold")).intValue());
        }
        Map<String, Object> api = alarmProps("api-5xx-rate");
        assertTrue(String.valueOf(api.get("Metrics")).contains("5xx"), String.valueOf(api.get("Metrics")));
        assertEquals(DeploymentsConstruct.ERROR_RATE_PERCENT, ((Number) api.get("Threshold")).intValue());
        assertEquals("notBreaching", api.get("TreatMissingData"));
    }

    private static String groupOf(FunctionDef def) {
        String fn = lookup.logicalId("AWS::Lambda::Function", Map.of("Handler", def.handler()));
        String alias = lookup.logicalId("AWS::Lambda::Alias", Map.of("FunctionName", ref(fn)));
        @SuppressWarnings("unchecked")
        Map<String, Object> policy = (Map<String, Object>) template.findResources("AWS::Lambda::Alias").get(alias).get("UpdatePolicy");
        @SuppressWarnings("unchecked")
        Map<String, Object> update = (Map<String, Object>) policy.get("CodeDeployLambdaAliasUpdate");
        return (String) ((Map<?, ?>) update.get("DeploymentGroupName")).get("Ref");
    }

    private static String alarm(String name) {
        return lookup.logicalId("AWS::CloudWatch::Alarm", Map.of("AlarmName", PREFIX + name));
    }

    private static Map<String, Object> alarmProps(String name) {
        return lookup.properties("AWS::CloudWatch::Alarm", Map.of("AlarmName", PREFIX + name));
    }
}
