package dev.holdfast.local;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * DynamoDB Local and ElasticMQ, both from Maven Central, started in this JVM on free loopback
 * ports. DynamoDB Local keeps its data in memory, or in SQLite files under a folder; ElasticMQ
 * keeps queues in memory (queues are provisioned again at every start).
 */
final class EmbeddedAws implements AutoCloseable {
    private final DynamoDBProxyServer dynamo;
    private final SQSRestServer sqs;
    private final URI dynamoEndpoint;
    private final URI sqsEndpoint;

    private EmbeddedAws(DynamoDBProxyServer dynamo, URI dynamoEndpoint, SQSRestServer sqs, URI sqsEndpoint) {
        this.dynamo = dynamo;
        this.dynamoEndpoint = dynamoEndpoint;
        this.sqs = sqs;
        this.sqsEndpoint = sqsEndpoint;
    }

    /** Starts both; {@code dataDir} null keeps DynamoDB in memory. */
    static EmbeddedAws start(Path dataDir, String region) throws Exception {
        // the two start in parallel: each takes a couple of seconds of mostly class loading
        int sqsPort = freePort();
        CompletableFuture<SQSRestServer> sqsStarted = CompletableFuture.supplyAsync(() -> {
            SQSRestServer server = SQSRestServerBuilder.withPort(sqsPort).withInterface("127.0.0.1")
                    .withServerAddress(new NodeAddress("http", "127.0.0.1", sqsPort, ""))
                    .withAWSRegion(region)
                    .start();
            server.waitUntilStarted();
            return server;
        });
        int dynamoPort = freePort();
        String[] args;
        if (dataDir == null) {
            args = new String[]{"-inMemory", "-sharedDb", "-disableTelemetry", "-port", Integer.toString(dynamoPort)};
        } else {
            Path dir = dataDir.resolve("dynamodb");
            Files.createDirectories(dir);
            args = new String[]{"-dbPath", dir.toString(), "-sharedDb", "-disableTelemetry", "-port", Integer.toString(dynamoPort)};
        }
        DynamoDBProxyServer dynamo = ServerRunner.createServerFromCommandLineArgs(args);
        dynamo.start();

        SQSRestServer sqs = sqsStarted.join();
        return new EmbeddedAws(dynamo, URI.create("http://127.0.0.1:" + dynamoPort), sqs,
                URI.create("http://127.0.0.1:" + sqsPort));
    }

    URI dynamoEndpoint() {
        return dynamoEndpoint;
    }

    URI sqsEndpoint() {
        return sqsEndpoint;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        try {
            sqs.stopAndWait();
        } catch (RuntimeException e) {
            // stopping anyway
        }
        try {
            dynamo.stop();
        } catch (Exception e) {
            // stopping anyway
        }
    }
}
