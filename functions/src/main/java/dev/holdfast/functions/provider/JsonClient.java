package dev.holdfast.functions.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.api.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * JSON over HTTP to an outside provider (the bank, the identity verifier) with the JDK client: one
 * timeout bounds each whole call, connection included. No answer (a timeout, a refused connection,
 * an interruption) and an unreadable answer are the adapter's own exception, built by its
 * {@link Failure}; what a status code means is the adapter's to decide.
 */
public final class JsonClient {

    /** The adapter's exception for a call that got no usable answer. */
    @FunctionalInterface
    public interface Failure {
        RuntimeException of(String message, Throwable cause);
    }

    private final String provider;
    private final URI base;
    private final Duration timeout;
    private final Failure failure;
    private final HttpClient http;

    /**
     * @param provider the provider's name in messages ("no answer from the {@code provider}")
     * @param base     the provider's base URL; paths resolve below it
     */
    public JsonClient(String provider, URI base, Duration timeout, Failure failure) {
        String b = base.toString();
        this.provider = provider;
        this.base = URI.create(b.endsWith("/") ? b : b + "/");
        this.timeout = timeout;
        this.failure = failure;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    /**
     * The timeout a deployed function's environment sets in {@code variable} (milliseconds), or
     * {@code defaultMillis} when it is absent or not a number.
     */
    public static Duration timeout(Map<String, String> env, String variable, long defaultMillis) {
        long ms = defaultMillis;
        try {
            ms = Long.parseLong(env.getOrDefault(variable, Long.toString(defaultMillis)));
        } catch (NumberFormatException e) {
            // keep the default
        }
        return Duration.ofMillis(ms);
    }

    /** {@code POST {base}/{path}} with {@code body}. */
    public HttpResponse<String> post(String path, JsonNode body) {
        return call(HttpRequest.newBuilder(base.resolve(path))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build());
    }

    /** {@code GET {base}/{path}} ({@code path} already encoded). */
    public HttpResponse<String> get(String path) {
        return call(HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).GET().build());
    }

    /** An answer's JSON body; unreadable, it is the adapter's failure about {@code about}. */
    public JsonNode parse(String body, String about) {
        try {
            return Json.parseTrusted(body);
        } catch (RuntimeException e) {
            throw failure.of("unreadable answer from the " + provider + " about " + about, e);
        }
    }

    private HttpResponse<String> call(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw failure.of("no answer from the " + provider + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure.of("interrupted waiting for the " + provider, e);
        }
    }
}
