package dev.holdfast.local.drill;

import java.nio.file.Path;

/**
 * How a drill runs.
 *
 * @param small    a scaled-down run (for the test suite): fewer users and shorter phases, the same checks
 * @param sabotage break the drill's invariant on purpose through a test hook (never a production
 *                 code path), to show that the drill notices: the report must then FAIL
 * @param workDir  where a drill may keep files (data folders), under {@code localstack/target/drill}
 * @param seed     seed of every random choice (fault injection, traffic mix), printed in the report
 */
public record DrillSettings(boolean small, boolean sabotage, Path workDir, long seed) {

    public static DrillSettings defaults() {
        return new DrillSettings(false, false, Path.of("localstack/target/drill"), 20261202L);
    }

    public DrillSettings withSmall(boolean s) {
        return new DrillSettings(s, sabotage, workDir, seed);
    }

    public DrillSettings withSabotage(boolean s) {
        return new DrillSettings(small, s, workDir, seed);
    }

    public DrillSettings withWorkDir(Path d) {
        return new DrillSettings(small, sabotage, d, seed);
    }

    public DrillSettings withSeed(long s) {
        return new DrillSettings(small, sabotage, workDir, s);
    }

    /** {@code full} at full scale, {@code small} in a small run. */
    public int scaled(int full, int small) {
        return this.small ? small : full;
    }
}
