package dev.holdfast.infra;

import dev.holdfast.resources.Naming;
import dev.holdfast.resources.QueueDef;
import dev.holdfast.resources.Queues;
import dev.holdfast.resources.TableDef;
import dev.holdfast.resources.Tables;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The data stack against {@link Tables#ALL} and {@link Queues#ALL}: one synth for the class. */
class DataStackTest {
    private static final String STAGE = DevStage.STAGE;
    private static Template template;
    private static DataStack stack;
    private static TemplateLookup lookup;

    @BeforeAll
    static void synth() {
        stack = DevStage.stacks().data();
        template = DevStage.data();
        lookup = new TemplateLookup(template);
    }

    static Stream<Arguments> tables() {
        return Tables.ALL.stream().map(t -> arguments(named(t.id(), t)));
    }

    static Stream<Arguments> queues() {
        return Queues.ALL.stream().map(q -> arguments(named(q.id(), q)));
    }

    @Test
    void isTerminationProtectedAndHasEveryTableAndQueue() {
        assertTrue(stack.getTerminationProtection());
        assertEquals("Holdfast-" + STAGE + "-data", stack.getStackName());
        template.resourceCountIs("AWS::DynamoDB::Table", Tables.ALL.size());
        template.resourceCountIs("AWS::SQS::Queue", 2 * Queues.ALL.size());
    }

    @ParameterizedTest(name = "table {0}")
    @MethodSource("tables")
    void tableMatchesItsDefinition(TableDef def) {
        Map<String, Object> props = properties(tableResource(def));

        List<Map<String, Object>> keySchema = new ArrayList<>();
        keySchema.add(Map.of("AttributeName", def.partitionKey(), "KeyType", "HASH"));
        if (def.sortKey() != null) {
            keySchema.add(Map.of("AttributeName", def.sortKey(), "KeyType", "RANGE"));
        }
        assertEquals(keySchema, props.get("KeySchema"));

        java.util.Set<String> keyAttributes = new LinkedHashSet<>();
        keyAttributes.add(def.partitionKey());
        keyAttributes.add(def.sortKey());
        for (TableDef.Index i : def.indexes()) {
            keyAttributes.add(i.partitionKey());
            keyAttributes.add(i.sortKey());
        }
        keyAttributes.remove(null);
        Map<String, Object> expectedTypes = new LinkedHashMap<>();
        keyAttributes.forEach(a -> expectedTypes.put(a, "S"));
        Map<String, Object> actualTypes = new LinkedHashMap<>();
        for (Map<String, Object> a : list(props.get("AttributeDefinitions"))) {
            actualTypes.put((String) a.get("AttributeName"), a.get("AttributeType"));
        }
        assertEquals(expectedTypes, actualTypes, "AttributeDefinitions");
        assertEquals("PAY_PER_REQUEST", props.get("BillingMode"));
        assertEquals(Map.of("PointInTimeRecoveryEnabled", true), props.get("PointInTimeRecoverySpecification"));
    }

    @ParameterizedTest(name = "table {0}")
    @MethodSource("tables")
    void tableHasItsIndexesTtlAndStream(TableDef def) {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("TableName", Naming.tableName(STAGE, def));
        if (def.indexes().isEmpty()) {
            expected.put("GlobalSecondaryIndexes", Match.absent());
        } else {
            List<Object> indexes = new ArrayList<>();
            for (TableDef.Index i : def.indexes()) {
                List<Object> keys = new ArrayList<>();
                keys.add(Map.of("AttributeName", i.partitionKey(), "KeyType", "HASH"));
                if (i.sortKey() != null) {
                    keys.add(Map.of("AttributeName", i.sortKey(), "KeyType", "RANGE"));
                }
                indexes.add(Map.of("IndexName", i.name(), "KeySchema", keys,
                        "Projection", Map.of("ProjectionType", "ALL")));
            }
            expected.put("GlobalSecondaryIndexes", indexes);
        }
        expected.put("TimeToLiveSpecification", def.ttlAttribute()
                .<Object>map(a -> Map.of("AttributeName", a, "Enabled", true))
                .orElse(Match.absent()));
        expected.put("StreamSpecification", def.stream()
                .<Object>map(v -> Map.of("StreamViewType", v.name()))
                .orElse(Match.absent()));
        template.hasResourceProperties("AWS::DynamoDB::Table", Match.objectLike(expected));
    }

    @ParameterizedTest(name = "table {0}")
    @MethodSource("tables")
    void everyTableIsRetainedAndMoneyOrAuditTablesAreDeletionProtected(TableDef def) {
        Map<String, Object> resource = tableResource(def);
        assertEquals("Retain", resource.get("DeletionPolicy"));
        assertEquals("Retain", resource.get("UpdateReplacePolicy"));
        if (def.holdsMoneyOrAudit()) {
            assertEquals(true, properties(resource).get("DeletionProtectionEnabled"), "DeletionProtectionEnabled");
        }
    }

    @ParameterizedTest(name = "queue {0}")
    @MethodSource("queues")
    void queueIsFifoWithAFifoDeadLetterQueue(QueueDef def) {
        String prefix = Naming.prefixFor(STAGE);
        String dlqId = logicalId("AWS::SQS::Queue", Map.of("QueueName", def.dlqName(prefix)));
        template.hasResourceProperties("AWS::SQS::Queue", Map.of(
                "QueueName", def.dlqName(prefix),
                "FifoQueue", true,
                "MessageRetentionPeriod", 14 * 24 * 3600,
                "SqsManagedSseEnabled", true));
        template.hasResourceProperties("AWS::SQS::Queue", Match.objectLike(Map.of(
                "QueueName", def.queueName(prefix),
                "FifoQueue", true,
                "ContentBasedDeduplication", def.contentBasedDeduplication(),
                "VisibilityTimeout", def.visibilityTimeoutSeconds(),
                "SqsManagedSseEnabled", true,
                "RedrivePolicy", Map.of(
                        "maxReceiveCount", def.maxReceiveCount(),
                        "deadLetterTargetArn", Map.of("Fn::GetAtt", List.of(dlqId, "Arn"))))));
    }

    @ParameterizedTest(name = "queue {0}")
    @MethodSource("queues")
    void queueAndDeadLetterQueueAreRetained(QueueDef def) {
        String prefix = Naming.prefixFor(STAGE);
        for (String name : List.of(def.queueName(prefix), def.dlqName(prefix))) {
            Map<String, Object> resource = lookup.resource("AWS::SQS::Queue", Map.of("QueueName", name));
            assertEquals("Retain", resource.get("DeletionPolicy"), name);
            assertEquals("Retain", resource.get("UpdateReplacePolicy"), name);
        }
    }

    @ParameterizedTest(name = "queue {0}")
    @MethodSource("queues")
    void queueAndDeadLetterQueueRefuseUnencryptedTransport(QueueDef def) {
        String prefix = Naming.prefixFor(STAGE);
        for (String name : List.of(def.queueName(prefix), def.dlqName(prefix))) {
            String id = logicalId("AWS::SQS::Queue", Map.of("QueueName", name));
            template.hasResourceProperties("AWS::SQS::QueuePolicy", Match.objectLike(Map.of(
                    "Queues", List.of(Map.of("Ref", id)),
                    "PolicyDocument", Match.objectLike(Map.of("Statement", Match.arrayWith(List.of(
                            Match.objectLike(Map.of(
                                    "Effect", "Deny",
                                    "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))))));
        }
    }

    @Test
    void theSigningSecretIsGeneratedLongEnoughAndRetained() {
        template.resourceCountIs("AWS::SecretsManager::Secret", 1);
        Map<String, Object> secret = lookup.resource("AWS::SecretsManager::Secret",
                Map.of("Name", Naming.prefixFor(STAGE) + "waiting-room-signing-key"));
        assertEquals("Retain", secret.get("DeletionPolicy"));
        assertEquals("Retain", secret.get("UpdateReplacePolicy"));
        @SuppressWarnings("unchecked")
        Map<String, Object> generate = (Map<String, Object>) properties(secret).get("GenerateSecretString");
        assertTrue(((Number) generate.get("PasswordLength")).intValue() >= 64, "PasswordLength " + generate);
        assertEquals(true, generate.get("ExcludePunctuation"));
        assertEquals(null, properties(secret).get("SecretString"), "generated, never written in the template");
    }

    @Test
    void moneyAndAuditTablesCannotBeDeletedByAnyPath() {
        // RETAIN keeps them through a stack delete or rollback; deletion protection through an API
        // or console delete; PITR through a bad write. The stack itself refuses termination.
        assertTrue(stack.getTerminationProtection());
        for (TableDef def : Tables.ALL) {
            Map<String, Object> t = tableResource(def);
            assertEquals("Retain", t.get("DeletionPolicy"), def.id());
            assertEquals(Map.of("PointInTimeRecoveryEnabled", true),
                    properties(t).get("PointInTimeRecoverySpecification"), def.id());
            if (def.holdsMoneyOrAudit()) {
                assertEquals(true, properties(t).get("DeletionProtectionEnabled"), def.id());
            }
        }
        for (String id : List.of("orders", "markets", "wallet", "audit", "exposure")) {
            assertTrue(Tables.ALL.stream().anyMatch(d -> d.id().equals(id) && d.holdsMoneyOrAudit()), id);
        }
    }

    private static Map<String, Object> tableResource(TableDef def) {
        return lookup.resource("AWS::DynamoDB::Table", Map.of("TableName", Naming.tableName(STAGE, def)));
    }

    private static String logicalId(String type, Map<String, Object> properties) {
        return lookup.logicalId(type, properties);
    }

    private static Map<String, Object> properties(Map<String, Object> resource) {
        return TemplateLookup.properties(resource);
    }

    private static List<Map<String, Object>> list(Object o) {
        return TemplateLookup.listOfMaps(o);
    }
}
