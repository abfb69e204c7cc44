package dev.holdfast.local.drill;

import dev.holdfast.local.Cli;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ./localstack/drill <name>|all [--small] [--sabotage] [--seed N]}: runs drills, each
 * against its own embedded environment, prints progress while they run and a pass/fail report of
 * every invariant with its numbers. Exit code 0 only if every invariant of every drill held; 1 if
 * any failed; 2 for bad arguments. The environment's own logs (one JSON line per request) go to
 * {@code localstack/target/drill/<name>.log}, not to the console.
 */
public final class DrillCommand {
    private DrillCommand() {}

    /** {@code localstack/drill}: one subcommand per drill, and {@code all}. */
    @Command(name = "localstack/drill", mixinStandardHelpOptions = true, version = Cli.VERSION, usageHelpAutoWidth = true,
            description = "Incident drills, each against an embedded environment it starts itself: progress while they run, "
                    + "then a pass/fail report of every invariant with its numbers.",
            exitCodeListHeading = "Exit status:%n",
            exitCodeList = {"0:every invariant of every drill held", "1:an invariant failed", "2:bad arguments"})
    static final class Root {
    }

    /** One drill by name, or {@code all}, with the settings every drill takes. */
    @Command(mixinStandardHelpOptions = true, usageHelpAutoWidth = true, showDefaultValues = true)
    static final class Run implements Callable<Integer> {
        private final String which;
        private final PrintStream console;

        @Option(names = "--small", description = "a scaled-down run (fewer users, shorter phases; the same checks)")
        boolean small;

        @Option(names = "--sabotage", description = "break each drill's invariant on purpose through a test hook: the report must FAIL")
        boolean sabotage;

        @Option(names = "--seed", paramLabel = "N", description = "seed of the injected faults and the traffic mix")
        long seed = DrillSettings.defaults().seed();

        Run(String which, PrintStream console) {
            this.which = which;
            this.console = console;
        }

        @Override
        public Integer call() throws IOException {
            DrillSettings settings = DrillSettings.defaults().withSmall(small).withSabotage(sabotage).withSeed(seed);
            List<Drill> drills = which.equals("all") ? Drills.all(settings) : List.of(Drills.named(which, settings).orElseThrow());
            return runAll(drills, settings, console) ? 0 : 1;
        }
    }

    /** The command line: a subcommand per drill ({@link Drills#names()}) and {@code all}. */
    public static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new Root());
        for (Drill d : Drills.all(DrillSettings.defaults())) {
            CommandLine sub = new CommandLine(new Run(d.name(), out));
            sub.getCommandSpec().usageMessage().description(d.story());
            cl.addSubcommand(d.name(), sub);
        }
        CommandLine all = new CommandLine(new Run("all", out));
        all.getCommandSpec().usageMessage().description("every drill above in turn");
        cl.addSubcommand("all", all);
        return Cli.commandLine(cl, out, err);
    }

    public static void main(String[] args) {
        System.exit(commandLine(System.out, System.err).execute(args));
    }

    /** Runs {@code drills} in turn, each logged to its own file, then prints the summary; whether all passed. */
    static boolean runAll(List<Drill> drills, DrillSettings settings, PrintStream console) throws IOException {
        Files.createDirectories(settings.workDir());
        List<DrillReport> reports = new ArrayList<>();
        for (Drill d : drills) {
            reports.add(runLogged(d, settings.workDir().resolve(d.name() + ".log"), console));
        }
        boolean allPassed = reports.stream().allMatch(DrillReport::passed);
        console.println();
        console.println("== drills" + (settings.sabotage() ? " (SABOTAGED on purpose)" : "") + " ==");
        for (DrillReport r : reports) {
            console.printf(Locale.ROOT, "  %-16s %s  %5.1f s  %d/%d invariants held%s%n", r.drill(), r.passed() ? "PASS" : "FAIL",
                    r.seconds(), r.checks().size() - r.failed().size(), r.checks().size(),
                    r.passed() ? "" : "; failed: " + String.join(", ", r.failed().stream().map(Check::invariant).toList()));
        }
        console.println(allPassed ? "ALL PASS" : "FAIL");
        console.flush();
        return allPassed;
    }

    /**
     * Runs one drill with the environment's logs (stdout and stderr of everything it starts) in
     * {@code log}, progress and the report on {@code console}. A drill that cannot run at all is
     * reported as one failed check.
     */
    public static DrillReport runLogged(Drill drill, Path log, PrintStream console) throws IOException {
        PrintStream out = System.out;
        PrintStream err = System.err;
        try (PrintStream logStream = new PrintStream(new FileOutputStream(log.toFile()), true)) {
            System.setOut(logStream);
            System.setErr(logStream);
            console.println();
            console.println("== drill " + drill.name() + ": " + drill.story());
            console.println("   (environment logs: " + log + ")");
            DrillReport r = run(drill, console);
            r.print(console);
            return r;
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** Runs one drill with progress on {@code console}; an exception becomes a failed check. */
    public static DrillReport run(Drill drill, PrintStream console) {
        long t0 = System.nanoTime();
        DrillReport r;
        try (DrillProgress progress = new DrillProgress(drill.name(), console, 3_000)) {
            try {
                r = drill.run(progress);
            } catch (Exception | AssertionError e) {
                r = new DrillReport(drill.name()).check("the drill ran to the end", false, "%s", e);
                e.printStackTrace(System.err);
            }
        }
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        if (load >= 0) {
            r.figure("machine", String.format(Locale.ROOT, "%d cores, load average %.1f at the end (latencies depend on it)",
                    Runtime.getRuntime().availableProcessors(), load));
        }
        return r.seconds((System.nanoTime() - t0) / 1e9);
    }
}
