package dev.holdfast.local.environment;

import dev.holdfast.local.Cli;
import dev.holdfast.local.LocalOptions;
import dev.holdfast.local.ReconcileCommand;
import dev.holdfast.local.RunCommand;

import dev.holdfast.local.bench.BenchCommand;
import dev.holdfast.local.capacity.CapacityCommand;
import dev.holdfast.local.drill.DrillCommand;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command under {@code localstack/} behaves like a tool: {@code --help} prints its usage and
 * exits 0; a bad argument prints ONE line naming the problem and exits 2, never a stack trace.
 * The mains run in-process; none of these arguments starts an environment.
 */
class CommandLineTest {
    /** One run of a command: its exit code, stdout and stderr. */
    record Outcome(int code, String out, String err) {
        List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    interface Command {
        int run(String[] args, PrintStream out, PrintStream err);
    }

    static final Command RUN = (args, out, err) -> Cli.execute(new RunCommand(), args, out, err);
    static final Command BENCH = BenchCommand::execute;
    static final Command DRILL = (args, out, err) -> DrillCommand.commandLine(out, err).execute(args);
    static final Command CAPACITY = CapacityCommand::execute;
    static final Command RECONCILE = ReconcileCommand::run;

    static Outcome run(Command c, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = c.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static void assertHelp(Outcome o, String usage, String... mentions) {
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().startsWith("Usage: " + usage), o.out());
        for (String m : mentions) {
            assertTrue(o.out().contains(m), m + " missing from:\n" + o.out());
        }
        assertEquals("", o.err());
    }

    static void assertBadArgument(Outcome o, String command, String problem) {
        assertEquals(2, o.code(), o.out() + o.err());
        assertEquals(1, o.errLines().size(), "one line:\n" + o.err());
        String line = o.errLines().get(0);
        assertTrue(line.startsWith(command + ": "), line);
        assertTrue(line.contains(problem), line);
        assertTrue(line.endsWith("(see " + command + " --help)"), line);
        assertFalse(o.err().contains("Exception") || o.err().contains("\tat "), o.err());
        assertEquals("", o.out());
    }

    @Test
    void run() {
        assertHelp(run(RUN, "--help"), "localstack/run", "--port", "--endpoints-file", "--data-dir", "--aws-endpoint",
                "--time-scale", "--bank-url", "--aws-faithful", "--dilation", "--hold-ms");
        assertHelp(run(RUN, "-h"), "localstack/run");
        assertBadArgument(run(RUN, "--port", "eighty"), "localstack/run", "'eighty'");
        assertBadArgument(run(RUN, "--port", "70000"), "localstack/run", "--port must be 0..65535");
        assertBadArgument(run(RUN, "--port"), "localstack/run", "--port");
        assertBadArgument(run(RUN, "--time-scale", "2"), "localstack/run", "--time-scale must be in (0, 1]");
        assertBadArgument(run(RUN, "--aws-faithful", "--dilation", "0"), "localstack/run", "--dilation must be > 0");
        assertBadArgument(run(RUN, "--nope"), "localstack/run", "--nope");
    }

    @Test
    void runKeepsEveryArgumentForm() {
        LocalOptions o = LocalOptions.parse(new String[]{"--aws-faithful", "--dilation", "10", "--hold-ms", "4", "--port", "0",
                "--endpoints-file", "e.json", "--data-dir", "d", "--time-scale", "0.5", "--bank-url", "http://127.0.0.1:1",
                "--aws-endpoint", "http://localhost:4566"});
        assertTrue(o.awsFaithful());
        assertEquals(10, o.dilation());
        assertEquals(4, o.holdMillis());
        assertEquals(0, o.port());
        assertEquals(0.5, o.timeScale());
        assertEquals("http://localhost:4566", o.awsEndpoint().toString());
    }

    @Test
    void bench() {
        assertHelp(run(BENCH, "--help"), "localstack/bench", "all", "startup", "feed", "orders", "hot-market", "settle",
                "reconcile", "enter", "publish", "coldstart");
        assertHelp(run(BENCH, "hot-market", "--help"), "localstack/bench hot-market", "USERS", "SECONDS", "THREADS",
                "--dilation", "--hold-ms");
        assertHelp(run(BENCH, "coldstart", "--help"), "localstack/bench coldstart", "--flags", "RUNS", "PRIMED_RUNS");
        assertBadArgument(run(BENCH), "localstack/bench", "Missing required subcommand");
        assertBadArgument(run(BENCH, "nope"), "localstack/bench", "'nope'");
        assertBadArgument(run(BENCH, "hot-market", "many"), "localstack/bench hot-market", "'many'");
        assertBadArgument(run(BENCH, "hot-market", "240", "20", "48", "--dilation", "0"), "localstack/bench hot-market",
                "--dilation must be > 0");
        assertBadArgument(run(BENCH, "orders", "0"), "localstack/bench orders", "ORDERS must be at least 1");
        assertBadArgument(run(BENCH, "orders", "1", "2", "3"), "localstack/bench orders", "'3'");
        assertBadArgument(run(BENCH, "coldstart", "--flags", "3", "1"), "localstack/bench coldstart", "--flags takes only RUNS");
    }

    @Test
    void drill() {
        assertHelp(run(DRILL, "--help"), "localstack/drill", "broadcast-surge", "upgrade-rollback", "listing-spike", "feed-lag",
                "signup-surge", "crash", "all");
        assertHelp(run(DRILL, "crash", "--help"), "localstack/drill crash", "--small", "--sabotage", "--seed");
        assertBadArgument(run(DRILL), "localstack/drill", "Missing required subcommand");
        assertBadArgument(run(DRILL, "earthquake"), "localstack/drill", "'earthquake'");
        assertBadArgument(run(DRILL, "all", "--seed", "x"), "localstack/drill all", "'x'");
        assertBadArgument(run(DRILL, "crash", "--fast"), "localstack/drill crash", "--fast");
    }

    @Test
    void capacity() {
        assertHelp(run(CAPACITY, "--help"), "localstack/capacity", "--members", "--cohorts", "--cohort-gap-minutes",
                "--sqs-high-throughput");
        assertBadArgument(run(CAPACITY, "--members", "lots"), "localstack/capacity", "'lots'");
        assertBadArgument(run(CAPACITY, "--cohorts", "0"), "localstack/capacity", "");
        assertBadArgument(run(CAPACITY, "--table-wcu", "-1"), "localstack/capacity", "must be positive");
        // the pre-scaling plan, a subcommand read the same way
        assertHelp(run(CAPACITY, "plan", "--help"), "localstack/capacity plan", "--starts-at", "--ends-at", "--enters-per-second");
        assertBadArgument(run(CAPACITY, "plan", "--ends-at", "2026-12-20T11:30:00Z"), "localstack/capacity plan", "--starts-at");
        assertBadArgument(run(CAPACITY, "plan", "--starts-at", "soon", "--ends-at", "2026-12-20T11:30:00Z"),
                "localstack/capacity plan", "'soon'");
        Outcome plan = run(CAPACITY, "plan", "--enters-per-second", "300", "--starts-at", "2026-12-20T09:00:00Z",
                "--ends-at", "2026-12-20T11:30:00Z");
        assertEquals(0, plan.code(), plan.err());
        assertTrue(plan.out().contains("PutProvisionedConcurrencyConfig"), plan.out());
    }

    @Test
    void reconcile() {
        assertHelp(run(RECONCILE, "--help"), "localstack/reconcile", "--endpoints-file", "--segments", "Exit status");
        assertBadArgument(run(RECONCILE, "--segments", "0"), "localstack/reconcile", "--segments must be 1 to 64");
        assertBadArgument(run(RECONCILE, "--segments", "x"), "localstack/reconcile", "'x'");
        assertBadArgument(run(RECONCILE, "--endpoints"), "localstack/reconcile", "--endpoints");
    }
}
