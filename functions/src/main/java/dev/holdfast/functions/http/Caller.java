package dev.holdfast.functions.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The verified identity of a request: {@code sub} and {@code cognito:groups}, read only from the
 * claims that API Gateway's JWT authorizer (or the local environment, acting as it) verified.
 */
public record Caller(String sub, Set<String> groups) {

    public static final String ADMIN_GROUP = dev.holdfast.resources.Access.ADMIN_GROUP;

    public boolean isAdmin() {
        return groups.contains(ADMIN_GROUP);
    }

    /**
     * Reads the caller from authorizer claims. API Gateway renders array claims as one string,
     * {@code "[admin ops]"}; a plain or comma-separated string is accepted too.
     */
    public static Caller fromClaims(Map<String, String> claims) {
        String sub = claims.get("sub");
        if (sub == null || sub.isBlank()) {
            return null;
        }
        return new Caller(sub, Set.copyOf(parseGroups(claims.get("cognito:groups"))));
    }

    static List<String> parseGroups(String raw) {
        List<String> out = new ArrayList<>();
        if (raw == null) {
            return out;
        }
        String s = raw.trim();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        for (String g : s.split("[,\\s]+")) {
            String t = g.trim();
            if (t.startsWith("\"") && t.endsWith("\"") && t.length() >= 2) {
                t = t.substring(1, t.length() - 1);
            }
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }
}
