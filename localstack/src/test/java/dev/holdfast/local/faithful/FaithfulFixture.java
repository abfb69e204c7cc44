package dev.holdfast.local.faithful;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.net.ServerSocket;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One in-memory DynamoDB Local per test JVM with one table like Holdfast's ({@code pk}, {@code sk},
 * index {@code byGroup} on {@code gsi1pk}/{@code gsi1sk}); each test starts its own proxy with the
 * settings it needs and uses its own keys.
 */
final class FaithfulFixture {
    private FaithfulFixture() {}

    static final String TABLE = "faithful-test";
    static final String INDEX = "byGroup";
    private static URI local;

    static synchronized URI local() {
        if (local == null) {
            try {
                int port;
                try (ServerSocket s = new ServerSocket(0)) {
                    port = s.getLocalPort();
                }
                DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(
                        new String[]{"-inMemory", "-sharedDb", "-disableTelemetry", "-port", Integer.toString(port)});
                server.start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        server.stop();
                    } catch (Exception ignored) {
                        // stopping anyway
                    }
                }));
                local = URI.create("http://127.0.0.1:" + port);
                try (DynamoDbClient ddb = client(local, true)) {
                    ddb.createTable(b -> b.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                            .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE))
                            .attributeDefinitions(attr("pk"), attr("sk"), attr("gsi1pk"), attr("gsi1sk"))
                            .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName(INDEX)
                                    .keySchema(key("gsi1pk", KeyType.HASH), key("gsi1sk", KeyType.RANGE))
                                    .projection(Projection.builder().projectionType(ProjectionType.ALL).build()).build()));
                }
            } catch (Exception e) {
                throw new IllegalStateException("DynamoDB Local failed to start", e);
            }
        }
        return local;
    }

    static FaithfulDynamo proxy(double dilation, long holdMillis) throws Exception {
        return FaithfulDynamo.start(local(), new FaithfulDynamo.Settings(dilation, holdMillis));
    }

    /** The real SDK client; {@code retries} false: every throttle reaches the caller. */
    static DynamoDbClient client(URI endpoint, boolean retries) {
        var b = DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("holdfast", "holdfast")))
                .httpClient(UrlConnectionHttpClient.create());
        if (!retries) {
            b.overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()));
        }
        return b.build();
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    static Map<String, AttributeValue> key(String pk, String sk) {
        Map<String, AttributeValue> m = new HashMap<>();
        m.put("pk", s(pk));
        m.put("sk", s(sk));
        return m;
    }

    /** An item of about {@code bytes} bytes (a padding attribute makes up the size). */
    static Map<String, AttributeValue> item(String pk, String sk, int bytes) {
        Map<String, AttributeValue> m = key(pk, sk);
        int used = 2 + pk.length() + 2 + sk.length() + 3;
        m.put("pad", s("x".repeat(Math.max(0, bytes - used))));
        return m;
    }

    static Map<String, AttributeValue> indexed(String pk, String sk, String group, int bytes) {
        Map<String, AttributeValue> m = item(pk, sk, bytes);
        m.put("gsi1pk", s(group));
        m.put("gsi1sk", s(pk));
        return m;
    }

    static AttributeValue s(String v) {
        return AttributeValue.builder().s(v).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    private static AttributeDefinition attr(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    /** Waits until the proxy holds at least {@code n} items (a transaction is under way). */
    static void awaitHeld(FaithfulDynamo proxy, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (proxy.heldItems() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no transaction held its items within 5 s");
            }
            Thread.sleep(2);
        }
    }
}
