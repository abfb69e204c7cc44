package dev.holdfast.local.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.holdfast.api.Json;

import java.io.IOException;
import java.net.URI;
import dev.holdfast.local.drill.Exchange;
import dev.holdfast.local.drill.ModeBound;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * A real HTTP client for the API under test. Every exchange is checked against docs/openapi.yaml
 * ({@link ContractCheck}): a response that differs from its operation fails the test that got it.
 */
public final class Api {
    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public Api(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** One answer: status, headers, and the body parsed as JSON (or null). */
    public record Reply(int status, Map<String, java.util.List<String>> headers, String raw, JsonNode json) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        public String code() {
            return json.path("error").path("code").asText(null);
        }
    }

    public Reply get(String path, String token) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET(), token, null);
    }

    public Reply post(String path, String token, String body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)), token, body);
    }

    public Reply send(String method, String path, String token, String body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)), token, body);
    }

    /** A request with extra headers, given as name, value pairs. */
    public Reply send(String method, String path, String token, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b, token, body);
    }

    private Reply send(HttpRequest.Builder b, String token, String body) {
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            HttpRequest req = b.timeout(Duration.ofSeconds(30)).build();
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200 && "POST".equals(req.method()) && req.uri().getPath().endsWith("/admin/maintenance")) {
                ModeBound.await(); // the contract lets a mode change bind within a bound: wait it out
            }
            ContractCheck.get().check(new Exchange(req.method(), req.uri(), req.headers().map(), body,
                    r.statusCode(), r.headers().map(), r.body(), 0, false));
            JsonNode json;
            try {
                json = r.body().isEmpty() ? NullNode.getInstance() : Json.parse(r.body());
            } catch (IOException e) {
                json = NullNode.getInstance();
            }
            return new Reply(r.statusCode(), r.headers().map(), r.body(), json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A token from the local environment's {@code POST /local/token}. */
    public String token(String sub, String... groups) {
        StringBuilder g = new StringBuilder("[");
        for (String group : groups) {
            g.append(g.length() > 1 ? "," : "").append('"').append(group).append('"');
        }
        Reply r = post("/local/token", null, "{\"sub\":\"" + sub + "\",\"groups\":" + g + "]}");
        if (r.status() != 200) {
            throw new IllegalStateException("no token: " + r.raw());
        }
        return r.json().path("token").asText();
    }
}
