package dev.holdfast.local.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.Rfc3339;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Creates rollouts and enters devices through the real API. */
public final class Rollouts {
    private final Api api;
    private final String adminToken;

    public Rollouts(Api api) {
        this.api = api;
        this.adminToken = api.token("rollout-admin", "admin");
    }

    /** A cohort to create: opening and closing relative to now. */
    public record CohortSpec(String cohortId, Duration opensIn, Duration closesIn) {}

    /** A created rollout: its id and each cohort's link. */
    public record Created(String rolloutId, Map<String, String> links, JsonNode body) {
        public String link(String cohortId) {
            return links.get(cohortId);
        }
    }

    public Created create(String name, long ratePerSecond, Long windowSeconds, CohortSpec... cohorts) {
        Instant now = Instant.now();
        ObjectNode body = Json.object();
        body.put("name", name);
        body.put("admissionRatePerSecond", ratePerSecond);
        if (windowSeconds != null) {
            body.put("admissionWindowSeconds", windowSeconds);
        }
        ArrayNode a = body.putArray("cohorts");
        for (CohortSpec c : cohorts) {
            ObjectNode o = a.addObject();
            o.put("cohortId", c.cohortId());
            o.put("label", "Cohort " + c.cohortId());
            o.put("opensAt", Rfc3339.format(now.plus(c.opensIn())));
            o.put("closesAt", Rfc3339.format(now.plus(c.closesIn())));
        }
        Api.Reply r = api.post("/admin/rollouts", adminToken, Json.write(body));
        if (r.status() != 201) {
            throw new IllegalStateException("rollout not created: " + r.status() + " " + r.raw());
        }
        Map<String, String> links = new LinkedHashMap<>();
        for (JsonNode c : r.json().path("cohorts")) {
            links.put(c.path("cohortId").asText(), c.path("link").asText());
        }
        return new Created(r.json().path("rolloutId").asText(), links, r.json());
    }

    /** {@code POST /waiting-room/enter} for one device. */
    public Api.Reply enter(String link, String deviceId) {
        ObjectNode b = Json.object();
        b.put("link", link);
        b.put("deviceId", deviceId);
        return api.post("/waiting-room/enter", null, Json.write(b));
    }

    public Api.Reply ticket(String ticketId) {
        return api.get("/waiting-room/tickets/" + ticketId, null);
    }

    public Api.Reply show(String rolloutId) {
        return api.get("/admin/rollouts/" + rolloutId, adminToken);
    }

    public String adminToken() {
        return adminToken;
    }
}
