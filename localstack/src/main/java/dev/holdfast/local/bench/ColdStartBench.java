package dev.holdfast.local.bench;

import dev.holdfast.runtime.AwsClients;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.capacity.PathCosts;
import dev.holdfast.functions.capacity.Preparer;
import dev.holdfast.functions.withdrawals.HttpBankTransfers;
import dev.holdfast.functions.withdrawals.WithdrawalQueue;
import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;
import dev.holdfast.resources.FunctionDef;
import dev.holdfast.resources.Functions;
import dev.holdfast.resources.QueueDef;
import dev.holdfast.resources.Queues;
import dev.holdfast.resources.TableDef;
import dev.holdfast.resources.Tables;
import dev.holdfast.resources.Triggers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Cold start per function, as Lambda would see it without SnapStart: for each function of
 * {@link Functions#ALL}, a FRESH JVM with only the shaded {@code functions/target/holdfast-functions.jar}
 * on its classpath (plus the tiny {@link ColdStartRunner} standing in for Lambda's runtime client),
 * configured only through the environment variables the CDK sets (table names, queue URLs, region,
 * credentials) plus the endpoint overrides of {@link AwsClients#fromEnvironment()}, handed ONE
 * representative event; measured from process launch to the event's answer. Beside every function:
 * the minimal handler ({@code localstack/baseline/target/minimal-handler.jar}: one DynamoDB client, one GetItem).
 *
 * <p>Each function also runs primed: the runner invokes the SnapStart priming hooks before the event
 * ({@code primed event} — what the first invocation after a restore costs, restore itself aside).
 *
 * <p>The JVMs run with Lambda's java17/java21 flags ({@code -XX:TieredStopAtLevel=1 -XX:+UseSerialGC});
 * {@code --flags} instead compares JIT/CDS settings on the orders function and the minimal handler.
 *
 * <p>Usage: {@code localstack/bench coldstart [RUNS] [PRIMED_RUNS]} or {@code localstack/bench coldstart --flags [RUNS]}.
 * Writes {@code localstack/target/bench/coldstart.json}.
 */
public final class ColdStartBench {
    static final Path FUNCTIONS_JAR = Path.of("functions/target/holdfast-functions.jar");
    static final Path MINIMAL_JAR = Path.of("localstack/baseline/target/minimal-handler.jar");
    static final String MINIMAL_HANDLER = "dev.holdfast.baseline.MinimalHandler";
    static final String MINIMAL = "minimal-handler";
    /** What Lambda's java17/java21 runtimes start the JVM with (as far as start-up is concerned). */
    static final List<String> LAMBDA_FLAGS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    static final String BASELINE_NAME = "minimal handler: 1 DynamoDB client, 1 GetItem";

    private ColdStartBench() {}

    /** One measured launch. */
    record Launch(double totalMs, double mainMs, double initMs, double primeMs, double eventMs, String status,
                  List<String> output) {}

    /** The event a function gets, as runner arguments. */
    record Target(String id, String handlerClass, Path jar, Map<String, String> env, List<String> event) {}

    /**
     * The bench: {@code runs} plain launches per function (+{@code primedRuns} primed), or with {@code flags}
     * the JIT/CDS settings compared on the orders function and the minimal handler over {@code runs} runs.
     */
    public static void run(boolean flags, int runs, int primedRuns) throws Exception {
        for (Path jar : List.of(FUNCTIONS_JAR, MINIMAL_JAR)) {
            if (!Files.exists(jar)) {
                throw new IllegalStateException(jar + " is missing: build with ./mvnw -B -pl localstack,localstack/baseline -am package");
            }
        }
        Path runnerDir = runnerClasses();
        System.out.println("starting the embedded environment (queues only: no schedules or streams competing for the CPU)...");
        Triggers.TriggerSet t = Triggers.DEFINED;
        try (LocalHoldfast env = LocalHoldfast.start(LocalOptions.defaults().withPort(0),
                new Triggers.TriggerSet(t.queues(), List.of(), List.of()));
             NoProvisionedConcurrency lambda = NoProvisionedConcurrency.start()) {
            Fixture fixture = Fixture.seed(env, lambda.url());
            if (flags) {
                compareFlags(env, fixture, runnerDir, runs);
            } else {
                perFunction(env, fixture, runnerDir, runs, primedRuns);
            }
        } finally {
            deleteTree(runnerDir);
        }
    }

    // ---- per function ----

    private static void perFunction(LocalHoldfast env, Fixture fixture, Path runnerDir, int runs, int primedRuns) throws Exception {
        Target minimal = minimal(env);
        List<Target> targets = new ArrayList<>();
        targets.add(minimal);
        for (FunctionDef f : Functions.ALL) {
            targets.add(target(env, fixture, f));
        }
        System.out.printf("%d run(s) per function (+%d primed), fresh JVM each, flags %s; run by run over every function,%n"
                + "so a machine busy with something else skews every function alike%n", runs, primedRuns, LAMBDA_FLAGS);
        Map<String, List<Launch>> plainRuns = new LinkedHashMap<>();
        Map<String, List<Launch>> primedLaunches = new LinkedHashMap<>();
        for (int r = 0; r < runs + primedRuns; r++) {
            boolean prime = r >= runs;
            for (Target target : targets) {
                if (prime && target == minimal) {
                    continue; // the minimal handler registers no priming
                }
                Launch l = launch(target, runnerDir, LAMBDA_FLAGS, prime);
                (prime ? primedLaunches : plainRuns).computeIfAbsent(target.id(), k -> new ArrayList<>()).add(l);
            }
            System.out.printf("%s run %d/%d done%n", prime ? "primed" : "plain", prime ? r - runs + 1 : r + 1, prime ? primedRuns : runs);
        }
        Stats base = new Stats(MINIMAL, plainRuns.get(MINIMAL));
        Map<String, Stats> plain = new LinkedHashMap<>();
        Map<String, Stats> primed = new LinkedHashMap<>();
        for (FunctionDef f : Functions.ALL) {
            Stats s = new Stats(f.id(), plainRuns.get(f.id()));
            plain.put(f.id(), s);
            Stats p = primedLaunches.containsKey(f.id()) ? new Stats(f.id(), primedLaunches.get(f.id())) : null;
            if (p != null) {
                primed.put(f.id(), p);
            }
        }
        double fnMiB = mib(FUNCTIONS_JAR);
        double minMiB = mib(MINIMAL_JAR);

        StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, "%n| function | launch to first handled event, median ms | ratio to minimal handler "
                + "| init ms | first event ms | first event after priming ms | jar MiB |%n"));
        table.append("| --- | --- | --- | --- | --- | --- | --- |\n");
        table.append(String.format(Locale.ROOT, "| %s | %.0f | 1.00 | %.0f | %.0f | | %.1f |%n", MINIMAL, base.totalMedian(),
                base.median(Launch::initMs), base.median(Launch::eventMs), minMiB));
        ObjectNode json = Json.object();
        json.put("at", Instant.now().toString());
        json.put("java", System.getProperty("java.version"));
        json.put("runs", runs);
        json.put("primedRuns", primedRuns);
        ArrayNode jvmFlags = json.putArray("jvmFlags");
        LAMBDA_FLAGS.forEach(jvmFlags::add);
        ObjectNode jars = json.putObject("jarBytes");
        jars.put("functions", Files.size(FUNCTIONS_JAR));
        jars.put("minimal", Files.size(MINIMAL_JAR));
        json.set("minimal", base.json(null));
        ObjectNode fns = json.putObject("functions");
        List<Double> primedEvents = new ArrayList<>();
        List<Double> plainEvents = new ArrayList<>();
        for (FunctionDef f : Functions.ALL) {
            Stats s = plain.get(f.id());
            Stats p = primed.get(f.id());
            double ratio = s.totalMedian() / base.totalMedian();
            ObjectNode n = s.json(p);
            n.put("ratio", Math.round(ratio * 100) / 100.0);
            n.put("jarBytes", Files.size(FUNCTIONS_JAR));
            fns.set(f.id(), n);
            table.append(String.format(Locale.ROOT, "| %s | %.0f | %.2f | %.0f | %.0f | %s | %.1f |%n", f.id(), s.totalMedian(), ratio,
                    s.median(Launch::initMs), s.median(Launch::eventMs),
                    p == null ? "" : String.format(Locale.ROOT, "%.0f", p.median(Launch::eventMs)), fnMiB));
            BenchRecord.figure("coldstart", f.id() + ": launch to first handled event, median", s.totalMedian(), "ms",
                    base.totalMedian(), BASELINE_NAME);
            if (p != null) {
                primedEvents.add(p.median(Launch::eventMs));
                plainEvents.add(s.median(Launch::eventMs));
            }
        }
        BenchRecord.figure("coldstart", "jar size", fnMiB, "MiB", minMiB, "minimal handler's jar");
        if (!primedEvents.isEmpty()) {
            BenchRecord.figure("coldstart", "first event after priming, median over functions", median(primedEvents), "ms",
                    median(plainEvents), "first event unprimed");
        }
        System.out.print(table);
        System.out.printf(Locale.ROOT, "jars: functions %.1f MiB, minimal %.1f MiB (ratio %.2f)%n", fnMiB, minMiB, fnMiB / minMiB);
        write("coldstart.json", json);
    }

    // ---- JIT and CDS settings ----

    private static void compareFlags(LocalHoldfast env, Fixture fixture, Path runnerDir, int runs) throws Exception {
        Path archiveDir = Files.createTempDirectory("holdfast-cds");
        try {
            List<Target> targets = List.of(target(env, fixture, Functions.ORDERS), minimal(env));
            String c1 = "C1 only: -XX:TieredStopAtLevel=1 (Lambda java17/21 default)";
            String cds = "C1 only + AppCDS archive of the function's classes";
            Map<String, List<String>> variants = new LinkedHashMap<>();
            variants.put("JVM defaults: tiered C1+C2", List.of("-XX:+UseSerialGC"));
            variants.put(c1, LAMBDA_FLAGS);
            variants.put("C1 only, no CDS at all (-Xshare:off)", concat(LAMBDA_FLAGS, "-Xshare:off"));
            variants.put(cds, null);
            Map<String, Path> archives = new LinkedHashMap<>();
            for (Target target : targets) { // one training run dumps the classes this target loads
                Path archive = archiveDir.resolve(target.id() + ".jsa");
                launch(target, runnerDir, concat(LAMBDA_FLAGS, "-XX:ArchiveClassesAtExit=" + archive), false);
                if (!Files.exists(archive)) {
                    throw new IllegalStateException("no CDS archive was written for " + target.id());
                }
                archives.put(target.id(), archive);
                System.out.printf("AppCDS archive for %s: %.1f MiB%n", target.id(), mib(archive));
            }
            // interleaved (run by run, variant by variant) so a busy machine skews every variant alike
            Map<String, Map<String, List<Launch>>> launches = new LinkedHashMap<>();
            for (int r = 0; r < runs; r++) {
                for (Target target : targets) {
                    for (Map.Entry<String, List<String>> v : variants.entrySet()) {
                        List<String> jvm = v.getValue() != null ? v.getValue()
                                : concat(LAMBDA_FLAGS, "-XX:SharedArchiveFile=" + archives.get(target.id()));
                        launches.computeIfAbsent(v.getKey(), k -> new LinkedHashMap<>())
                                .computeIfAbsent(target.id(), k -> new ArrayList<>()).add(launch(target, runnerDir, jvm, false));
                    }
                }
            }
            ObjectNode json = Json.object();
            json.put("at", Instant.now().toString());
            json.put("java", System.getProperty("java.version"));
            json.put("runs", runs);
            ObjectNode out = json.putObject("variants");
            StringBuilder table = new StringBuilder(String.format("%n| JVM flags (%d interleaved runs) | orders: median ms (init, first event) "
                    + "| minimal handler: median ms (init, first event) |%n| --- | --- | --- |%n", runs));
            double c1Orders = new Stats("orders", launches.get(c1).get(Functions.ORDERS.id())).totalMedian();
            for (Map.Entry<String, Map<String, List<Launch>>> v : launches.entrySet()) {
                ObjectNode n = out.putObject(v.getKey());
                table.append("| ").append(v.getKey());
                for (Target target : targets) {
                    Stats s = new Stats(target.id(), v.getValue().get(target.id()));
                    n.set(target.id(), s.json(null));
                    table.append(String.format(Locale.ROOT, " | %.0f (%.0f, %.0f)", s.totalMedian(), s.median(Launch::initMs),
                            s.median(Launch::eventMs)));
                    if (target.id().equals(Functions.ORDERS.id()) && !v.getKey().equals(c1)) {
                        BenchRecord.figure("coldstart-flags", "orders cold start, " + v.getKey(), s.totalMedian(), "ms", c1Orders,
                                "C1 only (Lambda's default)");
                    }
                }
                table.append(" |\n");
            }
            System.out.print(table);
            write("coldstart-flags.json", json);
        } finally {
            deleteTree(archiveDir);
        }
    }

    // ---- launching ----

    /** Median-able results of several launches of one target. */
    record Stats(String id, List<Launch> launches) {
        double median(java.util.function.ToDoubleFunction<Launch> f) {
            return ColdStartBench.median(launches.stream().map(l -> f.applyAsDouble(l)).toList());
        }

        double totalMedian() {
            return median(Launch::totalMs);
        }

        String statuses() {
            return String.join(",", new LinkedHashSet<>(launches.stream().map(Launch::status).toList()));
        }

        ObjectNode json(Stats primed) {
            ObjectNode n = Json.object();
            n.put("medianMs", Math.round(totalMedian()));
            n.put("minMs", Math.round(launches.stream().mapToDouble(Launch::totalMs).min().orElse(0)));
            n.put("maxMs", Math.round(launches.stream().mapToDouble(Launch::totalMs).max().orElse(0)));
            n.put("jvmToMainMs", Math.round(median(Launch::mainMs)));
            n.put("initMs", Math.round(median(Launch::initMs)));
            n.put("firstEventMs", Math.round(median(Launch::eventMs)));
            if (primed != null) {
                n.put("primingMs", Math.round(primed.median(Launch::primeMs)));
                n.put("firstEventAfterPrimingMs", Math.round(primed.median(Launch::eventMs)));
            }
            n.put("status", statuses());
            return n;
        }
    }

    static Stats measure(Target target, Path runnerDir, List<String> jvmFlags, int runs, boolean prime) throws Exception {
        List<Launch> launches = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            launches.add(launch(target, runnerDir, jvmFlags, prime));
        }
        return new Stats(target.id(), launches);
    }

    static Launch launch(Target target, Path runnerDir, List<String> jvmFlags, boolean prime) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags);
        cmd.add("-cp");
        cmd.add(target.jar().toAbsolutePath() + java.io.File.pathSeparator + runnerDir.resolve("runner.jar"));
        cmd.add(ColdStartRunner.class.getName());
        long t0 = System.nanoTime();
        cmd.add(Long.toString(t0));
        cmd.add(target.handlerClass());
        cmd.add(Boolean.toString(prime));
        for (String arg : target.event()) { // per-launch values: a new key, the next feed sequence, the time
            cmd.add(arg.replace("@unique", UUID.randomUUID().toString()).replace("@seq", Long.toString(SEQUENCE.incrementAndGet()))
                    .replace("@now", Instant.now().toString()));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(target.env());
        Process p = pb.start();
        String line = null;
        long doneAt = 0;
        List<String> output = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String l;
            while ((l = r.readLine()) != null) {
                if (l.startsWith("COLDSTART ")) {
                    doneAt = System.nanoTime();
                    line = l;
                } else if (output.size() < 1000) {
                    output.add(l);
                }
            }
        } finally {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        if (line == null) {
            throw new IllegalStateException(target.id() + " answered no event (exit " + p.exitValue() + "):\n"
                    + String.join("\n", output));
        }
        Map<String, String> kv = new LinkedHashMap<>();
        for (String part : line.substring("COLDSTART ".length()).split(" ")) {
            int eq = part.indexOf('=');
            kv.put(part.substring(0, eq), part.substring(eq + 1));
        }
        return new Launch((doneAt - t0) / 1e6, Double.parseDouble(kv.get("main")), Double.parseDouble(kv.get("init")),
                Double.parseDouble(kv.get("primed")), Double.parseDouble(kv.get("event")), kv.get("status"), output);
    }

    // ---- targets ----

    /** What the CDK sets for {@code f} (resource names), plus region, dummy credentials and local endpoints. */
    static Map<String, String> lambdaEnvironment(LocalHoldfast env, Set<TableDef> tables, List<QueueDef> queues) {
        Map<String, String> e = new LinkedHashMap<>();
        JsonNode ep = env.endpoints();
        e.put("AWS_REGION", ep.path("region").asText());
        e.put("AWS_ACCESS_KEY_ID", "holdfast");
        e.put("AWS_SECRET_ACCESS_KEY", "holdfast");
        e.put(AwsClients.DYNAMODB_ENDPOINT_ENV, ep.path("dynamodbEndpoint").asText());
        e.put(AwsClients.SQS_ENDPOINT_ENV, ep.path("sqsEndpoint").asText());
        for (TableDef t : tables) {
            e.put(t.envVar(), env.deployment().names().table(t));
        }
        for (QueueDef q : queues) {
            e.put(q.envVar(), env.queueUrls(q).url());
        }
        return e;
    }

    /**
     * The settings the CDK app passes beyond resource names: the bank's and the verifier's URLs, and
     * the signing secret's ARN (here one that does not exist: the functions fetch the secret on first
     * use, never while starting or priming; the bench's events hand over a value instead).
     */
    static Map<String, String> functionSettings(LocalHoldfast env) {
        Map<String, String> e = new LinkedHashMap<>();
        e.put(HttpBankTransfers.URL_VARIABLE, env.bank().url());
        e.put("VERIFIER_URL", env.endpoints().path("verifierUrl").asText());
        e.put("SIGNING_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:000000000000:secret:never-fetched-while-priming");
        // the live functions' settings: nothing is sent at $connect, and a malformed token is denied without a key fetch
        e.put("LIVE_CALLBACK_URL", "http://127.0.0.1:9/never-called");
        e.put("USER_POOL_ISSUER", "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_coldstart");
        e.put("USER_POOL_CLIENT_ID", "coldstart-client");
        return e;
    }

    static Target minimal(LocalHoldfast env) {
        return new Target(MINIMAL, MINIMAL_HANDLER, MINIMAL_JAR, lambdaEnvironment(env, Set.of(Tables.PLATFORM), List.of()),
                List.of("http", "route=GET /status"));
    }

    private static final AtomicLong SEQUENCE = new AtomicLong(1_000);

    static Target target(LocalHoldfast env, Fixture fx, FunctionDef f) {
        Set<TableDef> tables = new LinkedHashSet<>(f.reads());
        tables.addAll(f.writes());
        Map<String, String> e = lambdaEnvironment(env, tables, f.sendsTo());
        e.putAll(functionSettings(env));
        e.put("SIGNING_SECRET", "coldstart-bench-signing-secret-0123456789");
        String user = "sub=" + fx.user;
        String admin = "sub=coldstart-admin";
        String admins = "groups=[admin]";
        List<String> event = switch (f.id()) {
            case "platform" -> List.of("http", "route=GET /status");
            case "markets" -> List.of("http", "route=GET /markets/{marketId}", "path=/markets/" + fx.marketId,
                    "p.marketId=" + fx.marketId, user);
            case "feed-ingester" -> List.of("sqs", "group=" + fx.providerMarketId, "body=" + fx.feedMessage("@seq", "@now"));
            case "feed-watchdog", "withdrawal-redrive", "risk-heartbeat", "reconciler", "admitter", "signup-redrive",
                 "settlement-watchdog" -> List.of("schedule");
            case "wallet" -> List.of("http", "route=GET /wallet", user);
            case "risk" -> List.of("http", "route=GET /admin/risk/config", admin, admins);
            case "orders" -> List.of("http", "route=POST /orders", user, "h.idempotency-key=@unique",
                    "body={\"marketId\":\"" + fx.marketId + "\",\"selectionId\":\"" + fx.selectionId
                            + "\",\"stake\":\"1000\",\"priceVersion\":" + fx.priceVersion + "}");
            case "settler" -> List.of("sqs", "group=" + fx.marketId, "body={\"marketId\":\"" + fx.marketId + "\"}");
            case "withdrawal-worker" -> List.of("sqs", "group=" + fx.user, "body=" + WithdrawalQueue.body("w-coldstart-absent"));
            case "risk-processor" -> List.of("stream", "i.pk=RISK#HEARTBEAT", "i.sk=HEARTBEAT", "i.createdAt=@now");
            case "reconciliation" -> List.of("http", "route=GET /admin/reconciliation/latest", admin, admins);
            case "waiting-room" -> List.of("http", "route=GET /waiting-room/tickets/{ticketId}",
                    "path=/waiting-room/tickets/t-coldstart-absent", "p.ticketId=t-coldstart-absent");
            case "signup" -> List.of("http", "route=GET /signup/{signupId}", "path=/signup/s-coldstart-absent",
                    "p.signupId=s-coldstart-absent");
            case "signup-worker" -> List.of("sqs", "group=coldstart", "body={\"signupId\":\"s-coldstart-absent\"}");
            case "live" -> List.of("websocket", "route=$connect", "connection=coldstart-" + SEQUENCE.incrementAndGet(), user);
            case "live-publisher" -> List.of("stream", "i.pk=MARKET#" + fx.marketId, "i.sk=PRICE");
            case "live-authorizer" -> List.of("authorizer", "token=not-a-token");
            case "preparer" -> {
                // an empty calendar: the run reads it and what every provisioned alias is set to (none)
                e.put(Preparer.LAMBDA_ENDPOINT_VARIABLE, fx.lambdaEndpoint);
                PathCosts.PROVISIONED.keySet().forEach(id -> e.put(Functions.byId(id).nameEnvVar(), "holdfast-" + id));
                yield List.of("schedule");
            }
            default -> throw new IllegalStateException("no representative event for function " + f.id()
                    + ": add one to ColdStartBench.target");
        };
        return new Target(f.id(), f.handlerClass(), FUNCTIONS_JAR, e, event);
    }

    // ---- the data the events refer to ----

    /** An open, priced market and a funded user in the embedded environment. */
    record Fixture(String providerMarketId, String marketId, String selectionId, long priceVersion, String user,
                   String lambdaEndpoint) {

        /** {@code lambdaEndpoint}: where the preparer asks Lambda's control plane (a {@link NoProvisionedConcurrency}). */
        static Fixture seed(LocalHoldfast env, String lambdaEndpoint) throws Exception {
            BenchHttp http = new BenchHttp(env);
            String admin = http.adminToken();
            JsonNode cfg = http.send("GET", "/admin/risk/config", admin, null);
            ObjectNode next = (ObjectNode) cfg.deepCopy();
            next.remove("version");
            next.put("reason", "benchmark: cold start");
            ((ObjectNode) next.path("rateLimits")).put("ordersPerUserPerMinute", 100_000);
            ((ObjectNode) next.path("rateLimits")).put("ordersPerAddressPerMinute", 100_000);
            ((ObjectNode) next.path("feed")).put("keepSeconds", 1800);
            ((ObjectNode) next.path("feed")).put("suspendAfterSeconds", 3600);
            http.send("PUT", "/admin/risk/config", admin, Json.write(next), "If-Match", cfg.path("version").asText());
            String pm = "coldstart-" + UUID.randomUUID();
            JsonNode market = http.market(admin, pm);
            String marketId = market.path("marketId").asText();
            Fixture unpriced = new Fixture(pm, marketId, market.path("selections").get(0).path("selectionId").asText(), 0,
                    "coldstart-user-" + UUID.randomUUID(), lambdaEndpoint);
            env.deployment().clients().sqs().sendMessage(b -> b.queueUrl(env.queueUrls(Queues.FEED).url())
                    .messageGroupId(pm).messageDeduplicationId(pm + ":1").messageBody(unpriced.feedMessage("1", Instant.now().toString())));
            JsonNode priced = http.send("GET", "/markets/" + marketId, admin, null);
            for (int i = 0; i < 200 && priced.path("price").isNull(); i++) {
                Thread.sleep(50);
                priced = http.send("GET", "/markets/" + marketId, admin, null);
            }
            http.send("POST", "/admin/markets/" + marketId + "/state", admin, "{\"state\":\"OPEN\"}");
            http.send("POST", "/admin/accounts/" + unpriced.user + "/credits", admin,
                    "{\"amount\":\"100000000\",\"fund\":\"CASH\",\"reason\":\"bench\"}", "Idempotency-Key", "coldstart-fund");
            return new Fixture(pm, marketId, unpriced.selectionId, priced.path("price").path("priceVersion").asLong(), unpriced.user,
                    lambdaEndpoint);
        }

        /** A feed message with the same odds every time (the price version stays; its age is refreshed). */
        String feedMessage(String sequence, String sourceTimestamp) {
            return "{\"provider\":\"acme\",\"providerMarketId\":\"" + providerMarketId + "\",\"sequence\":" + sequence
                    + ",\"sourceTimestamp\":\"" + sourceTimestamp + "\",\"selections\":[{\"providerSelectionId\":\"1\",\"probability\":\"0.5\"},"
                    + "{\"providerSelectionId\":\"2\",\"probability\":\"0.5\"}]}";
        }
    }

    // ---- helpers ----

    /**
     * A folder holding {@code runner.jar}: the runner's class files alone, the only thing added to a
     * function's classpath (a jar, not a folder: CDS archives accept only jars on the classpath).
     * Put {@code dir.resolve("runner.jar")} on the classpath; delete the folder afterwards.
     */
    static Path runnerClasses() throws IOException, URISyntaxException {
        Path classes = Path.of(ColdStartRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String pkg = ColdStartRunner.class.getPackageName().replace('.', '/');
        Path dir = Files.createTempDirectory("holdfast-coldstart-runner");
        try (Stream<Path> files = Files.list(classes.resolve(pkg));
             java.util.jar.JarOutputStream jar = new java.util.jar.JarOutputStream(Files.newOutputStream(dir.resolve("runner.jar")))) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith(ColdStartRunner.class.getSimpleName()))
                    .sorted().toList()) {
                jar.putNextEntry(new java.util.jar.JarEntry(pkg + "/" + f.getFileName()));
                jar.write(Files.readAllBytes(f));
                jar.closeEntry();
            }
        }
        return dir;
    }

    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Collections.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static List<String> concat(List<String> a, String b) {
        List<String> out = new ArrayList<>(a);
        out.add(b);
        return out;
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n == 0 ? 0 : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double mib(Path p) throws IOException {
        return Files.size(p) / (1024.0 * 1024.0);
    }

    private static void write(String name, ObjectNode json) throws IOException {
        Path dir = Path.of("localstack/target/bench");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(name), Json.write(json));
        System.out.println("[coldstart] wrote " + dir.resolve(name));
    }
}
