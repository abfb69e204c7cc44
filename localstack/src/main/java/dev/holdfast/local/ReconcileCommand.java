package dev.holdfast.local;

import dev.holdfast.runtime.AwsClients;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.runtime.ResourceNames;
import dev.holdfast.persistence.reconciliation.ReconciliationReader;
import dev.holdfast.persistence.reconciliation.ReconciliationStore;
import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.reconciliation.ReconciliationReport;
import dev.holdfast.functions.reconciliation.ReconciliationJson;
import dev.holdfast.resources.QueueDef;
import dev.holdfast.resources.TableDef;
import dev.holdfast.resources.Tables;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code ./localstack/reconcile [--endpoints-file PATH] [--segments N]}: reconciles a running local
 * environment (the one whose endpoints {@code ./localstack/run} wrote), prints progress to stderr
 * and the report as JSON to stdout, stores the report like any run (trigger {@code command}), and
 * exits 0 with no drift, 1 with drift, 2 on a usage or connection error.
 */
public final class ReconcileCommand {
    /** Where {@code ./localstack/run} writes its endpoints unless told otherwise. */
    static final Path DEFAULT_ENDPOINTS = Path.of("localstack", "target", "endpoints.json");

    static final String USAGE = """
            usage: localstack/reconcile [--endpoints-file PATH] [--segments N]
              --endpoints-file PATH  the endpoints JSON written by localstack/run (default localstack/target/endpoints.json)
              --segments N           parallel scan segments per table (default 4)
            exit status: 0 no drift, 1 drift, 2 usage or connection error
            """;

    private ReconcileCommand() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path endpointsFile = DEFAULT_ENDPOINTS;
        int segments = 4;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--help", "-h" -> {
                        err.print(USAGE);
                        return 0;
                    }
                    case "--endpoints-file" -> endpointsFile = Path.of(value(args, ++i));
                    case "--segments" -> segments = Integer.parseInt(value(args, ++i));
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (segments < 1 || segments > 64) {
                throw new IllegalArgumentException("--segments must be 1 to 64");
            }
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        JsonNode endpoints;
        try {
            endpoints = Json.parseTrusted(Files.readString(endpointsFile));
        } catch (NoSuchFileException e) {
            err.println("error: no endpoints file at " + endpointsFile + "; start the environment with ./localstack/run"
                    + " (it writes " + DEFAULT_ENDPOINTS + ") or pass --endpoints-file PATH");
            return 2;
        } catch (Exception e) {
            err.println("error: could not read " + endpointsFile + ": " + e.getMessage());
            return 2;
        }
        Deployment deployment = deployment(endpoints);
        try {
            err.println("[reconcile] reading " + endpoints.path("dynamodbEndpoint").asText() + " with " + segments + " segments per table");
            long started = System.nanoTime();
            Map<String, Long> read = new ConcurrentHashMap<>();
            ReconciliationReport report = new ReconciliationReader(deployment, segments).run(progress(err, read));
            read.forEach((what, n) -> err.printf("[reconcile] %s: %d read in all%n", what, n));
            long ms = (System.nanoTime() - started) / 1_000_000;
            ReconciliationStore.Run run = new ReconciliationStore(deployment, new dev.holdfast.persistence.audit.AuditLog(deployment))
                    .save(ReconciliationStore.newRunId(), "command", report, ms, Optional.empty());
            err.printf("[reconcile] %d accounts, %d exposure buckets checked in %d ms: drift %d%n",
                    report.accountsChecked(), report.exposuresChecked(), ms, report.drift());
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(ReconciliationJson.report(run)));
            return report.drift() == 0 ? 0 : 1;
        } catch (Exception e) {
            err.println("error: reconciliation failed: " + e);
            return 2;
        } finally {
            deployment.clients().dynamo().close();
            deployment.clients().sqs().close();
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    /** A deployment on the environment described by {@code endpoints} (as {@link LocalHoldfast#endpoints} writes it). */
    static Deployment deployment(JsonNode endpoints) {
        AwsClients clients = AwsClients.forEndpoints(URI.create(endpoints.path("dynamodbEndpoint").asText()),
                URI.create(endpoints.path("sqsEndpoint").asText()), endpoints.path("region").asText("us-east-1"));
        Map<TableDef, String> tables = new LinkedHashMap<>();
        for (TableDef t : Tables.ALL) {
            String name = endpoints.path("tables").path(t.id()).asText(null);
            if (name == null) {
                throw new IllegalArgumentException("the endpoints file names no table " + t.id());
            }
            tables.put(t, name);
        }
        Map<QueueDef, String> queues = new LinkedHashMap<>();
        return new Deployment(clients, new ResourceNames(tables, queues), Clock.systemUTC());
    }

    /** Prints how much of each kind was read, at most twice a second per kind. */
    private static ReconciliationReader.Progress progress(PrintStream err, Map<String, Long> read) {
        Map<String, Long> lastPrinted = new ConcurrentHashMap<>();
        return (what, items) -> {
            read.merge(what, items, Math::max);
            long now = System.currentTimeMillis();
            Long last = lastPrinted.get(what);
            if (last == null || now - last >= 500) {
                lastPrinted.put(what, now);
                err.printf("[reconcile] %s: %d read…%n", what, items);
            }
        };
    }
}
