package dev.holdfast.local;

import com.amazonaws.services.dynamodbv2.local.main.CommandLineInput;
import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.pattern.Patterns;
import org.elasticmq.NodeAddress;
import org.elasticmq.StrictSQSLimits$;
import org.elasticmq.actor.QueueManagerActor;
import org.elasticmq.actor.queue.QueueEvent;
import org.elasticmq.persistence.sql.SqlQueuePersistenceActor;
import org.elasticmq.persistence.sql.SqlQueuePersistenceConfig;
import org.elasticmq.util.NowProvider;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.elasticmq.rest.sqs.TheSQSRestServerBuilder;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * DynamoDB Local and ElasticMQ, both from Maven Central, started in this JVM on free loopback
 * ports. Both keep their data in memory, or — with a data folder — DynamoDB Local in SQLite files
 * and ElasticMQ in an H2 database under it, so queued messages survive a restart too.
 */
final class EmbeddedAws implements AutoCloseable {
    /**
     * DynamoDB Local carries AWS SDK v1, whose Base64 warns through java.util.logging at first use that
     * JAXB is missing and it falls back to its own codec — which is fine here and says nothing about
     * Holdfast. Held (JUL keeps loggers weakly) at SEVERE, so the environment starts quietly.
     */
    private static final java.util.logging.Logger SDK_V1_BASE64 = quiet("com.amazonaws.util.Base64");

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(java.util.logging.Level.SEVERE);
        return logger;
    }
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
            TheSQSRestServerBuilder builder = SQSRestServerBuilder.withPort(sqsPort).withInterface("127.0.0.1")
                    .withServerAddress(new NodeAddress("http", "127.0.0.1", sqsPort, ""))
                    .withAWSRegion(region);
            if (dataDir != null) {
                builder = persisted(builder, dataDir.resolve("sqs"));
            }
            SQSRestServer server = builder.start();
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
        // what ServerRunner.createServerFromCommandLineArgs does, less its configuration banner on stdout
        CommandLineInput input = new CommandLineInput(args);
        if (!input.init()) {
            throw new IllegalStateException("DynamoDB Local refused its arguments " + String.join(" ", args));
        }
        DynamoDBProxyServer dynamo = ServerRunner.createServer(input);
        dynamo.start();

        SQSRestServer sqs = sqsStarted.join();
        return new EmbeddedAws(dynamo, URI.create("http://127.0.0.1:" + dynamoPort), sqs,
                URI.create("http://127.0.0.1:" + sqsPort));
    }

    /**
     * ElasticMQ with its messages kept in an H2 database under {@code dir}: wired as ElasticMQ's own
     * server does it (a queue manager whose events go to the SQL persistence actor, which restores
     * queues and messages first).
     */
    private static TheSQSRestServerBuilder persisted(TheSQSRestServerBuilder builder, Path dir) {
        try {
            Files.createDirectories(dir);
            ActorSystem system = ActorSystem.create("holdfast-sqs");
            SqlQueuePersistenceConfig config = new SqlQueuePersistenceConfig(true, "org.h2.Driver",
                    "jdbc:h2:" + dir.toAbsolutePath().resolve("messages") + ";WRITE_DELAY=0", "", "", false);
            ActorRef store = system.actorOf(Props.create(SqlQueuePersistenceActor.class, config,
                    scala.collection.immutable.List$.MODULE$.empty()));
            ActorRef manager = system.actorOf(Props.create(QueueManagerActor.class, new NowProvider(),
                    StrictSQSLimits$.MODULE$, scala.Option.apply(store)));
            Patterns.ask(store, new QueueEvent.Restore(manager), java.time.Duration.ofSeconds(60))
                    .toCompletableFuture().get();
            return builder.withActorSystem(system).withQueueManagerActor(manager);
        } catch (Exception e) {
            throw new IllegalStateException("could not restore the persisted queues under " + dir, e);
        }
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
