package dev.holdfast.local.conventions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.SharedEnvironment;
import dev.holdfast.resources.Access;
import dev.holdfast.resources.RouteDef;
import dev.holdfast.resources.Routes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The OpenAPI document in docs/ and the routes actually served must be the same set. */
class OpenApiContractTest {
    static final Path DOCUMENT = Path.of("..", "docs", "openapi.yaml");
    private static JsonNode openapi;

    @BeforeAll
    static void read() throws IOException {
        openapi = new ObjectMapper(new YAMLFactory()).readTree(DOCUMENT.toFile());
    }

    /** route key → local-only flag, from the document. */
    private static Map<String, Boolean> documented() {
        Map<String, Boolean> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = openapi.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> p = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = p.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                out.put(op.getKey().toUpperCase(Locale.ROOT) + " " + p.getKey(),
                        op.getValue().path("x-holdfast-local-only").asBoolean(false));
            }
        }
        return out;
    }

    @Test
    void documentAndRouteTableAgree() {
        Map<String, Boolean> served = new TreeMap<>();
        for (RouteDef r : Routes.ALL) {
            served.put(r.routeKey(), r.access() == Access.LOCAL_ONLY);
        }
        assertEquals(documented(), served, "docs/openapi.yaml and Routes differ");
    }

    /**
     * USER and ADMIN routes carry the {@code bearer} scheme (API Gateway's JWT authorizer), ADMISSION
     * routes the {@code admissionToken} scheme (checked by the function), the others none.
     */
    @Test
    void documentedSecurityMatchesAccess() {
        Map<String, String> wrong = new TreeMap<>();
        for (RouteDef r : Routes.ALL) {
            JsonNode op = openapi.path("paths").path(r.path()).path(r.method().toLowerCase(Locale.ROOT));
            String expected = r.access().needsToken() ? "[{\"bearer\":[]}]"
                    : r.access() == Access.ADMISSION ? "[{\"admissionToken\":[]}]" : null;
            String documented = op.has("security") ? op.get("security").toString() : null;
            if (!java.util.Objects.equals(expected, documented)) {
                wrong.put(r.routeKey(), "expected " + expected + ", documented " + documented);
            }
        }
        assertEquals(Map.of(), wrong, "security of each route");
    }

    @Test
    void everyDocumentedRouteIsServedOverHttp() {
        var env = SharedEnvironment.get();
        Api api = new Api(env.apiBaseUrl());
        String admin = api.token("openapi-probe", "admin");
        for (String key : documented().keySet()) {
            String method = key.substring(0, key.indexOf(' '));
            String path = key.substring(key.indexOf(' ') + 1).replaceAll("\\{[^}]+}", "probe-id");
            Api.Reply r = api.send(method, path, admin, method.equals("GET") ? null : "{\"probe\":true}");
            assertNotEquals("NOT_FOUND", r.code(), key + " is documented but not served: " + r.raw());
        }
    }
}
