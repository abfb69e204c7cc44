package dev.holdfast.functions.http;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;

/** A route handler's answer: a status, a JSON body and extra headers. */
public record HttpResponse(int status, JsonNode body, Map<String, String> headers) {

    public static HttpResponse of(int status, JsonNode body) {
        return new HttpResponse(status, body, Map.of());
    }

    public HttpResponse withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new HttpResponse(status, body, Map.copyOf(h));
    }
}
