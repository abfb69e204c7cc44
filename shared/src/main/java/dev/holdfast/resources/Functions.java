package dev.holdfast.resources;

import java.util.List;

/** Every Lambda function of Holdfast, defined once. */
public final class Functions {
    private Functions() {}

    /** Health, maintenance mode, audit trail, and the contract's 404 for unknown routes. */
    public static final FunctionDef PLATFORM = new FunctionDef("platform",
            "dev.holdfast.functions.platform.PlatformApi", 1024, 10,
            List.of(Tables.PLATFORM, Tables.AUDIT), List.of(Tables.PLATFORM, Tables.AUDIT), List.of());

    public static final List<FunctionDef> ALL = List.of(PLATFORM);

    /** The function with this id. */
    public static FunctionDef byId(String id) {
        return ALL.stream().filter(f -> f.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no function " + id));
    }
}
