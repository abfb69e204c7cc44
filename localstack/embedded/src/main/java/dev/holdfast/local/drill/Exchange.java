package dev.holdfast.local.drill;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * One HTTP exchange as it went over the wire: what was sent and what came back, and how long it took.
 *
 * @param generated whether the request was built by the generated client's operation (false: sent as
 *                  given, e.g. a deliberately malformed body, a path outside the document)
 */
public record Exchange(String method, URI uri, Map<String, List<String>> requestHeaders, String requestBody,
                       int status, Map<String, List<String>> responseHeaders, String responseBody, long nanos,
                       boolean generated) {}
