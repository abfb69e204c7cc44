package dev.holdfast.local.hygiene;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.api.Json;
import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.SharedEnvironment;
import dev.holdfast.resources.RouteDef;
import dev.holdfast.resources.Routes;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14 #13: every answer of the local environment, a malformed request line included, is the
 * contract's JSON error shape with {@code X-Request-Id}; a body sent as anything but JSON is
 * {@code 415 UNSUPPORTED_MEDIA_TYPE}. Raw sockets, because a well-behaved client refuses to send
 * these requests at all.
 */
class RequestHygieneTest {

    /** A status line, headers (lower-case names) and body read off a raw socket. */
    record Raw(int status, java.util.Map<String, String> headers, String body) {
        JsonNode json() {
            try {
                return Json.parse(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body);
            }
        }
    }

    static Raw raw(String baseUrl, String requestHead, String body) throws IOException {
        URI u = URI.create(baseUrl);
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            String head = requestHead + "\r\nHost: localhost\r\nConnection: close\r\n"
                    + (b.length > 0 ? "Content-Length: " + b.length + "\r\n" : "") + "\r\n";
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(b);
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int split = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, split).split("\r\n");
            java.util.Map<String, String> headers = new java.util.HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int c = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
            }
            return new Raw(Integer.parseInt(lines[0].split(" ")[1]), headers, text.substring(split + 4));
        }
    }

    @Test
    void everyMalformedRequestLineGetsTheErrorShapeAndARequestId() throws IOException {
        String base = SharedEnvironment.get().apiBaseUrl();
        String token = new Api(base).token("hygiene-user");
        List<String> failures = new ArrayList<>();
        List<String[]> cases = List.of(
                new String[]{"GET /orders/%zz HTTP/1.1", "400"},
                new String[]{"GET /markets/%2 HTTP/1.1", "400"},
                new String[]{"GET /markets/{marketId} HTTP/1.1", "404"},
                new String[]{"GET /orders/a|b HTTP/1.1", "404"},
                new String[]{"GET //orders HTTP/1.1", "404"},
                new String[]{"GET ///markets//x HTTP/1.1", "404"},
                new String[]{"GET /wallet/withdrawals/a\"b HTTP/1.1", "404"},
                new String[]{"GET /markets/a^b`c HTTP/1.1", "404"},
                new String[]{"GET /signup/x<y> HTTP/1.1", "404"},
                new String[]{"GET /waiting-room/tickets/[x] HTTP/1.1", "404"},
                new String[]{"GET /status?x=%zz&y={} HTTP/1.1", "200"},
                new String[]{"GET orders HTTP/1.1", "400"},
                new String[]{"GET * HTTP/1.1", "400"},
                new String[]{"GARBAGE", "400"},
                new String[]{"GET /status HTTP/1.1 extra", "400"},
                new String[]{"get /status HTTP/1.1", "400"},
                new String[]{"GET /status HTTP/2.0", "400"},
                new String[]{"GET /status SPDY/3", "400"});
        for (String[] c : cases) {
            Raw r = raw(base, c[0] + "\r\nAuthorization: Bearer " + token, null);
            boolean ok = String.valueOf(r.status()).equals(c[1]) && r.headers().containsKey("x-request-id")
                    && r.headers().getOrDefault("content-type", "").startsWith("application/json");
            if (ok && r.status() >= 400) {
                JsonNode e = r.json().path("error");
                ok = e.path("code").isTextual() && e.path("message").isTextual() && e.path("details").isObject();
            }
            if (!ok) {
                failures.add(c[0] + " -> " + r.status() + " " + r.headers() + " " + r.body());
            }
        }
        // a malformed request on a kept-alive connection after a good one is answered in shape too
        Api api = new Api(base);
        for (String path : List.of("/orders/a%7Cb", "/markets/%7Bid%7D", "/orders/%25zz")) {
            Api.Reply r = api.get(path, api.token("hygiene-user"));
            if (r.status() < 400 || r.status() >= 500 || r.code() == null || r.header("X-Request-Id") == null) {
                failures.add(path + " -> " + r.status() + " " + r.raw());
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void aBodyThatIsNotJsonIs415OnEveryRoute() {
        Api api = new Api(SharedEnvironment.get().apiBaseUrl());
        String admin = api.token("hygiene-admin", "admin");
        List<String> failures = new ArrayList<>();
        for (RouteDef route : Routes.ALL) {
            if (route.method().equals("GET")) {
                continue;
            }
            String path = route.path().replaceAll("\\{[^}]+}", "probe");
            for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                    "application/xml", "text/json")) {
                Api.Reply r = api.send(route.method(), path, route.access().needsToken() ? admin : null, "{\"a\":1}",
                        "Content-Type", type, "Idempotency-Key", "hygiene-key", "If-Match", "1");
                boolean ok = r.status() == 415 && "UNSUPPORTED_MEDIA_TYPE".equals(r.code()) && r.header("X-Request-Id") != null;
                // a route that refuses the caller first (401 before the body is looked at) is also fine
                if (!ok && !(r.status() == 401 && route.access() == dev.holdfast.resources.Access.ADMISSION)) {
                    failures.add(route.routeKey() + " " + type + " -> " + r.status() + " " + r.raw());
                }
            }
            Api.Reply json = api.send(route.method(), path, route.access().needsToken() ? admin : null, "{}",
                    "Content-Type", "application/json; charset=utf-8", "Idempotency-Key", "hygiene-key", "If-Match", "1");
            if (json.status() == 415) {
                failures.add(route.routeKey() + " refused JSON with a charset");
            }
        }
        assertEquals(List.of(), failures);
        assertTrue(Routes.ALL.size() > 20);
    }
}
