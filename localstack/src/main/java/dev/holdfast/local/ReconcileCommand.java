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
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
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

    private ReconcileCommand() {}

    /** The command line: {@code [--endpoints-file PATH] [--segments N]}. */
    @Command(name = "localstack/reconcile", mixinStandardHelpOptions = true, version = Cli.VERSION, sortOptions = false, usageHelpAutoWidth = true,
            description = "Reconciles a running local environment: rebuilds every balance from the ledger and every exposure "
                    + "view from the open orders; progress to stderr, the report as JSON to stdout.",
            exitCodeListHeading = "Exit status:%n",
            exitCodeList = {"0:no drift", "1:drift", "2:usage or connection error"})
    static final class Arguments implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--endpoints-file", paramLabel = "PATH",
                description = "the endpoints JSON written by localstack/run (default ${DEFAULT-VALUE})",
                defaultValue = "localstack/target/endpoints.json")
        Path endpointsFile;

        @Option(names = "--segments", paramLabel = "N", defaultValue = "4",
                description = "parallel scan segments per table, 1 to 64 (default ${DEFAULT-VALUE})")
        int segments;

        PrintStream out;
        PrintStream err;

        @Override
        public Integer call() {
            if (segments < 1 || segments > 64) {
                throw Cli.bad(spec, "--segments must be 1 to 64, got " + segments);
            }
            return reconcile(endpointsFile, segments, out, err);
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Arguments a = new Arguments();
        a.out = out;
        a.err = err;
        return Cli.execute(a, args, out, err);
    }

    static int reconcile(Path endpointsFile, int segments, PrintStream out, PrintStream err) {
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
