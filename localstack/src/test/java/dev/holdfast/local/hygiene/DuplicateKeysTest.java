package dev.holdfast.local.hygiene;

import dev.holdfast.local.LocalHoldfast;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.SharedEnvironment;
import dev.holdfast.local.testing.Signing;
import dev.holdfast.local.testing.Trading;
import dev.holdfast.resources.Access;
import dev.holdfast.resources.RouteDef;
import dev.holdfast.resources.Routes;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 14 #12: a body with a repeated key, at the top or nested, is {@code 400 VALIDATION_ERROR}
 * naming the key, on every route that takes a body; nothing is committed ("last wins" is gone).
 */
class DuplicateKeysTest {

    @Test
    void aRepeatedKeyIsA400NamingItOnEveryRoute() {
        LocalHoldfast env = SharedEnvironment.get();
        Trading trading = new Trading(env);
        Api api = trading.api();
        String admin = trading.admin();
        String marketId = trading.openMarket().path("marketId").asText();
        String admission = new Signing(env, api).admission("r-0", "c1");
        List<String> failures = new ArrayList<>();
        int probes = 0;
        for (RouteDef route : Routes.ALL) {
            if (route.method().equals("GET")) {
                continue;
            }
            String token = switch (route.access()) {
                case ADMISSION -> admission;
                case PUBLIC, LOCAL_ONLY -> null;
                default -> admin;
            };
            String path = route.path().replace("{marketId}", marketId).replaceAll("\\{[^}]+}", "probe");
            for (String[] body : List.of(new String[]{"{\"dupe\":\"1\",\"dupe\":\"2\"}", "dupe"},
                    new String[]{"{\"outer\":{\"inner\":1,\"inner\":2}}", "inner"},
                    new String[]{"{\"list\":[{\"k\":1,\"k\":1}]}", "k"})) {
                Api.Reply r = api.send(route.method(), path, token, body[0], "Content-Type", "application/json",
                        "Idempotency-Key", "dupe-key-" + probes, "If-Match", "1");
                probes++;
                if (r.status() != 400 || !"VALIDATION_ERROR".equals(r.code())
                        || !body[1].equals(r.json().path("error").path("details").path("field").asText())) {
                    failures.add(route.routeKey() + " " + body[0] + " -> " + r.status() + " " + r.raw());
                }
            }
        }
        assertEquals(List.of(), failures);
        org.junit.jupiter.api.Assertions.assertTrue(probes >= 42, "probed " + probes);
    }

    @Test
    void aRepeatedStakeIsRefusedNotLastWins() {
        LocalHoldfast env = SharedEnvironment.get();
        Trading trading = new Trading(env);
        JsonNode market = trading.openMarket();
        String user = trading.fundedUser("dupe-user-" + System.nanoTime(), "100000", "CASH");
        String body = Trading.orderBody(market, 0, "1000").replace("\"stake\":\"1000\"", "\"stake\":\"1000\",\"stake\":\"2000\"");
        Api.Reply r = trading.order(user, "dupe-stake", body);
        assertEquals(400, r.status(), r.raw());
        assertEquals("stake", r.json().path("error").path("details").path("field").asText(), r.raw());
        assertEquals("100000", trading.wallet(user).path("cash").asText());
    }
}
