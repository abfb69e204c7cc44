package dev.holdfast.local.hygiene;

import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.SharedEnvironment;
import dev.holdfast.resources.RouteDef;
import dev.holdfast.resources.Routes;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The contract's promise that no input, however malformed, gets a 5xx: every route, with an admin
 * token and an idempotency key, fed bodies, ids and query strings that are broken in every way we
 * could think of, answers with a 4xx and the error shape.
 */
class MalformedInputTest {
    static final List<String> BODIES = List.of("{", "[]", "null", "\"x\"", "42", "{\"a\":", "{}",
            "[".repeat(5000) + "]".repeat(5000), "{\"stake\":1e999999}", "{\"marketId\":{\"$ne\":1}}",
            "{\"mode\":\"\\u0000\"}", "\uFFFF\uD800", "{\"amount\":\"999999999999999999999999\"}");
    static final List<String> IDS = List.of("probe", "%00", "..%2F..", "x".repeat(1000), "%F0%9F%92%A5", "0");

    @Test
    void noMalformedInputGetsA5xx() {
        Api api = new Api(SharedEnvironment.get().apiBaseUrl());
        String admin = api.token("fuzz-admin", "admin");
        List<String> failures = new ArrayList<>();
        for (RouteDef route : Routes.ALL) {
            boolean get = route.method().equals("GET");
            // every broken body on the route as it is
            for (String body : get ? List.of("") : BODIES) {
                probe(api, admin, route, route.path().replaceAll("\\{[^}]+}", "probe"), body, failures);
            }
            // every broken id and query string with a plain body
            for (String id : IDS) {
                for (String query : List.of("", "?limit=-1&cursor=%25%25%7B", "?scope=GLOBAL&id=&state=OPEN&cursor=AAAA")) {
                    probe(api, admin, route, route.path().replaceAll("\\{[^}]+}", id) + query, get ? "" : "{}", failures);
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    private static void probe(Api api, String token, RouteDef route, String path, String body, List<String> failures) {
        Api.Reply r = api.send(route.method(), path, token, body.isEmpty() ? null : body,
                "Idempotency-Key", "fuzz-key", "If-Match", "1");
        if (r.status() >= 500 || r.status() < 200) {
            failures.add(route.routeKey() + " " + path + " " + body.length() + "b -> " + r.status() + " " + r.raw());
        } else if (r.status() >= 400) {
            assertNotNull(r.code(), route.routeKey() + " error shape: " + r.raw());
        }
    }
}
