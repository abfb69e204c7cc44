package dev.holdfast.resources;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every HTTP route of the contract ({@code ../shared/contract/api.md}) that Holdfast serves, with who
 * may call it and which function serves it. The CDK app creates exactly the deployed ones, the
 * local environment serves all of them, the handlers check the access from here, and a test checks
 * this table against the OpenAPI document.
 */
public final class Routes {
    private Routes() {}

    /** API Gateway's catch-all: unknown routes get the contract's {@code 404 NOT_FOUND}. */
    public static final String DEFAULT_ROUTE_KEY = "$default";
    /** The function serving {@link #DEFAULT_ROUTE_KEY}. */
    public static final FunctionDef DEFAULT_FUNCTION = Functions.PLATFORM;

    public static final List<RouteDef> ALL = List.of(
            new RouteDef("GET", "/status", Access.PUBLIC, Functions.PLATFORM),
            new RouteDef("POST", "/admin/maintenance", Access.ADMIN, Functions.PLATFORM),
            new RouteDef("GET", "/admin/audit", Access.ADMIN, Functions.PLATFORM),
            new RouteDef("POST", "/admin/surges", Access.ADMIN, Functions.PLATFORM),
            new RouteDef("GET", "/admin/surges", Access.ADMIN, Functions.PLATFORM),
            new RouteDef("DELETE", "/admin/surges/{surgeId}", Access.ADMIN, Functions.PLATFORM),
            new RouteDef("POST", "/admin/surges/{surgeId}/override", Access.ADMIN, Functions.PLATFORM),
            new RouteDef("POST", "/admin/events", Access.ADMIN, Functions.MARKETS),
            new RouteDef("POST", "/admin/markets", Access.ADMIN, Functions.MARKETS),
            new RouteDef("POST", "/admin/markets/{marketId}/state", Access.ADMIN, Functions.MARKETS),
            new RouteDef("GET", "/admin/markets/{marketId}/transitions", Access.ADMIN, Functions.MARKETS),
            new RouteDef("POST", "/admin/markets/{marketId}/result", Access.ADMIN, Functions.MARKETS),
            new RouteDef("GET", "/admin/markets/{marketId}/settlement", Access.ADMIN, Functions.MARKETS),
            new RouteDef("GET", "/admin/feed/quarantine", Access.ADMIN, Functions.MARKETS),
            new RouteDef("GET", "/admin/markets/{marketId}/feed", Access.ADMIN, Functions.MARKETS),
            new RouteDef("POST", "/admin/markets/{marketId}/feed/sequence", Access.ADMIN, Functions.MARKETS),
            new RouteDef("GET", "/admin/risk/config", Access.ADMIN, Functions.RISK),
            new RouteDef("PUT", "/admin/risk/config", Access.ADMIN, Functions.RISK),
            new RouteDef("GET", "/admin/risk/config/history", Access.ADMIN, Functions.RISK),
            new RouteDef("GET", "/admin/exposure", Access.ADMIN, Functions.RISK),
            new RouteDef("GET", "/admin/risk/flags", Access.ADMIN, Functions.RISK),
            new RouteDef("GET", "/admin/risk/lag", Access.ADMIN, Functions.RISK),
            new RouteDef("POST", "/orders", Access.USER, Functions.ORDERS),
            new RouteDef("GET", "/orders", Access.USER, Functions.ORDERS),
            new RouteDef("GET", "/orders/{orderId}", Access.USER, Functions.ORDERS),
            new RouteDef("GET", "/wallet", Access.USER, Functions.WALLET),
            new RouteDef("GET", "/wallet/ledger", Access.USER, Functions.WALLET),
            new RouteDef("POST", "/admin/accounts/{accountId}/credits", Access.ADMIN, Functions.WALLET),
            new RouteDef("GET", "/admin/accounts/{accountId}", Access.ADMIN, Functions.WALLET),
            new RouteDef("GET", "/admin/accounts/{accountId}/ledger", Access.ADMIN, Functions.WALLET),
            new RouteDef("GET", "/admin/withdrawals/{withdrawalId}", Access.ADMIN, Functions.WALLET),
            new RouteDef("POST", "/wallet/withdrawals", Access.USER, Functions.WALLET),
            new RouteDef("GET", "/wallet/withdrawals/{withdrawalId}", Access.USER, Functions.WALLET),
            new RouteDef("POST", "/admin/reconciliation/runs", Access.ADMIN, Functions.RECONCILIATION),
            new RouteDef("GET", "/admin/reconciliation/latest", Access.ADMIN, Functions.RECONCILIATION),
            new RouteDef("GET", "/markets", Access.USER, Functions.MARKETS),
            new RouteDef("GET", "/markets/{marketId}", Access.USER, Functions.MARKETS),
            new RouteDef("GET", "/markets/{marketId}/prices/{priceVersion}", Access.USER, Functions.MARKETS),
            new RouteDef("POST", "/admin/rollouts", Access.ADMIN, Functions.WAITING_ROOM),
            new RouteDef("GET", "/admin/rollouts/{rolloutId}", Access.ADMIN, Functions.WAITING_ROOM),
            new RouteDef("POST", "/waiting-room/enter", Access.PUBLIC, Functions.WAITING_ROOM),
            new RouteDef("GET", "/waiting-room/tickets/{ticketId}", Access.PUBLIC, Functions.WAITING_ROOM),
            new RouteDef("POST", "/signup", Access.ADMISSION, Functions.SIGNUP),
            new RouteDef("GET", "/signup/{signupId}", Access.PUBLIC, Functions.SIGNUP),
            new RouteDef("POST", "/local/token", Access.LOCAL_ONLY, null));

    /** The routes a deployed API has (everything but the local-only ones). */
    public static List<RouteDef> deployed() {
        return ALL.stream().filter(RouteDef::deployed).toList();
    }

    /** The route with this route key, e.g. {@code GET /status}. */
    public static Optional<RouteDef> byKey(String routeKey) {
        return ALL.stream().filter(r -> r.routeKey().equals(routeKey)).findFirst();
    }

    /** A route matched against a concrete request, with its path parameters. */
    public record Match(RouteDef route, Map<String, String> pathParameters) {}

    /**
     * The route serving a concrete request; literal segments win over parameters, as in API
     * Gateway ({@code /markets/open} before {@code /markets/{id}}).
     */
    public static Optional<Match> match(String method, String path) {
        Match best = null;
        int bestParams = Integer.MAX_VALUE;
        for (RouteDef r : ALL) {
            Optional<Map<String, String>> m = r.match(method, path);
            if (m.isPresent() && m.get().size() < bestParams) {
                best = new Match(r, m.get());
                bestParams = m.get().size();
            }
        }
        return Optional.ofNullable(best);
    }
}
