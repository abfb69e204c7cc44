package dev.holdfast.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.api.Json;
import dev.holdfast.local.LocalHoldfast;

import dev.holdfast.local.drill.ContractClient;
import dev.holdfast.local.drill.Exchange;

/**
 * The benchmarks' setup calls to the local API (what they measure is in-process or through SQS), through
 * the Java client generated from docs/openapi.yaml ({@link ContractClient}).
 */
final class BenchHttp {
    private final ContractClient http;

    BenchHttp(LocalHoldfast env) {
        this.http = new ContractClient(env.apiBaseUrl());
    }

    /** An admin token from the local environment. */
    String adminToken() throws Exception {
        return send("POST", "/local/token", null, "{\"sub\":\"bench\",\"groups\":[\"admin\"]}").path("token").asText();
    }

    JsonNode send(String method, String path, String token, String body, String... headers) throws Exception {
        Exchange r = http.send(method, path, token, body, headers);
        // a busy platform (503, e.g. a throttled partition in the AWS-faithful mode) commits nothing: set-up retries
        for (int attempt = 0; r.status() == 503 && !r.responseBody().contains("TRADING_HALTED") && attempt < 20; attempt++) {
            Thread.sleep(500L + 250L * attempt);
            r = http.send(method, path, token, body, headers);
        }
        if (r.status() >= 300) {
            throw new IllegalStateException(method + " " + path + ": " + r.responseBody());
        }
        return Json.parse(r.responseBody());
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
