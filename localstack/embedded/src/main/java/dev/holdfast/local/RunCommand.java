package dev.holdfast.local;

import dev.holdfast.api.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./localstack/run [options]}: starts the local environment in the foreground and prints its
 * own lines, the endpoints and how to get a token; Ctrl-C (SIGTERM) stops it.
 */
@Command(name = "localstack/run", mixinStandardHelpOptions = true, version = Cli.VERSION, sortOptions = false, usageHelpAutoWidth = true,
        description = "Starts the Holdfast local environment in the foreground: DynamoDB Local + ElasticMQ in this process, "
                + "the tables and queues provisioned, the API on http://127.0.0.1:PORT. Ctrl-C stops it.")
public final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "N", defaultValue = "" + LocalOptions.DEFAULT_PORT,
            description = "serve the API on 127.0.0.1:N (default ${DEFAULT-VALUE}; 0 = any free port)")
    int port;

    @Option(names = "--endpoints-file", paramLabel = "PATH", description = "write the endpoints as JSON to PATH")
    Path endpointsFile;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "keep DynamoDB data and the signing key under DIR (default: in memory)")
    Path dataDir;

    @Option(names = "--aws-endpoint", paramLabel = "URL", description = "use this AWS-compatible endpoint "
            + "(e.g. LocalStack, http://localhost:4566) instead of starting DynamoDB Local and ElasticMQ")
    URI awsEndpoint;

    @Option(names = "--time-scale", paramLabel = "F", defaultValue = "" + LocalOptions.AWS_TIME,
            description = "scale every queue's visibility timeout by F, 0 < F <= 1 (default 1: AWS's timing)")
    double timeScale;

    @Option(names = "--bank-url", paramLabel = "URL", description = "pay withdrawals through this bank instead of the built-in stand-in")
    String bankUrl;

    @Option(names = "--aws-faithful", description = "DynamoDB with AWS's transaction conflicts and partition limits "
            + "(README, \"AWS-faithful mode\")")
    boolean awsFaithful;

    @Option(names = "--dilation", paramLabel = "F", defaultValue = "" + LocalOptions.DEFAULT_DILATION,
            description = "faithful mode: limits divided by F, holds multiplied by F (default ${DEFAULT-VALUE})")
    double dilation;

    @Option(names = "--hold-ms", paramLabel = "H", defaultValue = "" + LocalOptions.DEFAULT_HOLD_MILLIS,
            description = "faithful mode: a transaction holds its items H ms, AWS time (default ${DEFAULT-VALUE})")
    long holdMillis;

    @Option(names = "--freeze-lead", paramLabel = "MINUTES|off",
            description = "the change freeze starts MINUTES before a surge (default 30; off: no freeze)")
    String freezeLead;

    @Option(names = "--concurrency-scale", paramLabel = "F",
            description = "apply each function's reserved concurrency and the account's limit times F, 0 < F <= 1, rounded up "
                    + "(1 = AWS's numbers; default: no limit); excess API calls answer 429 RATE_LIMITED, queue work waits")
    Double concurrencyScale;

    /** The options parsed; a value out of range is a bad argument. */
    LocalOptions options() {
        if (freezeLead != null && !freezeLead.equalsIgnoreCase("off")) {
            try {
                dev.holdfast.domain.surge.SurgeCalendar.lead(freezeLead);
            } catch (IllegalArgumentException e) {
                throw Cli.bad(spec, "--freeze-lead must be minutes (0 to 1440) or off, got " + freezeLead);
            }
        }
        if (concurrencyScale != null && (!(concurrencyScale > 0) || concurrencyScale > 1)) {
            throw Cli.bad(spec, "--concurrency-scale must be in (0, 1], got " + concurrencyScale);
        }
        if (port < 0 || port > 65535) {
            throw Cli.bad(spec, "--port must be 0..65535, got " + port);
        }
        if (!(timeScale > 0) || timeScale > 1) {
            throw Cli.bad(spec, "--time-scale must be in (0, 1], got " + timeScale);
        }
        if (!(dilation > 0)) {
            throw Cli.bad(spec, "--dilation must be > 0, got " + dilation);
        }
        if (holdMillis < 0) {
            throw Cli.bad(spec, "--hold-ms must be >= 0, got " + holdMillis);
        }
        return LocalOptions.defaults().withTimeScale(timeScale).withPort(port).withEndpointsFile(endpointsFile)
                .withDataDir(dataDir).withAwsEndpoint(awsEndpoint).withBankUrl(bankUrl)
                .withAwsFaithful(awsFaithful, dilation, holdMillis).withFreezeLead(freezeLead)
                .withConcurrency(concurrencyScale == null ? LocalOptions.Concurrency.NONE
                        : new LocalOptions.Concurrency(concurrencyScale, true));
    }

    @Override
    public Integer call() throws Exception {
        LocalOptions options = options();
        long jvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
        PrintStream out = System.out;
        out.println("Holdfast local environment starting...");
        LocalHoldfast env;
        try {
            env = LocalHoldfast.start(options);
        } catch (IOException e) {
            System.err.println("error: could not start: " + e.getMessage()
                    + (options.port() != 0 ? " (is port " + options.port() + " in use? try --port 0)" : ""));
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("Holdfast local environment stopping...");
            env.close();
            stopped.countDown();
        }, "local-shutdown"));
        out.println("Holdfast local environment ready in "
                + (System.currentTimeMillis() - jvmStart) + " ms since JVM start");
        out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(env.endpoints()));
        out.println("Get a token:  curl -s -XPOST " + env.apiBaseUrl()
                + "/local/token -d '{\"sub\":\"ops-1\",\"groups\":[\"admin\"]}'");
        out.println("Ops console:  " + env.apiBaseUrl() + "/ops/");
        out.println("Press Ctrl-C to stop.");
        stopped.await();
        return 0;
    }
}
