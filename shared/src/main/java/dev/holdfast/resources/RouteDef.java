package dev.holdfast.resources;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.LinkedHashMap;

/**
 * One HTTP route: {@code method path}, who may call it and which function serves it. The path uses
 * API Gateway's template syntax ({@code /markets/{marketId}}).
 *
 * @param function the function that serves it, or {@code null} for {@link Access#LOCAL_ONLY}
 *                 routes served by the local environment itself
 */
public record RouteDef(String method, String path, Access access, FunctionDef function) {

    /** API Gateway's route key, e.g. {@code GET /markets/{marketId}}. */
    public String routeKey() {
        return method + " " + path;
    }

    public boolean deployed() {
        return access != Access.LOCAL_ONLY;
    }

    /** Path segments of the template. */
    private List<String> segments() {
        return split(path);
    }

    /**
     * Matches a concrete request path against this route's template.
     *
     * @return the path parameters when it matches
     */
    public Optional<Map<String, String>> match(String method, String requestPath) {
        if (!this.method.equals(method)) {
            return Optional.empty();
        }
        List<String> template = segments();
        List<String> actual = split(requestPath);
        if (template.size() != actual.size()) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < template.size(); i++) {
            String t = template.get(i);
            String a = actual.get(i);
            if (t.startsWith("{") && t.endsWith("}")) {
                if (a.isEmpty()) {
                    return Optional.empty();
                }
                params.put(t.substring(1, t.length() - 1), a);
            } else if (!t.equals(a)) {
                return Optional.empty();
            }
        }
        return Optional.of(params);
    }

    private static List<String> split(String p) {
        List<String> out = new ArrayList<>();
        for (String s : p.split("/", -1)) {
            out.add(s);
        }
        if (out.size() > 1 && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1); // a trailing slash is the same resource
        }
        return out;
    }
}
