package dev.holdfast.functions.http;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;

/** A route handler's answer: a status, a JSON body and extra headers. */
public record HttpResponse(int status, JsonNode body, Map<String, String> headers) {

    public static HttpResponse of(int status, JsonNode body) {
        return new HttpResponse(status, body, Map.of());
    }

    /**
     * {@code 200} with one page of a listing: {@code {"<field>": [...], "nextCursor": string|null}},
     * the shape every paged route of the contract uses.
     */
    public static <T> HttpResponse page(String field, java.util.List<T> items,
                                        java.util.function.Function<T, ? extends JsonNode> toJson,
                                        java.util.Optional<String> nextCursor) {
        com.fasterxml.jackson.databind.node.ObjectNode out = dev.holdfast.api.Json.object();
        com.fasterxml.jackson.databind.node.ArrayNode list = out.putArray(field);
        items.forEach(i -> list.add(toJson.apply(i)));
        out.put("nextCursor", nextCursor.orElse(null));
        return of(200, out);
    }

    public HttpResponse withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new HttpResponse(status, body, Map.copyOf(h));
    }
}
