package dev.holdfast.local.bench;

import dev.holdfast.local.faithful.FaithfulDynamo;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every performance figure in one run: each bench in turn (its own embedded environment), then
 * one report — {@code report.json}, {@code report.md} (figures side by side with their baselines)
 * and {@code order-latency.png} — in {@code localstack/target/bench/} (or the folder given).
 *
 * <p>Usage: {@code localstack/bench all [OUT_DIR]}.
 */
public final class BenchReport {
    private BenchReport() {}

    /** Every bench, then the report in {@code out}. */
    public static void run(Path out) throws Exception {
        long t0 = System.nanoTime();
        step("startup", () -> StartupBench.run(3));
        step("feed", () -> FeedBench.run(20, 50));
        step("orders", () -> OrderBench.run(1000, 8));
        step("hot-market", () -> HotMarketBench.run(240, 15, 48, FaithfulDynamo.Settings.DEFAULT_DILATION, FaithfulDynamo.Settings.DEFAULT_HOLD_MILLIS));
        step("settlement", () -> SettleBench.run(2000));
        step("reconcile", () -> ReconcileBench.run(200, 2000));
        // a fresh JVM per function and run (3 plain, 1 primed), then JIT/CDS settings on orders: ~3 minutes
        step("coldstart", () -> ColdStartBench.run(false, 3, 1));
        step("coldstart-flags", () -> ColdStartBench.run(true, 3, 0));
        step("enter", () -> EnterBench.run(5000, 16));
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
