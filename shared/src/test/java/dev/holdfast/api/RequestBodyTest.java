package dev.holdfast.api;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RequestBodyTest {
    enum Colour { RED, GREEN }

    private static String field(Runnable r) {
        ApiError e = assertThrows(ApiError.class, r::run);
        assertEquals(ErrorCode.VALIDATION_ERROR, e.code());
        return e.details().path("field").asText();
    }

    @Test
    void namesTheOffendingField() {
        assertEquals("body", field(() -> RequestBody.parse(null)));
        assertEquals("body", field(() -> RequestBody.parse("")));
        assertEquals("body", field(() -> RequestBody.parse("{")));
        assertEquals("body", field(() -> RequestBody.parse("[]")));
        assertEquals("body", field(() -> RequestBody.parse("{} {}")));
        assertEquals("x", field(() -> RequestBody.parse("{\"x\":1}").allowOnly(Set.of("y"))));
        assertEquals("c", field(() -> RequestBody.parse("{}").requiredEnum("c", Colour.class)));
        assertEquals("c", field(() -> RequestBody.parse("{\"c\":\"red\"}").requiredEnum("c", Colour.class)));
        assertEquals("s", field(() -> RequestBody.parse("{\"s\":\"abcd\"}").requiredString("s", 3)));
        assertEquals("n", field(() -> RequestBody.parse("{\"n\":1.5}").optionalLong("n", 0, 10)));
        assertEquals("n", field(() -> RequestBody.parse("{\"n\":99999999999999999999}").optionalLong("n", 0, 10)));
        assertEquals(Colour.RED, RequestBody.parse("{\"c\":\"RED\"}").requiredEnum("c", Colour.class));
    }

    @Property(tries = 2000)
    void anyTextIsEitherAnObjectOrAValidationError(@ForAll String text) {
        try {
            RequestBody b = RequestBody.parse(text);
            b.optionalString("mode", 10);
        } catch (ApiError e) {
            assertEquals(ErrorCode.VALIDATION_ERROR, e.code());
        }
    }

    @Property(tries = 500)
    void anyJsonValueForAStringFieldIsAcceptedOrRefusedCleanly(@ForAll("values") String value) {
        try {
            RequestBody.parse("{\"mode\":" + value + "}").requiredEnum("mode", Colour.class);
        } catch (ApiError e) {
            assertEquals("mode", e.details().path("field").asText());
        }
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> values() {
        return net.jqwik.api.Arbitraries.of("null", "1", "-1e400", "true", "[]", "{}", "\"\"", "\"RED\"", "\"GREEN \"",
                "\"\\u0000\"", "12345678901234567890123456789012345678901234567890");
    }
}
