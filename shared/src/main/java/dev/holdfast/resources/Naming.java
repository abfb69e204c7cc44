package dev.holdfast.resources;

import java.util.regex.Pattern;

/**
 * Physical names from a stage. {@code prod} and the local environment use the bare
 * {@code holdfast-} prefix, so the contract's {@code holdfast-feed.fifo} is the real queue name;
 * every other stage gets {@code holdfast-<stage>-}.
 */
public final class Naming {
    private Naming() {}

    public static final String LOCAL_STAGE = "local";
    /** Every function's environment variable naming its stage (logs and metrics carry it). */
    public static final String STAGE_VARIABLE = "HOLDFAST_STAGE";
    private static final Pattern STAGE = Pattern.compile("[a-z][a-z0-9]{0,11}");

    public static String prefixFor(String stage) {
        if (!STAGE.matcher(stage).matches()) {
            throw new IllegalArgumentException("stage must match " + STAGE + ": " + stage);
        }
        return stage.equals("prod") || stage.equals(LOCAL_STAGE) ? "holdfast-" : "holdfast-" + stage + "-";
    }

    public static String tableName(String stage, TableDef table) {
        return prefixFor(stage) + table.id();
    }
}
