package dev.holdfast.local.drill;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./localstack/drill <name>|all [--small] [--sabotage] [--seed N]}: runs drills, each
 * against its own embedded environment, prints progress while they run and a pass/fail report of
 * every invariant with its numbers. Exit code 0 only if every invariant of every drill held; 1 if
 * any failed; 2 for bad arguments. The environment's own logs (one JSON line per request) go to
 * {@code localstack/target/drill/<name>.log}, not to the console.
 */
public final class DrillCommand {
    private DrillCommand() {}

    static final String USAGE = "usage: localstack/drill <" + String.join("|", Drills.names())
            + ">|all [--small] [--sabotage] [--seed N]\n"
            + "  --small     a scaled-down run (fewer users, shorter phases; the same checks)\n"
            + "  --sabotage  break each drill's invariant on purpose through a test hook: the report must FAIL\n"
            + "  --seed N    seed of the injected faults and the traffic mix (default 20261202)\n";

    public static void main(String[] args) throws Exception {
        PrintStream console = System.out;
        DrillSettings settings = DrillSettings.defaults();
        String which = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--small" -> settings = settings.withSmall(true);
                case "--sabotage" -> settings = settings.withSabotage(true);
                case "--seed" -> {
                    if (i + 1 >= args.length) {
                        usage("--seed needs a value");
                    }
                    settings = settings.withSeed(Long.parseLong(args[++i]));
                }
                case "-h", "--help" -> {
                    console.print(USAGE);
                    System.exit(0);
                }
                default -> {
                    if (which != null || args[i].startsWith("-")) {
                        usage("unexpected argument " + args[i]);
                    }
                    which = args[i];
                }
            }
        }
        if (which == null) {
            usage("which drill?");
        }
        List<Drill> drills;
        if (which.equals("all")) {
            drills = Drills.all(settings);
        } else {
            String name = which;
            drills = List.of(Drills.named(name, settings).orElseGet(() -> {
                usage("no drill named " + name);
                return null;
            }));
        }
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
        System.exit(allPassed ? 0 : 1);
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

    private static void usage(String problem) {
        System.err.println("error: " + problem);
        System.err.print(USAGE);
        System.exit(2);
    }
}
