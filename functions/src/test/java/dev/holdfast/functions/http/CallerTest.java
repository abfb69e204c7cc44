package dev.holdfast.functions.http;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CallerTest {
    @Test
    void readsApiGatewaysRenderingOfArrayClaims() {
        assertEquals(List.of("admin", "ops"), Caller.parseGroups("[admin ops]"));
        assertEquals(List.of("admin", "ops"), Caller.parseGroups("[admin, ops]"));
        assertEquals(List.of("admin"), Caller.parseGroups("admin"));
        assertEquals(List.of("a", "b"), Caller.parseGroups("[\"a\",\"b\"]"));
        assertEquals(List.of(), Caller.parseGroups("[]"));
        assertEquals(List.of(), Caller.parseGroups(null));
    }

    @Test
    void adminOnlyWithTheExactGroup() {
        assertTrue(Caller.fromClaims(Map.of("sub", "u", "cognito:groups", "[admin]")).isAdmin());
        assertFalse(Caller.fromClaims(Map.of("sub", "u", "cognito:groups", "[administrators]")).isAdmin());
        assertFalse(Caller.fromClaims(Map.of("sub", "u")).isAdmin());
        assertNull(Caller.fromClaims(Map.of("cognito:groups", "[admin]")), "no sub, no caller");
    }
}
