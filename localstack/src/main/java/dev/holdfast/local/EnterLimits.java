package dev.holdfast.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * For surge drills, benches and tests that enter thousands of devices from one address (the loopback)
 * into one environment of their own: raises the risk config's waiting-room enter limits
 * ({@code rateLimits.entersPerAddressPerMinute}, {@code entersPerDevicePerMinute}) over the real
 * admin API and waits out the config cache.
 */
public final class EnterLimits {
    private EnterLimits() {}

    public static void raise(LocalHoldfast env, int perMinute) {
        try {
            HttpClient http = HttpClient.newHttpClient();
            String base = env.apiBaseUrl();
            String token = env.jwt().issue("enter-limits", List.of("admin"), Duration.ofMinutes(5));
            HttpResponse<String> got = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/risk/config"))
                    .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
            JsonNode config = Json.parse(got.body());
            ObjectNode next = config.deepCopy();
            next.remove("version");
            ((ObjectNode) next.path("rateLimits")).put("entersPerAddressPerMinute", perMinute);
            ((ObjectNode) next.path("rateLimits")).put("entersPerDevicePerMinute", perMinute);
            next.put("reason", "surge from one address: enter limits raised");
            HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/risk/config"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .header("If-Match", "\"" + config.path("version").asLong() + "\"")
                    .PUT(HttpRequest.BodyPublishers.ofString(Json.write(next))).build(), HttpResponse.BodyHandlers.ofString());
            if (put.statusCode() != 200) {
                throw new IllegalStateException("enter limits not raised: " + put.statusCode() + " " + put.body());
            }
            Thread.sleep((dev.holdfast.persistence.exposure.RiskConfigCache.DEFAULT_TTL_SECONDS + 1) * 1000L);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
