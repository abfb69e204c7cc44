package dev.holdfast.local.bench;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Lambda's control plane as the preparer sees it on an account with no provisioned concurrency:
 * every {@code GetProvisionedConcurrencyConfig} answers 404 (none configured), as Lambda does. The
 * cold-start bench points the preparer here ({@code HOLDFAST_LAMBDA_ENDPOINT}), so its first run makes
 * the signed calls it makes in AWS, against loopback instead of the internet.
 */
final class NoProvisionedConcurrency implements AutoCloseable {
    private static final byte[] NOT_FOUND = ("{\"Type\":\"User\",\"message\":\"No Provisioned Concurrency Config found for this function\"}")
            .getBytes(StandardCharsets.UTF_8);
    private final HttpServer server;

    private NoProvisionedConcurrency(HttpServer server) {
        this.server = server;
    }

    static NoProvisionedConcurrency start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("x-amzn-ErrorType", "ProvisionedConcurrencyConfigNotFoundException");
            exchange.sendResponseHeaders(404, NOT_FOUND.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(NOT_FOUND);
            }
        });
        server.start();
        return new NoProvisionedConcurrency(server);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
