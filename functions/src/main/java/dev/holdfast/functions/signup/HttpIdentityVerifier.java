package dev.holdfast.functions.signup;

import dev.holdfast.resources.Variables;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.signup.Person;
import dev.holdfast.functions.provider.JsonClient;

import java.net.URI;
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
 * <p>Configured by {@code VERIFIER_URL} and {@code VERIFIER_TIMEOUT_MS} (default 3000: a call and its commit fit the 9 s function timeout), which bounds
 * the whole call, connection included.
 */
public final class HttpIdentityVerifier implements IdentityVerifier {
    public static final String URL_VARIABLE = Variables.VERIFIER_URL;
    public static final String TIMEOUT_VARIABLE = Variables.VERIFIER_TIMEOUT_MS;
    public static final long DEFAULT_TIMEOUT_MS = 3_000;

    private final JsonClient client;

    public HttpIdentityVerifier(URI base, Duration timeout) {
        this.client = new JsonClient("verifier", base, timeout, Unavailable::new);
    }

    /**
     * The verifier of a deployed function's environment. Without {@code VERIFIER_URL} every call is
     * {@link IdentityVerifier.Unavailable}: signups wait, PENDING, until the URL is configured.
     */
    public static IdentityVerifier fromEnvironment(Map<String, String> env) {
        String url = env.get(URL_VARIABLE);
        if (url == null || url.isBlank()) {
            return (signupId, person) -> {
                throw new Unavailable(URL_VARIABLE + " is not set; nothing was verified", null);
            };
        }
        return new HttpIdentityVerifier(URI.create(url), JsonClient.timeout(env, TIMEOUT_VARIABLE, DEFAULT_TIMEOUT_MS));
    }

    @Override
    public Verdict verify(String signupId, Person person) {
        ObjectNode body = Json.object();
        body.put("verificationId", signupId);
        body.put("name", person.name());
        body.put("birthDate", person.birthDate().toString());
        body.put("phone", person.phone());
        body.put("region", person.region());
        HttpResponse<String> r = client.post("verifications", body);
        if (r.statusCode() != 200) {
            throw new Unavailable("the verifier answered " + r.statusCode() + " to " + signupId, null);
        }
        JsonNode n = client.parse(r.body(), signupId);
        String status = n.path("status").asText("");
        return switch (status) {
            case "VERIFIED" -> Verdict.VERIFIED;
            case "REJECTED" -> Verdict.rejected(n.hasNonNull("reason") ? n.get("reason").asText() : "REJECTED");
            default -> throw new Unavailable("unexpected verifier status '" + status + "' for " + signupId, null);
        };
    }
}
