package dev.holdfast.infra;

import dev.holdfast.resources.FunctionDef;
import dev.holdfast.resources.Functions;
import dev.holdfast.resources.Naming;
import dev.holdfast.resources.QueueDef;
import dev.holdfast.resources.Queues;
import dev.holdfast.resources.TableDef;
import dev.holdfast.resources.Tables;
import dev.holdfast.resources.Triggers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.assertions.Template;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Each function's role holds exactly the access its {@link FunctionDef} lists, action by action,
 * and nothing anywhere grants {@code *} (the one exception, {@code dynamodb:ListStreams}, has no
 * resource-level permission in IAM). Read from the shared dev synth.
 */
class LeastPrivilegeTest {
    private static Template api;
    private static TemplateLookup data;

    @BeforeAll
    static void synth() {
        api = DevStage.api();
        data = new TemplateLookup(DevStage.data());
    }

    static Stream<Arguments> functions() {
        return Stream.concat(Functions.ALL.stream(), Functions.DEPLOY_HOOKS.stream()).map(f -> arguments(named(f.id(), f)));
    }

    @Test
    void noPolicyInEitherStackGrantsEverything() {
        for (Template t : List.of(api, DevStage.data())) {
            for (Map<String, Object> policy : t.findResources("AWS::IAM::Policy").values()) {
                for (Map<String, Object> st : statements(policy)) {
                    for (String action : actions(st)) {
                        assertFalse(action.equals("*") || action.endsWith(":*"), "action " + action + " in " + st);
                    }
                    if ("*".equals(st.get("Resource")) || List.of("*").equals(st.get("Resource"))) {
                        // and X-Ray's write actions (active tracing), which have no resource-level permissions
                        assertTrue(List.of(List.of("dynamodb:ListStreams"), List.of("xray:PutTraceSegments", "xray:PutTelemetryRecords"))
                                .contains(actions(st)), "only ListStreams and X-Ray's writes may name *: " + st);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "function {0}")
    @MethodSource("functions")
    void roleHasNoManagedPolicyAndWritesOnlyItsOwnLogs(FunctionDef def) {
        Map<String, Object> role = TemplateLookup.properties(api.findResources("AWS::IAM::Role").get(roleOf(api, def)));
        assertEquals(null, role.get("ManagedPolicyArns"), def.id());
        List<Map<String, Object>> logs = statementsOf(api, def).stream()
                .filter(st -> actions(st).stream().anyMatch(a -> a.startsWith("logs:"))).toList();
        assertEquals(1, logs.size(), def.id());
        assertEquals(List.of("logs:CreateLogStream", "logs:PutLogEvents"), actions(logs.get(0)));
        Map<String, Object> fn = new TemplateLookup(api).properties("AWS::Lambda::Function", Map.of("Handler", def.handler()));
        @SuppressWarnings("unchecked")
        Object group = ((Map<String, Object>) fn.get("LoggingConfig")).get("LogGroup");
        assertEquals(Map.of("Fn::GetAtt", List.of(((Map<?, ?>) group).get("Ref"), "Arn")), logs.get(0).get("Resource"));
    }

    @ParameterizedTest(name = "function {0}")
    @MethodSource("functions")
    void tableAccessIsExactlyTheDefinitions(FunctionDef def) {
        List<Map<String, Object>> sts = statementsOf(api, def);
        Set<TableDef> readable = new LinkedHashSet<>(def.reads());
        readable.addAll(def.writes());
        assertEquals(readable, tablesIn(sts, "dynamodb:GetItem"), "readable tables");
        assertEquals(Set.copyOf(def.writes()), tablesIn(sts, "dynamodb:PutItem"), "writable tables");
        Set<TableDef> deletable = new LinkedHashSet<>(def.writes());
        deletable.removeIf(TableDef::holdsMoneyOrAudit);
        assertEquals(deletable, tablesIn(sts, "dynamodb:DeleteItem"), "append-only tables are never deletable");
        for (Map<String, Object> st : sts) {
            String s = String.valueOf(st.get("Resource"));
            assertFalse(s.contains("index/*"), "indexes are named: " + st);
            if (actions(st).contains("dynamodb:GetItem")) {
                assertEquals(FunctionsConstruct.READ_ACTIONS, actions(st));
                for (TableDef t : tablesIn(List.of(st), "dynamodb:GetItem")) {
                    for (TableDef.Index i : t.indexes()) {
                        assertTrue(s.contains("/index/" + i.name()), t.id() + " index " + i.name() + " in " + s);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "function {0}")
    @MethodSource("functions")
    void queueAccessIsExactlyTheDefinitionsAndTriggers(FunctionDef def) {
        List<Map<String, Object>> sts = statementsOf(api, def);
        assertEquals(Set.copyOf(def.sendsTo()), queuesIn(sts, "sqs:SendMessage"), "queues it sends to");
        Set<QueueDef> consumed = new LinkedHashSet<>();
        Triggers.QUEUES.stream().filter(t -> t.function().equals(def)).forEach(t -> consumed.add(t.queue()));
        assertEquals(consumed, queuesIn(sts, "sqs:ReceiveMessage"), "queues it consumes");
        boolean streams = Triggers.STREAMS.stream().anyMatch(t -> t.function().equals(def));
        assertEquals(streams, sts.stream().anyMatch(st -> actions(st).contains("dynamodb:GetRecords")), "reads a stream");
    }

    /** The statements of every policy attached to {@code def}'s role. */
    static List<Map<String, Object>> statementsOf(Template t, FunctionDef def) {
        String role = roleOf(t, def);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> policy : t.findResources("AWS::IAM::Policy").values()) {
            if (String.valueOf(TemplateLookup.properties(policy).get("Roles")).contains("Ref=" + role + "}")) {
                out.addAll(statements(policy));
            }
        }
        return out;
    }

    private static String roleOf(Template t, FunctionDef def) {
        Map<String, Object> fn = new TemplateLookup(t).properties("AWS::Lambda::Function", Map.of("Handler", def.handler()));
        return (String) ((List<?>) ((Map<?, ?>) fn.get("Role")).get("Fn::GetAtt")).get(0);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> statements(Map<String, Object> policy) {
        Map<String, Object> doc = (Map<String, Object>) TemplateLookup.properties(policy).get("PolicyDocument");
        return (List<Map<String, Object>>) doc.get("Statement");
    }

    @SuppressWarnings("unchecked")
    static List<String> actions(Map<String, Object> st) {
        Object a = st.get("Action");
        return a instanceof String s ? List.of(s) : (List<String>) a;
    }

    private static Set<TableDef> tablesIn(List<Map<String, Object>> sts, String action) {
        Set<TableDef> out = new LinkedHashSet<>();
        for (Map<String, Object> st : sts) {
            if (actions(st).contains(action)) {
                String resources = String.valueOf(st.get("Resource"));
                for (TableDef t : Tables.ALL) {
                    String id = data.logicalId("AWS::DynamoDB::Table", Map.of("TableName", Naming.tableName(DevStage.STAGE, t)));
                    if (resources.contains("GetAtt" + id + "Arn")) {
                        out.add(t);
                    }
                }
            }
        }
        return out;
    }

    private static Set<QueueDef> queuesIn(List<Map<String, Object>> sts, String action) {
        Set<QueueDef> out = new LinkedHashSet<>();
        String prefix = Naming.prefixFor(DevStage.STAGE);
        for (Map<String, Object> st : sts) {
            if (actions(st).contains(action)) {
                String resources = String.valueOf(st.get("Resource"));
                for (QueueDef q : Queues.ALL) {
                    String id = data.logicalId("AWS::SQS::Queue", Map.of("QueueName", q.queueName(prefix)));
                    String dlq = data.logicalId("AWS::SQS::Queue", Map.of("QueueName", q.dlqName(prefix)));
                    assertFalse(resources.contains("GetAtt" + dlq + "Arn"), "no function touches a DLQ: " + st);
                    if (resources.contains("GetAtt" + id + "Arn")) {
                        out.add(q);
                    }
                }
            }
        }
        return out;
    }
}
