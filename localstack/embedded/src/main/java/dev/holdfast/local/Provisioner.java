package dev.holdfast.local;

import dev.holdfast.runtime.AwsClients;
import dev.holdfast.resources.QueueDef;
import dev.holdfast.resources.TableDef;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Creates the tables and queues of the shared definition in a local (or LocalStack) endpoint, as
 * the CDK stacks create them in AWS. Idempotent: existing resources are kept, so a persisted
 * environment restarts with its data.
 */
final class Provisioner {
    private final AwsClients clients;
    private final String prefix;

    private final java.util.function.IntUnaryOperator time;

    Provisioner(AwsClients clients, String prefix) {
        this(clients, prefix, s -> s);
    }

    /** @param time how a queue's visibility timeout (seconds) is scaled here ({@link LocalOptions#scaledSeconds}) */
    Provisioner(AwsClients clients, String prefix, java.util.function.IntUnaryOperator time) {
        this.clients = clients;
        this.prefix = prefix;
        this.time = time;
    }

    String createTable(TableDef def) {
        String name = prefix + def.id();
        DynamoDbClient ddb = clients.dynamo();
        Set<String> attributes = new LinkedHashSet<>(List.of(def.partitionKey(), def.sortKey()));
        List<GlobalSecondaryIndex> gsis = new ArrayList<>();
        for (TableDef.Index ix : def.indexes()) {
            attributes.add(ix.partitionKey());
            attributes.add(ix.sortKey());
            gsis.add(GlobalSecondaryIndex.builder().indexName(ix.name())
                    .keySchema(key(ix.partitionKey(), KeyType.HASH), key(ix.sortKey(), KeyType.RANGE))
                    .projection(Projection.builder().projectionType(ProjectionType.ALL).build()).build());
        }
        CreateTableRequest.Builder req = CreateTableRequest.builder().tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(key(def.partitionKey(), KeyType.HASH), key(def.sortKey(), KeyType.RANGE))
                .attributeDefinitions(attributes.stream().map(a -> AttributeDefinition.builder()
                        .attributeName(a).attributeType(ScalarAttributeType.S).build()).toList());
        if (!gsis.isEmpty()) {
            req.globalSecondaryIndexes(gsis);
        }
        def.stream().ifPresent(view -> req.streamSpecification(StreamSpecification.builder().streamEnabled(true)
                .streamViewType(StreamViewType.fromValue(view.name())).build()));
        try {
            ddb.createTable(req.build());
            ddb.waiter().waitUntilTableExists(b -> b.tableName(name));
        } catch (ResourceInUseException exists) {
            // kept from an earlier run
        }
        def.ttlAttribute().ifPresent(attr -> {
            try {
                ddb.updateTimeToLive(b -> b.tableName(name)
                        .timeToLiveSpecification(t -> t.attributeName(attr).enabled(true)));
            } catch (RuntimeException alreadyOn) {
                // DynamoDB refuses to enable TTL twice
            }
        });
        return name;
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    QueueUrls createQueue(QueueDef def) {
        SqsClient sqs = clients.sqs();
        Map<QueueAttributeName, String> dlqAttrs = new EnumMap<>(QueueAttributeName.class);
        dlqAttrs.put(QueueAttributeName.FIFO_QUEUE, "true");
        dlqAttrs.put(QueueAttributeName.MESSAGE_RETENTION_PERIOD, Integer.toString(14 * 24 * 3600));
        String dlqUrl = sqs.createQueue(b -> b.queueName(def.dlqName(prefix)).attributes(dlqAttrs)).queueUrl();
        String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);

        Map<QueueAttributeName, String> attrs = new EnumMap<>(QueueAttributeName.class);
        attrs.put(QueueAttributeName.FIFO_QUEUE, "true");
        attrs.put(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, Boolean.toString(def.contentBasedDeduplication()));
        String visibility = Integer.toString(time.applyAsInt(def.visibilityTimeoutSeconds()));
        attrs.put(QueueAttributeName.VISIBILITY_TIMEOUT, visibility);
        attrs.put(QueueAttributeName.REDRIVE_POLICY, "{\"maxReceiveCount\":\"" + def.maxReceiveCount()
                + "\",\"deadLetterTargetArn\":\"" + dlqArn + "\"}");
        String url;
        try {
            url = sqs.createQueue(b -> b.queueName(def.queueName(prefix)).attributes(attrs)).queueUrl();
        } catch (software.amazon.awssdk.services.sqs.model.QueueNameExistsException kept) {
            // kept from a run with other settings (another time scale, an older definition): its
            // messages stay, its visibility timeout becomes this run's
            url = sqs.getQueueUrl(b -> b.queueName(def.queueName(prefix))).queueUrl();
            String existing = url;
            sqs.setQueueAttributes(b -> b.queueUrl(existing).attributes(java.util.Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, visibility)));
        }
        return new QueueUrls(url, dlqUrl);
    }
}
