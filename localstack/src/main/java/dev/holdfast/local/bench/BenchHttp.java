package dev.holdfast.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.api.Json;
import dev.holdfast.local.LocalHoldfast;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The benchmarks' setup calls to the local API (what they measure is in-process or through SQS). */
final class BenchHttp {
    private final HttpClient http = HttpClient.newHttpClient();
    private final LocalHoldfast env;

    BenchHttp(LocalHoldfast env) {
        this.env = env;
    }

    /** An admin token from the local environment. */
    String adminToken() throws Exception {
        return send("POST", "/local/token", null, "{\"sub\":\"bench\",\"groups\":[\"admin\"]}").path("token").asText();
    }

    JsonNode send(String method, String path, String token, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(env.apiBaseUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpRequest req = b.build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        // a busy platform (503, e.g. a throttled partition in the AWS-faithful mode) commits nothing: set-up retries
        for (int attempt = 0; r.statusCode() == 503 && !r.body().contains("TRADING_HALTED") && attempt < 20; attempt++) {
            Thread.sleep(500L + 250L * attempt);
            r = http.send(req, HttpResponse.BodyHandlers.ofString());
        }
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + ": " + r.body());
        }
        return Json.parse(r.body());
    }

    /** A new event and a two-way market on it, fed by provider "acme" as {@code providerMarketId}. */
    JsonNode market(String token, String providerMarketId) throws Exception {
        String event = send("POST", "/admin/events", token,
                "{\"name\":\"bench\",\"startsAt\":\"2026-12-01T18:00:00Z\",\"segment\":\"bench\"}").path("eventId").asText();
        return send("POST", "/admin/markets", token, "{\"eventId\":\"" + event + "\",\"name\":\"m\","
                + "\"selections\":[{\"name\":\"A\"},{\"name\":\"B\"}],\"feed\":{\"provider\":\"acme\",\"providerMarketId\":\""
                + providerMarketId + "\",\"selections\":{\"1\":0,\"2\":1}}}");
    }
}
