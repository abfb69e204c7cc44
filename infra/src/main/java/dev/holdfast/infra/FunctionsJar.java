package dev.holdfast.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds the deployable jar the {@code functions} module shades: one jar for every function, the
 * handler string picks the class. The CDK CLI runs the app from {@code infra/}, an IDE or a test
 * may run it from the repository root, so both are searched; {@code -c functionsJar=<path>}
 * overrides the search.
 */
public final class FunctionsJar {
    private FunctionsJar() {}

    /** Context key whose value, if set, is the jar's path. */
    public static final String CONTEXT_KEY = "functionsJar";

    /**
     * The shade plugin's output. Its {@code finalName} ({@code holdfast-functions}) wins over the
     * {@code lambda} classifier, so this is the file name, not {@code holdfast-functions-lambda.jar}.
     */
    static final Path RELATIVE_PATH = Path.of("functions", "target", "holdfast-functions.jar");

    /**
     * The jar to deploy.
     *
     * @param contextValue the {@value #CONTEXT_KEY} context value, or {@code null}
     * @param workingDir   where the app runs: the repository root or {@code infra/}
     * @throws IllegalStateException when no jar exists (build it first)
     */
    public static Path resolve(Object contextValue, Path workingDir) {
        List<Path> candidates = contextValue != null
                ? List.of(workingDir.resolve(contextValue.toString()))
                : List.of(workingDir.resolve(RELATIVE_PATH), workingDir.resolve("..").resolve(RELATIVE_PATH));
        return candidates.stream()
                .map(p -> p.toAbsolutePath().normalize())
                .filter(Files::isRegularFile)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no functions jar at " + candidates
                        + "; build it with `./mvnw -pl functions -am package -DskipTests` from the repository root"));
    }
}
