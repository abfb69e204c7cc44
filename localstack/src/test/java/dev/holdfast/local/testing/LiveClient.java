package dev.holdfast.local.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.api.Json;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A live-price client over the JDK's WebSocket client: what it received, in order. */
public final class LiveClient implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final WebSocket socket;
    private final BlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    /** Messages put back by {@link #snapshot}: read before the inbox. */
    private final java.util.Deque<JsonNode> pending = new java.util.ArrayDeque<>();

    private LiveClient(WebSocket.Builder builder, URI uri) {
        Listener l = new Listener();
        this.socket = builder.connectTimeout(Duration.ofSeconds(10)).buildAsync(uri, l).join();
    }

    /** Connects with {@code Authorization: Bearer <token>} (no header when {@code token} is null). */
    public static LiveClient connect(String websocketUrl, String token) {
        WebSocket.Builder b = HTTP.newWebSocketBuilder();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return new LiveClient(b, URI.create(websocketUrl));
    }

    /** Connects with the token in the query ({@code ?token=}), as browsers must. */
    public static LiveClient connectWithQueryToken(String websocketUrl, String token) {
        return new LiveClient(HTTP.newWebSocketBuilder(), URI.create(websocketUrl + "?token=" + token));
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                inbox.add(Json.parseTrusted(partial.toString()));
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete(-1);
        }
    }

    public void send(String text) {
        socket.sendText(text, true).join();
    }

    public void subscribe(String... marketIds) {
        StringBuilder ids = new StringBuilder();
        for (String id : marketIds) {
            ids.append(ids.length() == 0 ? "" : ",").append('"').append(id).append('"');
        }
        send("{\"action\":\"subscribe\",\"marketIds\":[" + ids + "]}");
    }

    /** The next message, or an assertion error after {@code timeout}. */
    public JsonNode next(Duration timeout) {
        if (!pending.isEmpty()) {
            return pending.poll();
        }
        try {
            JsonNode n = inbox.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (n == null) {
                throw new AssertionError("no message within " + timeout);
            }
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public JsonNode next() {
        return next(Duration.ofSeconds(15));
    }

    /** The next message matching {@code p}, skipping others (returned in {@code skipped}). */
    public JsonNode next(Predicate<JsonNode> p, List<JsonNode> skipped) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no matching message; skipped " + skipped);
            }
            JsonNode n = next(Duration.ofNanos(left));
            if (p.test(n)) {
                return n;
            }
            skipped.add(n);
        }
    }

    public JsonNode next(Predicate<JsonNode> p) {
        return next(p, new ArrayList<>());
    }

    /**
     * The market's snapshot, read as the protocol asks of a client: changes of the market that
     * arrive before its snapshot are kept, and those with a sequence above the snapshot's are
     * delivered after it (the others are in it); messages about other markets stay in order.
     */
    public JsonNode snapshot(String marketId) {
        List<JsonNode> before = new ArrayList<>();
        JsonNode snap = next(n -> n.path("type").asText().equals("snapshot") && n.path("marketId").asText().equals(marketId), before);
        long s = snap.path("sequence").asLong();
        for (JsonNode n : before) {
            if (!n.path("marketId").asText().equals(marketId) || n.path("sequence").asLong() > s) {
                pending.add(n);
            }
        }
        return snap;
    }

    /** Whatever arrives within {@code quiet}, until nothing more does. */
    public List<JsonNode> drain(Duration quiet) {
        List<JsonNode> out = new ArrayList<>(pending);
        pending.clear();
        try {
            for (JsonNode n; (n = inbox.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null; ) {
                out.add(n);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    /** The close code the server sent, once it closed (or -1 on an error). */
    public CompletableFuture<Integer> closed() {
        return closed;
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }
}
