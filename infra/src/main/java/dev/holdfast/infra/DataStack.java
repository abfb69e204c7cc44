package dev.holdfast.infra;

import dev.holdfast.resources.Naming;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import dev.holdfast.resources.QueueDef;
import dev.holdfast.resources.Queues;
import dev.holdfast.resources.TableDef;
import dev.holdfast.resources.Tables;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.StreamViewType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every table in {@link Tables#ALL} and every queue (with its dead-letter queue) in
 * {@link Queues#ALL}, named by {@link Naming}. Kept apart from the functions so that a code deploy
 * can never touch stateful resources, and termination-protected.
 *
 * <p><b>Why RETAIN on every table:</b> tables have fixed physical names, so CloudFormation can never
 * replace one in place anyway, and a removed definition or a deleted stack should orphan data, not
 * destroy it. Money and audit tables ({@link TableDef#holdsMoneyOrAudit()}) also get DynamoDB's own
 * deletion protection, which stops a console or API delete too. Every table has point-in-time
 * recovery. The price: a torn-down dev stage leaves its tables behind for manual cleanup.
 *
 * <p>The waiting room's signing key lives here too ({@link #signingSecret()}): a generated
 * {@value #SIGNING_SECRET_LENGTH}-character SecretString whose UTF-8 bytes are the HMAC key of cohort
 * links and admission tokens. It is RETAINed like the data: losing it would void every token in
 * flight during a surge.
 */
public final class DataStack extends Stack {
    /** SQS's maximum: a poisoned message waits two weeks for someone to look at it. */
    static final Duration DLQ_RETENTION = Duration.days(14);

    /** Characters of the signing secret: 64 alphanumerics, about 380 bits, a full HMAC-SHA256 block. */
    static final int SIGNING_SECRET_LENGTH = 64;

    private final Map<TableDef, Table> tables = new LinkedHashMap<>();
    private final Secret signingSecret;
    private final Map<QueueDef, Queue> queues = new LinkedHashMap<>();

    private final String stage;

    /** The stage these tables and queues belong to. */
    public String stage() {
        return stage;
    }

    public DataStack(Construct scope, String id, StackProps props, String stage) {
        super(scope, id, props);
        this.stage = stage;
        for (TableDef def : Tables.ALL) {
            tables.put(def, table(stage, def));
        }
        String prefix = Naming.prefixFor(stage);
        for (QueueDef def : Queues.ALL) {
            queues.put(def, queue(prefix, def));
        }
        signingSecret = Secret.Builder.create(this, "waiting-room-signing-key")
                .secretName(prefix + "waiting-room-signing-key")
                .description("HMAC key (UTF-8 bytes of the SecretString) of the waiting room's cohort links and admission tokens")
                .generateSecretString(SecretStringGenerator.builder()
                        .passwordLength(SIGNING_SECRET_LENGTH)
                        .excludePunctuation(true)
                        .includeSpace(false)
                        .build())
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        NagSuppressions.addResourceSuppressions(signingSecret, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-SMG4")
                .reason("Rotating the signing key would void every admission token and cohort link in flight; the"
                        + " functions read one key, so rotation waits for two-key verification (current + previous)")
                .build()));
    }

    /** The waiting room's HMAC signing key. */
    public Secret signingSecret() {
        return signingSecret;
    }

    public Table table(TableDef def) {
        Table t = tables.get(def);
        if (t == null) {
            throw new IllegalArgumentException("table " + def.id() + " is not in Tables.ALL");
        }
        return t;
    }

    public Queue queue(QueueDef def) {
        Queue q = queues.get(def);
        if (q == null) {
            throw new IllegalArgumentException("queue " + def.id() + " is not in Queues.ALL");
        }
        return q;
    }

    private Table table(String stage, TableDef def) {
        Table table = Table.Builder.create(this, def.id())
                .tableName(Naming.tableName(stage, def))
                .partitionKey(string(def.partitionKey()))
                .sortKey(def.sortKey() == null ? null : string(def.sortKey()))
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true).build())
                .deletionProtection(def.holdsMoneyOrAudit())
                .removalPolicy(RemovalPolicy.RETAIN)
                .timeToLiveAttribute(def.ttlAttribute().orElse(null))
                .stream(def.stream().map(DataStack::streamViewType).orElse(null))
                .build();
        for (TableDef.Index index : def.indexes()) {
            table.addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder()
                    .indexName(index.name())
                    .partitionKey(string(index.partitionKey()))
                    .sortKey(index.sortKey() == null ? null : string(index.sortKey()))
                    .projectionType(ProjectionType.ALL)
                    .build());
        }
        return table;
    }

    private Queue queue(String prefix, QueueDef def) {
        Queue dlq = Queue.Builder.create(this, def.id() + "-dlq")
                .queueName(def.dlqName(prefix))
                .fifo(def.fifo())
                .retentionPeriod(DLQ_RETENTION)
                .enforceSsl(true)
                .encryption(QueueEncryption.SQS_MANAGED)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        return Queue.Builder.create(this, def.id())
                .queueName(def.queueName(prefix))
                .fifo(def.fifo())
                .contentBasedDeduplication(def.contentBasedDeduplication())
                .visibilityTimeout(Duration.seconds(def.visibilityTimeoutSeconds()))
                .deadLetterQueue(DeadLetterQueue.builder().queue(dlq).maxReceiveCount(def.maxReceiveCount()).build())
                .enforceSsl(true)
                .encryption(QueueEncryption.SQS_MANAGED)
                // queued withdrawals, settlements and signups are money and people: a removed
                // definition or a stack rollback must never delete a queue holding them
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
    }

    private static Attribute string(String name) {
        return Attribute.builder().name(name).type(AttributeType.STRING).build();
    }

    private static StreamViewType streamViewType(TableDef.StreamView view) {
        return switch (view) {
            case NEW_IMAGE -> StreamViewType.NEW_IMAGE;
            case NEW_AND_OLD_IMAGES -> StreamViewType.NEW_AND_OLD_IMAGES;
        };
    }
}
