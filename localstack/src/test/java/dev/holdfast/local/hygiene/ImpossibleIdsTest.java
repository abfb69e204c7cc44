package dev.holdfast.local.hygiene;

import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.SharedEnvironment;
import dev.holdfast.resources.RouteDef;
import dev.holdfast.resources.Routes;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 14 #1: every path id and id-like query parameter of every route has a bound and a charset.
 * An impossible id (2,042 characters, a space, an emoji, a '#') is the route's 404 (or a 400 naming
 * the field), never a 5xx, whatever the store would have made of it.
 */
class ImpossibleIdsTest {
    private static final Pattern PARAM = Pattern.compile("\\{([^}]+)}");
    static final Map<String, String> EXPECTED = Map.of(
            "marketId", "MARKET_NOT_FOUND", "orderId", "ORDER_NOT_FOUND", "withdrawalId", "WITHDRAWAL_NOT_FOUND",
            "rolloutId", "ROLLOUT_NOT_FOUND", "ticketId", "TICKET_NOT_FOUND", "signupId", "SIGNUP_NOT_FOUND",
            "accountId", "VALIDATION_ERROR", "priceVersion", "VALIDATION_ERROR");
    static final List<String> IMPOSSIBLE = List.of("m".repeat(2042), "m".repeat(129), "a%20b", "%F0%9F%92%A5",
            "a%23b", "a%00b", "%C3%A9t%C3%A9".repeat(40));

    @Test
    void everyImpossiblePathIdIsTheRoutesNotFound() {
        Api api = new Api(SharedEnvironment.get().apiBaseUrl());
        String admin = api.token("ids-admin", "admin");
        List<String> failures = new ArrayList<>();
        int probes = 0;
        for (RouteDef route : Routes.ALL) {
            List<String> params = new ArrayList<>();
            Matcher m = PARAM.matcher(route.path());
            while (m.find()) {
                params.add(m.group(1));
            }
            for (String param : params) {
                for (String id : IMPOSSIBLE) {
                    if (param.equals("accountId") && !id.startsWith("m") && !id.startsWith("a%2") && !id.startsWith("a%0")) {
                        continue; // an account id is any printable subject: only length, space, '#' and controls are impossible
                    }
                    String path = route.path();
                    for (String p : params) {
                        path = path.replace("{" + p + "}", p.equals(param) ? id : p.equals("priceVersion") ? "1" : "probe");
                    }
                    Api.Reply r = api.send(route.method(), path, admin, route.method().equals("GET") ? null : "{}",
                            "Idempotency-Key", "ids-key", "Content-Type", "application/json");
                    probes++;
                    String expected = EXPECTED.get(param);
                    int status = expected.equals("VALIDATION_ERROR") ? 400 : 404;
                    if (r.status() != status || !expected.equals(r.code())
                            || (status == 400 && !param.equals(r.json().path("error").path("details").path("field").asText()))) {
                        failures.add(route.routeKey() + " " + param + "=" + id.substring(0, Math.min(12, id.length()))
                                + "(" + id.length() + ") -> " + r.status() + " " + r.raw().substring(0, Math.min(200, r.raw().length())));
                    }
                    if (r.header("X-Request-Id") == null) {
                        failures.add(route.routeKey() + " no X-Request-Id");
                    }
                }
            }
        }
        assertEquals(List.of(), failures);
        org.junit.jupiter.api.Assertions.assertTrue(probes > 60, "probed " + probes);
    }

    @Test
    void everyOverlongOrImpossibleQueryIdIsA400NamingIt() {
        Api api = new Api(SharedEnvironment.get().apiBaseUrl());
        String admin = api.token("ids-admin", "admin");
        List<String> failures = new ArrayList<>();
        String longCursor = "A".repeat(3000);
        for (RouteDef route : Routes.ALL) {
            if (!route.method().equals("GET") || route.path().contains("{")) {
                continue;
            }
            Api.Reply r = api.get(route.path() + "?cursor=" + longCursor + "&scope=GLOBAL", admin);
            if (r.status() != 400 || !"cursor".equals(r.json().path("error").path("details").path("field").asText())) {
                failures.add(route.routeKey() + " cursor(3000) -> " + r.status() + " " + r.raw());
            }
        }
        for (String query : List.of("scope=USER&id=" + "u".repeat(2042), "scope=USER&id=a%20b",
                "scope=EVENT&id=e-1&selectionId=" + "s".repeat(2042), "scope=SEGMENT&id=%00")) {
            Api.Reply r = api.get("/admin/exposure?" + query, admin);
            String field = query.contains("selectionId") ? "selectionId" : "id";
            if (r.status() != 400 || !field.equals(r.json().path("error").path("details").path("field").asText())) {
                failures.add("/admin/exposure?" + query.substring(0, 30) + " -> " + r.status() + " " + r.raw());
            }
        }
        assertEquals(List.of(), failures);
    }
}
