package dev.holdfast.local.drill;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Progress of a running drill on the console: {@link #step} prints a line at once; in between, a
 * line every few seconds shows the drill's current status (whatever {@link #status} last set, or
 * a live counter given with {@link #live}), so a long phase never looks hung.
 */
public final class DrillProgress implements AutoCloseable {
    private final String drill;
    private final PrintStream out;
    private final long startedNanos = System.nanoTime();
    private final ScheduledExecutorService ticker;
    private volatile String phase = "starting";
    private volatile Supplier<String> live = () -> "";

    public DrillProgress(String drill, PrintStream out, long everyMillis) {
        this.drill = drill;
        this.out = out;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "drill-progress");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(this::tick, everyMillis, everyMillis, TimeUnit.MILLISECONDS);
    }

    /** A new phase: printed now, and repeated every few seconds with the live status (cleared). */
    public void step(String what) {
        phase = what;
        live = () -> "";
        line(what);
    }

    /** A new phase with its live status. */
    public void step(String what, Supplier<String> status) {
        step(what);
        live = status;
    }

    /** What the periodic line shows beside the phase, computed when it prints. */
    public void live(Supplier<String> status) {
        live = status;
    }

    /** A one-off note (printed now, not repeated). */
    public void note(String what) {
        line("  " + what);
    }

    public double elapsedSeconds() {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    private void tick() {
        String s;
        try {
            s = live.get();
        } catch (RuntimeException e) {
            s = "(status unavailable: " + e.getMessage() + ")";
        }
        line(phase + (s.isEmpty() ? "" : " | " + s));
    }

    private synchronized void line(String text) {
        out.printf(Locale.ROOT, "[drill %s %5.1fs] %s%n", drill, elapsedSeconds(), text);
        out.flush();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
