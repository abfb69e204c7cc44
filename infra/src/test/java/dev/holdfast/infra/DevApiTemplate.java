package dev.holdfast.infra;

import dev.holdfast.resources.Functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.provider.Arguments;
import software.amazon.awscdk.assertions.Template;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The fixture of the test classes that read the API stack of the shared dev synth ({@link DevStage}):
 * its template, a {@link TemplateLookup} on it, and every function as a named argument.
 */
abstract class DevApiTemplate {
    static Template template;
    static TemplateLookup lookup;

    @BeforeAll
    static void synth() {
        template = DevStage.api();
        lookup = new TemplateLookup(template);
    }

    /** {@link Functions#ALL}, each named by its id: {@code @MethodSource("functions")}. */
    static Stream<Arguments> functions() {
        return Functions.ALL.stream().map(f -> arguments(named(f.id(), f)));
    }
}
