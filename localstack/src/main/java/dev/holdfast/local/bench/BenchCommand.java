package dev.holdfast.local.bench;

import dev.holdfast.local.Cli;
import dev.holdfast.local.faithful.FaithfulDynamo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code ./localstack/bench <kind> [ARGS]}: benchmarks that print numbers (never timed tests), one
 * subcommand per kind; each starts its own embedded environment. Positional arguments keep the forms
 * the README shows ({@code ./localstack/bench hot-market 240 20 48}).
 */
@Command(name = "localstack/bench", mixinStandardHelpOptions = true, version = Cli.VERSION, usageHelpAutoWidth = true,
        description = "Benchmarks that print numbers; each starts its own embedded environment.",
        subcommands = {BenchCommand.All.class, BenchCommand.Startup.class, BenchCommand.Feed.class, BenchCommand.Orders.class,
                BenchCommand.HotMarket.class, BenchCommand.Settle.class, BenchCommand.Reconcile.class, BenchCommand.Enter.class,
                BenchCommand.Publish.class, BenchCommand.ColdStart.class})
public final class BenchCommand {
    private BenchCommand() {}

    public static void main(String[] args) {
        // always exit: DynamoDB Local leaves a non-daemon job thread behind after close
        System.exit(execute(args, System.out, System.err));
    }

    /** Parses {@code args} and runs the bench they name; the exit code. */
    public static int execute(String[] args, PrintStream out, PrintStream err) {
        return Cli.execute(new BenchCommand(), args, out, err);
    }

    /** A bench's command: its numeric arguments must be at least 1. */
    abstract static class Kind implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        int atLeastOne(int value, String label) {
            if (value < 1) {
                throw Cli.bad(spec, label + " must be at least 1, got " + value);
            }
            return value;
        }

        @Override
        public Integer call() throws Exception {
            run();
            return 0;
        }

        abstract void run() throws Exception;
    }

    @Command(name = "all", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = "every bench in turn, then report.json, report.md and order-latency.png (about 15 minutes)")
    static final class All extends Kind {
        @Parameters(index = "0", arity = "0..1", paramLabel = "OUT_DIR", defaultValue = "localstack/target/bench",
                description = "where the report goes")
        Path out;

        @Override
        void run() throws Exception {
            BenchReport.run(out);
        }
    }

    @Command(name = "startup", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = "JVM launch to the first GET /status answer, fresh JVM per run")
    static final class Startup extends Kind {
        @Parameters(index = "0", arity = "0..1", paramLabel = "RUNS", defaultValue = "5", description = "launches")
        int runs;

        @Override
        void run() throws Exception {
            StartupBench.run(atLeastOne(runs, "RUNS"));
        }
    }

    @Command(name = "feed", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = "feed messages applied per second end to end; write units per price update")
    static final class Feed extends Kind {
        @Parameters(index = "0", arity = "0..1", paramLabel = "MARKETS", defaultValue = "20", description = "markets")
        int markets;
        @Parameters(index = "1", arity = "0..1", paramLabel = "MESSAGES_PER_MARKET", defaultValue = "50", description = "messages per market")
        int perMarket;

        @Override
        void run() throws Exception {
            FeedBench.run(atLeastOne(markets, "MARKETS"), atLeastOne(perMarket, "MESSAGES_PER_MARKET"));
        }
    }

    @Command(name = "orders", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = "accepted orders/s, p50/p99, round trips and write units per order vs the baseline")
    static final class Orders extends Kind {
        @Parameters(index = "0", arity = "0..1", paramLabel = "ORDERS", defaultValue = "1000", description = "orders")
        int orders;
        @Parameters(index = "1", arity = "0..1", paramLabel = "THREADS", defaultValue = "8", description = "client threads")
        int threads;

        @Override
        void run() throws Exception {
            OrderBench.run(atLeastOne(orders, "ORDERS"), atLeastOne(threads, "THREADS"));
        }
    }

    @Command(name = "hot-market", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = "AWS-faithful: broadcast (1 market) and spread (50) for today's order path vs the old one")
    static final class HotMarket extends Kind {
        @Parameters(index = "0", arity = "0..1", paramLabel = "USERS", defaultValue = "240", description = "funded users, one order in flight each")
        int users;
        @Parameters(index = "1", arity = "0..1", paramLabel = "SECONDS", defaultValue = "20", description = "seconds per phase")
        int seconds;
        @Parameters(index = "2", arity = "0..1", paramLabel = "THREADS", defaultValue = "48", description = "client threads")
        int threads;
        @Option(names = "--dilation", paramLabel = "F", description = "partition limits divided by F, holds multiplied by F")
        double dilation = FaithfulDynamo.Settings.DEFAULT_DILATION;
        @Option(names = "--hold-ms", paramLabel = "H", description = "a transaction holds its items H ms, AWS time")
        long hold = FaithfulDynamo.Settings.DEFAULT_HOLD_MILLIS;

        @Override
        void run() throws Exception {
            if (!(dilation > 0)) {
                throw Cli.bad(spec, "--dilation must be > 0, got " + dilation);
            }
            if (hold < 0) {
                throw Cli.bad(spec, "--hold-ms must be >= 0, got " + hold);
            }
            HotMarketBench.run(atLeastOne(users, "USERS"), atLeastOne(seconds, "SECONDS"), atLeastOne(threads, "THREADS"), dilation, hold);
        }
    }

    @Command(name = "settle", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = "orders settled per second by one settlement invocation; write units per order")
    static final class Settle extends Kind {
        @Parameters(index = "0", arity = "0..1", paramLabel = "ORDERS", defaultValue = "2000", description = "orders to settle")
        int orders;

        @Override
        void run() throws Exception {
            SettleBench.run(atLeastOne(orders, "ORDERS"));
        }
    }

    @Command(name = "reconcile", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = "time of ./localstack/reconcile's run for N accounts and M orders")
    static final class Reconcile extends Kind {
        @Parameters(index = "0", arity = "0..1", paramLabel = "ACCOUNTS", defaultValue = "500", description = "accounts")
        int accounts;
        @Parameters(index = "1", arity = "0..1", paramLabel = "ORDERS", defaultValue = "5000", description = "orders")
        int orders;

        @Override
        void run() throws Exception {
            ReconcileBench.run(atLeastOne(accounts, "ACCOUNTS"), atLeastOne(orders, "ORDERS"));
        }
    }

    @Command(name = "enter", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = "waiting-room enters/s over HTTP; write units and round trips per enter; partition ceiling per cohort")
    static final class Enter extends Kind {
        @Parameters(index = "0", arity = "0..1", paramLabel = "DEVICES", defaultValue = "5000", description = "devices entering")
        int devices;
        @Parameters(index = "1", arity = "0..1", paramLabel = "THREADS", defaultValue = "16", description = "client threads")
        int threads;

        @Override
        void run() throws Exception {
            EnterBench.run(atLeastOne(devices, "DEVICES"), atLeastOne(threads, "THREADS"));
        }
    }

    @Command(name = "publish", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = "WebSocket clients on live markets while the feed publishes: feed → client p50/p99, lost, out of order")
    static final class Publish extends Kind {
        @Parameters(index = "0", arity = "0..1", paramLabel = "CLIENTS", defaultValue = "1000", description = "WebSocket clients")
        int clients;
        @Parameters(index = "1", arity = "0..1", paramLabel = "MARKETS_PER_CLIENT", defaultValue = "4", description = "subscriptions per client")
        int perClient;
        @Parameters(index = "2", arity = "0..1", paramLabel = "UPDATES_PER_SECOND", defaultValue = "20", description = "feed updates per second")
        int rate;
        @Parameters(index = "3", arity = "0..1", paramLabel = "SECONDS", defaultValue = "20", description = "seconds of publishing")
        int seconds;

        @Override
        void run() throws Exception {
            PublishBench.run(atLeastOne(clients, "CLIENTS"), atLeastOne(perClient, "MARKETS_PER_CLIENT"),
                    atLeastOne(rate, "UPDATES_PER_SECOND"), atLeastOne(seconds, "SECONDS"));
        }
    }

    @Command(name = "coldstart", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = "per function: fresh JVM, functions jar only, launch to first handled event vs a minimal handler")
    static final class ColdStart extends Kind {
        @Option(names = "--flags", description = "compare JIT/CDS settings on the orders function and the minimal handler instead")
        boolean flags;
        @Parameters(index = "0", arity = "0..1", paramLabel = "RUNS", defaultValue = "5", description = "plain launches per function")
        int runs;
        @Parameters(index = "1", arity = "0..1", paramLabel = "PRIMED_RUNS", description = "primed launches per function (default: RUNS)")
        Integer primedRuns;

        @Override
        void run() throws Exception {
            if (flags && primedRuns != null) {
                throw Cli.bad(spec, "--flags takes only RUNS");
            }
            int primed = primedRuns == null ? runs : primedRuns;
            if (primed < 0) {
                throw Cli.bad(spec, "PRIMED_RUNS must be at least 0, got " + primed);
            }
            ColdStartBench.run(flags, atLeastOne(runs, "RUNS"), flags ? 0 : primed);
        }
    }
}
