package dev.holdfast.functions.signup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.signup.Person;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * {@link IdentityVerifier} over HTTP (JDK client, no dependency):
 * {@code POST {VERIFIER_URL}/verifications} {@code {"verificationId", "name", "birthDate", "phone", "region"}}
 * → {@code 200 {"verificationId", "status": "VERIFIED"|"REJECTED", "reason"?}}. The verification id is
 * the signup id on every attempt, so the provider answers a retry from its book. Anything else — a
 * timeout, a refused connection, {@code 429}, a 5xx, an unreadable body — is
 * {@link IdentityVerifier.Unavailable}.
 *
 * <p>Configured by {@code VERIFIER_URL} and {@code VERIFIER_TIMEOUT_MS} (default 5000), which bounds
 * the whole call, connection included.
 */
public final class HttpIdentityVerifier implements IdentityVerifier {
    public static final String URL_VARIABLE = "VERIFIER_URL";
    public static final String TIMEOUT_VARIABLE = "VERIFIER_TIMEOUT_MS";
    static final long DEFAULT_TIMEOUT_MS = 5_000;

    private final URI base;
    private final Duration timeout;
    private final HttpClient http;

    public HttpIdentityVerifier(URI base, Duration timeout) {
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b : b + "/");
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    /**
     * The verifier of a deployed function's environment. Without {@code VERIFIER_URL} every call is
     * {@link IdentityVerifier.Unavailable}: signups wait, PENDING, until the URL is configured.
     */
    public static IdentityVerifier fromEnvironment(Map<String, String> env) {
        String url = env.get(URL_VARIABLE);
        long ms = DEFAULT_TIMEOUT_MS;
        try {
            ms = Long.parseLong(env.getOrDefault(TIMEOUT_VARIABLE, Long.toString(DEFAULT_TIMEOUT_MS)));
        } catch (NumberFormatException e) {
            // keep the default
        }
        if (url == null || url.isBlank()) {
            return (signupId, person) -> {
                throw new Unavailable(URL_VARIABLE + " is not set; nothing was verified", null);
            };
        }
        return new HttpIdentityVerifier(URI.create(url), Duration.ofMillis(ms));
    }

    @Override
    public Verdict verify(String signupId, Person person) {
        ObjectNode body = Json.object();
        body.put("verificationId", signupId);
        body.put("name", person.name());
        body.put("birthDate", person.birthDate().toString());
        body.put("phone", person.phone());
        body.put("region", person.region());
        HttpResponse<String> r;
        try {
            r = http.send(HttpRequest.newBuilder(base.resolve("verifications"))
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Unavailable("no answer from the verifier: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted waiting for the verifier", e);
        }
        if (r.statusCode() != 200) {
            throw new Unavailable("the verifier answered " + r.statusCode() + " to " + signupId, null);
        }
        JsonNode n;
        try {
            n = Json.parseTrusted(r.body());
        } catch (RuntimeException e) {
            throw new Unavailable("unreadable answer from the verifier about " + signupId, e);
        }
        String status = n.path("status").asText("");
        return switch (status) {
            case "VERIFIED" -> Verdict.VERIFIED;
            case "REJECTED" -> Verdict.rejected(n.hasNonNull("reason") ? n.get("reason").asText() : "REJECTED");
            default -> throw new Unavailable("unexpected verifier status '" + status + "' for " + signupId, null);
        };
    }
}
