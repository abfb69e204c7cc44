package dev.holdfast.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.holdfast.api.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The HTTP side of a stand-in for an outside provider (the bank, the identity verifier): a JSON
 * endpoint on 127.0.0.1 and a free port, served by daemon threads, with the control route every
 * stand-in has — {@code POST /control} applies the settings present in its body and answers the
 * control view, {@code GET /control} answers the view. Anything else goes to the stand-in's own
 * routes; a route nobody serves is {@code 404}, a route that throws a {@link RuntimeException}
 * (an unreadable body, a bad setting) is {@code 400}, both {@code {"error"}}.
 */
public final class StandInServer implements AutoCloseable {

    /** A stand-in's own routes. */
    @FunctionalInterface
    public interface Routes {
        /** Answers the request and returns true if it is one of these routes; false otherwise. */
        boolean serve(String method, String path, HttpExchange x) throws IOException;
    }

    private final String name;
    private final HttpServer server;
    private final ExecutorService executor;

    /**
     * Binds 127.0.0.1 and a free port; serves nothing until {@link #serve}.
     *
     * @param name the provider's name, in thread names ({@code stand-in-<name>}) and the 404's message
     */
    public StandInServer(String name, int backlog) throws IOException {
        this.name = name;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), backlog);
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "stand-in-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts answering: {@code routes} first, then {@code /control}. */
    public void serve(Routes routes, Consumer<JsonNode> control, Supplier<ObjectNode> controlView) {
        server.setExecutor(executor);
        server.createContext("/", x -> handle(x, routes, control, controlView));
        server.start();
    }

    /** The base URL the provider's adapter is configured with. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange x, Routes routes, Consumer<JsonNode> control, Supplier<ObjectNode> controlView)
            throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath();
            String method = x.getRequestMethod();
            if (routes.serve(method, path, x)) {
                return;
            }
            if (path.equals("/control") && method.equals("POST")) {
                control.accept(read(x));
                respond(x, 200, controlView.get());
            } else if (path.equals("/control") && method.equals("GET")) {
                respond(x, 200, controlView.get());
            } else {
                respond(x, 404, error("no such " + name + " route"));
            }
        } catch (RuntimeException e) {
            try {
                respond(x, 400, error(String.valueOf(e.getMessage())));
            } catch (IOException | RuntimeException ignored) {
                // the client is gone
            }
        }
    }

    /** The request's JSON body; an empty object when there is none. */
    public static JsonNode read(HttpExchange x) throws IOException {
        try (InputStream in = x.getRequestBody()) {
            String s = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return s.isBlank() ? Json.object() : Json.parseTrusted(s);
        }
    }

    public static void respond(HttpExchange x, int status, JsonNode body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** {@code {"error": message}}. */
    public static ObjectNode error(String message) {
        ObjectNode n = Json.object();
        n.put("error", message);
        return n;
    }

    /** Holds the answer back for {@code ms} (a slow or hanging provider). */
    public static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
