package dev.holdfast.local.drill;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** What one drill found: every invariant checked with its numbers, plus figures worth printing. */
public final class DrillReport {
    private final String drill;
    private final List<Check> checks = new ArrayList<>();
    private final Map<String, String> figures = new LinkedHashMap<>();
    private double seconds;

    public DrillReport(String drill) {
        this.drill = drill;
    }

    public DrillReport check(Check c) {
        checks.add(c);
        return this;
    }

    public DrillReport check(String invariant, boolean passed, String format, Object... args) {
        return check(Check.of(invariant, passed, format, args));
    }

    /** A figure of the run that is not itself a verdict (traffic, durations, modes). */
    public DrillReport figure(String name, Object value) {
        figures.put(name, String.valueOf(value));
        return this;
    }

    DrillReport seconds(double s) {
        this.seconds = s;
        return this;
    }

    public String drill() {
        return drill;
    }

    public List<Check> checks() {
        return List.copyOf(checks);
    }

    public Map<String, String> figures() {
        return Map.copyOf(figures);
    }

    public double seconds() {
        return seconds;
    }

    /** True when at least one invariant was checked and every one held. */
    public boolean passed() {
        return !checks.isEmpty() && checks.stream().allMatch(Check::passed);
    }

    public List<Check> failed() {
        return checks.stream().filter(c -> !c.passed()).toList();
    }

    public Optional<Check> check(String invariant) {
        return checks.stream().filter(c -> c.invariant().equals(invariant)).findFirst();
    }

    public void print(PrintStream out) {
        out.printf(Locale.ROOT, "%n== drill %s: %s in %.1f s ==%n", drill, passed() ? "PASS" : "FAIL", seconds);
        for (Check c : checks) {
            out.printf(Locale.ROOT, "  %s  %s%n        %s%n", c.passed() ? "PASS" : "FAIL", c.invariant(), c.numbers());
        }
        if (!figures.isEmpty()) {
            out.println("  figures:");
            figures.forEach((k, v) -> out.printf(Locale.ROOT, "        %s: %s%n", k, v));
        }
    }
}
