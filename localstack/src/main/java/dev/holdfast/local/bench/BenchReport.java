package dev.holdfast.local.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every performance figure in one run: each bench in turn (its own embedded environment), then
 * one report — {@code report.json}, {@code report.md} (figures side by side with their baselines)
 * and {@code order-latency.png} — in {@code localstack/target/bench/} (or the folder given).
 *
 * <p>Usage: {@code localstack/bench all [OUT_DIR]}. Benches that come with other parts of the
 * platform (waiting-room enters) join the run when their classes exist.
 */
public final class BenchReport {
    private BenchReport() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "localstack/target/bench");
        long t0 = System.nanoTime();
        step("startup", () -> StartupBench.main(new String[]{"3"}));
        step("feed", () -> FeedBench.main(new String[]{"20", "50"}));
        step("orders", () -> OrderBench.main(new String[]{"1000", "8"}));
        step("hot-market", () -> HotMarketBench.main(new String[]{"240", "15", "48"}));
        step("settlement", () -> SettleBench.main(new String[]{"2000"}));
        step("reconcile", () -> ReconcileBench.main(new String[]{"200", "2000"}));
        // a fresh JVM per function and run (3 plain, 1 primed), then JIT/CDS settings on orders: ~3 minutes
        step("coldstart", () -> ColdStartBench.run(new String[]{"3", "1"}));
        step("coldstart-flags", () -> ColdStartBench.run(new String[]{"--flags", "3"}));
        for (String optional : new String[]{"dev.holdfast.local.bench.EnterBench"}) {
            try {
                Class<?> c = Class.forName(optional);
                step(c.getSimpleName(), () -> c.getMethod("main", String[].class).invoke(null, (Object) new String[0]));
            } catch (ClassNotFoundException absent) {
                System.out.println("[bench] " + optional + " is not part of this build; skipped");
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("machine", Runtime.getRuntime().availableProcessors() + " cores, " + Runtime.getRuntime().maxMemory() / (1 << 20)
                + " MiB max heap");
        env.put("java", System.getProperty("java.version"));
        env.put("dynamodb", "DynamoDB Local (in-process)");
        env.put("sqs", "ElasticMQ (in-process)");
        env.put("seconds", String.format(java.util.Locale.ROOT, "%.0f", (System.nanoTime() - t0) / 1e9));
        String md = BenchRecord.write(out, env);
        System.out.println();
        System.out.println(md);
        System.out.println("[bench] wrote " + out.resolve("report.json") + ", " + out.resolve("report.md") + ", "
                + out.resolve("order-latency.png"));
        System.exit(0); // DynamoDB Local leaves a non-daemon job thread behind after close
    }

    @FunctionalInterface
    interface Bench {
        void run() throws Exception;
    }

    private static void step(String name, Bench b) throws Exception {
        System.out.println();
        System.out.println("[bench] ===== " + name + " =====");
        long t = System.nanoTime();
        b.run();
        System.out.printf("[bench] %s took %.0f s%n", name, (System.nanoTime() - t) / 1e9);
    }
}
