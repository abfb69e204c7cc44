package dev.holdfast.local;

import dev.holdfast.runtime.AwsClients;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.runtime.ResourceNames;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.resources.Variables;
import dev.holdfast.resources.FunctionDef;
import dev.holdfast.domain.live.LiveSender;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.holdfast.local.bank.StandInBank;
import dev.holdfast.local.verifier.StandInVerifier;
import dev.holdfast.resources.Functions;
import dev.holdfast.resources.Naming;
import dev.holdfast.resources.QueueDef;
import dev.holdfast.resources.Queues;
import dev.holdfast.resources.TableDef;
import dev.holdfast.resources.Tables;
import dev.holdfast.resources.Triggers;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Holdfast without AWS, in one process: DynamoDB Local and ElasticMQ (or an external endpoint such
 * as LocalStack), the tables and queues of the shared definition, the real handlers behind a local
 * API Gateway on 127.0.0.1, and the queue, stream and schedule triggers of the shared definition.
 * A {@link StandInBank} on its own port stands in for the bank the withdrawal worker pays through,
 * a {@link StandInVerifier} for the identity-verification provider the signup worker calls.
 */
public final class LocalHoldfast implements AutoCloseable {
    public static final String PREFIX = Naming.prefixFor(Naming.LOCAL_STAGE);
    /** Concurrent batches per queue consumer (SQS FIFO still delivers each group in order). */
    static final int QUEUE_CONCURRENCY = 4;

    private final LocalOptions options;
    private final EmbeddedAws embedded;
    private final AwsClients clients;
    /** The functions' clients: {@link #clients} itself, or through {@link #faithful} in the AWS-faithful mode. */
    private final AwsClients servedClients;
    /** The AWS-faithful DynamoDB in front of {@link #dynamoEndpoint}, or null. */
    private final dev.holdfast.local.faithful.FaithfulDynamo faithful;
    /** The DynamoDB endpoint the functions use: the faithful proxy's, or {@link #dynamoEndpoint}. */
    private final URI servedDynamoEndpoint;
    private final DynamoDbStreamsClient streams;
    private final Deployment deployment;
    private final LocalJwt jwt;
    private final FunctionHost host;
    private final Map<String, String> functionEnvironment;
    private final LocalApiGateway gateway;
    private final LocalWebSocketGateway websocket;
    private final RequestHandler<?, ?> livePublisher;
    private final Map<QueueDef, QueueUrls> queues;
    private final Map<TableDef, String> tables;
    private final List<QueuePoller> queuePollers = new ArrayList<>();
    private final List<StreamPoller> streamPollers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final LocalScheduler scheduler;
    private final URI dynamoEndpoint;
    private final URI sqsEndpoint;
    private final StandInBank bank;
    private final StandInVerifier verifier;
    /** The waiting room's signing secret here (in AWS: a managed secret). */
    private final String signingSecret;
    /** The bank client's timeout locally: short, so hang and late-answer drills take seconds. */
    static final long BANK_TIMEOUT_MS = 2_000;
    /** The verifier client's timeout locally: short, like the bank's. */
    static final long VERIFIER_TIMEOUT_MS = 2_000;

    private LocalHoldfast(LocalOptions options, Triggers.TriggerSet triggers, Clock clock) throws Exception {
        this.options = options;
        if (options.awsEndpoint() == null) {
            embedded = EmbeddedAws.start(options.dataDir(), options.region());
            dynamoEndpoint = embedded.dynamoEndpoint();
            sqsEndpoint = embedded.sqsEndpoint();
        } else {
            embedded = null;
            dynamoEndpoint = options.awsEndpoint();
            sqsEndpoint = options.awsEndpoint();
        }
        clients = AwsClients.forEndpoints(dynamoEndpoint, sqsEndpoint, options.region());
        if (options.awsFaithful()) {
            // the functions (and deployment()) go through the proxy; provisioning and streams go direct
            faithful = dev.holdfast.local.faithful.FaithfulDynamo.start(dynamoEndpoint,
                    new dev.holdfast.local.faithful.FaithfulDynamo.Settings(options.dilation(), options.holdMillis()));
            servedDynamoEndpoint = faithful.endpoint();
            servedClients = AwsClients.forEndpoints(servedDynamoEndpoint, sqsEndpoint, options.region());
        } else {
            faithful = null;
            servedDynamoEndpoint = dynamoEndpoint;
            servedClients = clients;
        }
        streams = DynamoDbStreamsClient.builder().region(Region.of(options.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("holdfast", "holdfast")))
                .httpClient(UrlConnectionHttpClient.create()).endpointOverride(dynamoEndpoint)
                .overrideConfiguration(c -> c.retryStrategy(software.amazon.awssdk.core.retry.RetryMode.LEGACY)) // as AwsClients
                .build();

        Provisioner provisioner = new Provisioner(clients, PREFIX, options::scaledSeconds);
        // provisioned in parallel, as CloudFormation would: creation is mostly waiting
        Map<TableDef, CompletableFuture<String>> tableJobs = new LinkedHashMap<>();
        Tables.ALL.forEach(t -> tableJobs.put(t, CompletableFuture.supplyAsync(() -> provisioner.createTable(t))));
        Map<QueueDef, CompletableFuture<QueueUrls>> queueJobs = new LinkedHashMap<>();
        Queues.ALL.forEach(q -> queueJobs.put(q, CompletableFuture.supplyAsync(() -> provisioner.createQueue(q))));
        tables = new LinkedHashMap<>();
        tableJobs.forEach((t, job) -> tables.put(t, job.join()));
        queues = new LinkedHashMap<>();
        Map<QueueDef, String> urls = new LinkedHashMap<>();
        queueJobs.forEach((q, job) -> {
            queues.put(q, job.join());
            urls.put(q, job.join().url());
        });
        deployment = new Deployment(servedClients, new ResourceNames(tables, urls), clock);
        jwt = options.dataDir() == null ? LocalJwt.generate(clock) : LocalJwt.persistedIn(options.dataDir(), clock);
        bank = StandInBank.start();
        verifier = StandInVerifier.start(clock);
        signingSecret = options.dataDir() == null ? newSigningSecret() : persistedSigningSecret(options.dataDir());
        Map<String, String> functionEnvironment = new LinkedHashMap<>(Map.of(
                Variables.BANK_URL, bankUrl(),
                Variables.BANK_TIMEOUT_MS, Long.toString(BANK_TIMEOUT_MS),
                Variables.WITHDRAWAL_ATTEMPT_LEASE_MS, Long.toString(BANK_TIMEOUT_MS + 1_000),
                Variables.VERIFIER_URL, verifier.url(),
                Variables.VERIFIER_TIMEOUT_MS, Long.toString(VERIFIER_TIMEOUT_MS),
                Variables.SIGNING_SECRET, signingSecret));
        if (options.freezeLead() != null) {
            functionEnvironment.put(Variables.FREEZE_LEAD, options.freezeLead());
        }
        if (faithful != null) {
            // the functions' own time windows stretch with the world (TimeDilation)
            functionEnvironment.put(Variables.TIME_DILATION, Double.toString(options.dilation()));
        }
        this.functionEnvironment = Map.copyOf(functionEnvironment);
        host = new FunctionHost(deployment, functionEnvironment, LocalBulkheads.local(options.concurrency()));
        websocket = new LocalWebSocketGateway(host, jwt, clock, "127.0.0.1",
                options.port() == 0 ? 0 : options.port() + 1); // 8081 beside the default 8080
        host.provide(Functions.LIVE, withSender(Functions.LIVE, deployment, websocket,
                dev.holdfast.domain.live.Subscriptions.DEFAULT_LIMIT));
        livePublisher = withSender(Functions.LIVE_PUBLISHER, deployment, websocket, 32);
        host.provide(Functions.LIVE_PUBLISHER, livePublisher);
        host.warm(Functions.ALL);

        for (Triggers.QueueTrigger t : triggers.queues()) {
            String url = queues.get(t.queue()).url();
            String arn = clients.sqs().getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            // like Lambda on a FIFO queue: several batches at once, never two of one message group
            for (int i = 0; i < QUEUE_CONCURRENCY; i++) {
                QueuePoller p = new QueuePoller(t, url, arn, options.region(), clients.sqs(), host);
                queuePollers.add(p);
                threads.add(daemon(p, "local-sqs-" + t.queue().id() + "-" + i));
            }
        }
        for (Triggers.StreamTrigger t : triggers.streams()) {
            String arn = clients.dynamo().describeTable(b -> b.tableName(tables.get(t.table()))).table().latestStreamArn();
            StreamPoller p = new StreamPoller(t, arn, options.region(), streams, host, options.dataDir() == null ? null
                    : options.dataDir().resolve("streams").resolve(t.table().id() + "-" + t.function().id() + ".properties"));
            streamPollers.add(p);
            threads.add(daemon(p, "local-stream-" + t.table().id()));
        }
        scheduler = new LocalScheduler(triggers.schedules(), host, options.region());
        gateway = new LocalApiGateway(host, jwt, clock, "127.0.0.1", options.port());
        gateway.start();
        websocket.begin();
        threads.forEach(Thread::start);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Starts an environment in the AWS-faithful mode on a free port, in memory: for tests, benches
     * and drills. {@link #faithful()} then gives the meter.
     */
    public static LocalHoldfast startFaithful(double dilation, long holdMillis) throws Exception {
        return start(LocalOptions.defaults().withPort(0).withAwsFaithful(true, dilation, holdMillis));
    }

    /** Starts an environment with the triggers of the shared definition. */
    public static LocalHoldfast start(LocalOptions options) throws Exception {
        return start(options, Triggers.DEFINED);
    }

    /** Starts an environment with the given triggers (tests add consumers of their own). */
    public static LocalHoldfast start(LocalOptions options, Triggers.TriggerSet triggers) throws Exception {
        return start(options, triggers, Clock.systemUTC());
    }

    /**
     * Starts an environment whose handlers and token checks read {@code clock}: tests of
     * time (staleness, expiry) move it by hand instead of sleeping.
     */
    public static LocalHoldfast start(LocalOptions options, Triggers.TriggerSet triggers, Clock clock) throws Exception {
        LocalHoldfast env = new LocalHoldfast(options, triggers, clock);
        if (options.endpointsFile() != null) {
            Path f = options.endpointsFile().toAbsolutePath();
            if (f.getParent() != null) {
                Files.createDirectories(f.getParent());
            }
            Files.writeString(f, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(env.endpoints()));
        }
        return env;
    }

    /** Everything a client or test needs to reach this environment. */
    public ObjectNode endpoints() {
        ObjectNode n = Json.object();
        n.put("apiBaseUrl", apiBaseUrl());
        n.put("dynamodbEndpoint", servedDynamoEndpoint.toString());
        n.put("awsFaithful", options.awsFaithful());
        if (faithful != null) {
            n.put("dilation", options.dilation());
            n.put("holdMillis", options.holdMillis());
            n.put("dynamodbDirectEndpoint", dynamoEndpoint.toString());
        }
        n.put("sqsEndpoint", sqsEndpoint.toString());
        n.put("region", options.region());
        n.put("tokenUrl", apiBaseUrl() + "/local/token");
        n.put("websocketUrl", websocket.url());
        n.put("bankUrl", bankUrl());
        n.put("timeScale", options.timeScale());
        n.put("verifierUrl", verifier.url());
        ObjectNode t = n.putObject("tables");
        tables.forEach((def, name) -> t.put(def.id(), name));
        ObjectNode q = n.putObject("queues");
        queues.forEach((def, u) -> {
            ObjectNode e = q.putObject(def.queueName(PREFIX));
            e.put("url", u.url());
            e.put("dlqUrl", u.dlqUrl());
        });
        return n;
    }

    /** The bank the withdrawal worker pays through: the options' bank, or this environment's stand-in. */
    private String bankUrl() {
        return options.bankUrl() != null ? options.bankUrl() : bank.url();
    }

    public String apiBaseUrl() {
        return "http://127.0.0.1:" + gateway.port();
    }

    /** The settings a deployed function gets as environment variables here (for in-process benches). */
    public Map<String, String> functionEnvironment() {
        return functionEnvironment;
    }

    public Deployment deployment() {
        return deployment;
    }

    /** Lambda's concurrency limits as the function host applies them here (and what they throttled). */
    public LambdaConcurrency concurrency() {
        return host.concurrency();
    }

    /** The live-price WebSocket API of this environment ({@code websocketUrl}). */
    public LocalWebSocketGateway websocket() {
        return websocket;
    }

    /** The live-price publisher as this environment runs it (a {@code LivePublisher}: its work counters). */
    public RequestHandler<?, ?> livePublisher() {
        return livePublisher;
    }

    /**
     * A live function built on this environment's WebSocket server as its {@link LiveSender}
     * (its {@code (Deployment, LiveSender, int)} constructor; handlers are loaded by name, as
     * {@link FunctionHost} does, so the environment does not link the functions' classes).
     */
    private static RequestHandler<?, ?> withSender(FunctionDef function, Deployment deployment, LiveSender sender, int size) {
        try {
            return (RequestHandler<?, ?>) Class.forName(function.handlerClass())
                    .getConstructor(Deployment.class, LiveSender.class, int.class)
                    .newInstance(deployment, sender, size);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + function.id() + " with the local sender", e);
        }
    }

    /**
     * A deployment on this environment whose DynamoDB client runs {@code interceptors}: for fault
     * injection in tests and drills (e.g. {@code Throttling}), never for the served functions.
     */
    public Deployment deploymentWith(java.util.List<software.amazon.awssdk.core.interceptor.ExecutionInterceptor> interceptors) {
        return new Deployment(AwsClients.forEndpoints(servedDynamoEndpoint, sqsEndpoint, options.region(), interceptors),
                deployment.names(), deployment.clock());
    }

    /**
     * The AWS-faithful DynamoDB the functions go through (its meter, its settings), when the
     * environment runs in that mode.
     */
    public java.util.Optional<dev.holdfast.local.faithful.FaithfulDynamo> faithful() {
        return java.util.Optional.ofNullable(faithful);
    }

    /** The key that signs cohort links and admission tokens in this environment. */
    public byte[] signingKey() {
        return signingSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String newSigningSecret() {
        byte[] b = new byte[48];
        new java.security.SecureRandom().nextBytes(b);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Kept in the data directory, so links and admission tokens survive a restart. */
    private static String persistedSigningSecret(Path dir) throws IOException {
        Path f = dir.resolve("signing-secret");
        if (Files.exists(f)) {
            return Files.readString(f).trim();
        }
        Files.createDirectories(dir);
        String s = newSigningSecret();
        Files.writeString(f, s);
        return s;
    }

    /** The stand-in bank the withdrawal worker pays through ({@code BANK_URL} of this environment). */
    public StandInBank bank() {
        return bank;
    }

    /** The stand-in identity verifier the signup worker calls ({@code VERIFIER_URL} of this environment). */
    public StandInVerifier verifier() {
        return verifier;
    }

    public LocalJwt jwt() {
        return jwt;
    }

    public QueueUrls queueUrls(QueueDef q) {
        return queues.get(q);
    }

    @Override
    public void close() {
        gateway.stop();
        websocket.end();
        scheduler.close();
        queuePollers.forEach(QueuePoller::stop);
        streamPollers.forEach(StreamPoller::stop);
        for (Thread t : threads) {
            try {
                t.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        bank.close();
        verifier.close();
        streams.close();
        clients.sqs().close();
        clients.dynamo().close();
        if (faithful != null) {
            servedClients.dynamo().close();
            faithful.close();
        }
        if (embedded != null) {
            embedded.close();
        }
    }

    /** {@code ./localstack/run}: see {@link RunCommand}. */
    public static void main(String[] args) {
        int code = Cli.execute(new RunCommand(), args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }
}
