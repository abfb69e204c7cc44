package dev.holdfast.local.bank;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.holdfast.api.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The local environment's stand-in for the bank: its own HTTP endpoint on 127.0.0.1 (a free port),
 * speaking the protocol of {@code HttpBankTransfers}, with its own book of the transfers it received.
 *
 * <p>Modes (set from tests with {@link #mode}, or over HTTP with
 * {@code POST /control {"mode": "SUCCEED"|"REFUSE"|"HANG"|"LATE", "lateMillis": n, "hangMillis": n, "reason": "…"}}):
 * <ul>
 *   <li>{@code SUCCEED}: books the transfer and answers CONFIRMED;</li>
 *   <li>{@code REFUSE}: records a refusal (no money moves) and answers REFUSED with the reason;</li>
 *   <li>{@code HANG}: books nothing and answers nothing for {@code hangMillis} (longer than any
 *       client timeout), then a 503;</li>
 *   <li>{@code LATE}: books the transfer at once, answers CONFIRMED only after {@code lateMillis}
 *       (after the client gave up).</li>
 * </ul>
 * {@code GET /transfers/{id}} answers from the book: CONFIRMED, REFUSED, or 404 (never received).
 * A transfer id booked a second time is counted as a double payment ({@link #doublePayments()}):
 * the thing Holdfast must never cause. {@code GET /control} shows the mode and the book's totals.
 */
public final class StandInBank implements AutoCloseable {

    /** How the bank answers transfers from now on. */
    public enum Mode { SUCCEED, REFUSE, HANG, LATE }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "stand-in-bank");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, BigDecimal> paid = new LinkedHashMap<>();
    private final Map<String, String> refused = new LinkedHashMap<>();
    private long doublePayments;
    private long sendsReceived;
    private volatile Mode mode = Mode.SUCCEED;
    private volatile long lateMillis = 3_000;
    private volatile long hangMillis = 15_000;
    private volatile String refusalReason = "ACCOUNT_CLOSED";

    private StandInBank(HttpServer server) {
        this.server = server;
    }

    /** Starts a bank on 127.0.0.1 and a free port. */
    public static StandInBank start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        StandInBank bank = new StandInBank(server);
        server.setExecutor(bank.executor);
        server.createContext("/", bank::handle);
        server.start();
        return bank;
    }

    /** The base URL the bank adapter is configured with ({@code BANK_URL}). */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public StandInBank mode(Mode m) {
        this.mode = m;
        return this;
    }

    public Mode mode() {
        return mode;
    }

    public StandInBank lateMillis(long ms) {
        this.lateMillis = ms;
        return this;
    }

    public StandInBank hangMillis(long ms) {
        this.hangMillis = ms;
        return this;
    }

    public StandInBank refusalReason(String reason) {
        this.refusalReason = reason;
        return this;
    }

    /** How many times a transfer id that was already paid was booked again. */
    public synchronized long doublePayments() {
        return doublePayments;
    }

    /** The sum of every booking, double payments included. */
    public synchronized BigDecimal paidTotal() {
        BigDecimal total = BigDecimal.ZERO;
        for (BigDecimal v : paid.values()) {
            total = total.add(v);
        }
        return total;
    }

    /** Whether the bank booked (paid) this transfer. */
    public synchronized boolean paid(String transferId) {
        return paid.containsKey(transferId);
    }

    /** Whether the bank refused this transfer. */
    public synchronized boolean refused(String transferId) {
        return refused.containsKey(transferId);
    }

    /** How many send requests reached the bank (any mode). */
    public synchronized long sendsReceived() {
        return sendsReceived;
    }

    // ------------------------------------------------------------------------------ HTTP

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath();
            String method = x.getRequestMethod();
            if (method.equals("POST") && path.equals("/transfers")) {
                transfer(x);
            } else if (method.equals("GET") && path.startsWith("/transfers/")) {
                status(x, URLDecoder.decode(path.substring("/transfers/".length()), StandardCharsets.UTF_8));
            } else if (path.equals("/control") && method.equals("POST")) {
                control(x);
            } else if (path.equals("/control") && method.equals("GET")) {
                respond(x, 200, controlView());
            } else {
                respond(x, 404, error("no such bank route"));
            }
        } catch (RuntimeException e) {
            try {
                respond(x, 400, error(String.valueOf(e.getMessage())));
            } catch (IOException | RuntimeException ignored) {
                // the client is gone
            }
        }
    }

    private void transfer(HttpExchange x) throws IOException {
        JsonNode body = read(x);
        String id = body.path("transferId").asText("");
        BigDecimal amount = new BigDecimal(body.path("amount").asText("0"));
        if (id.isEmpty()) {
            respond(x, 400, error("transferId is required"));
            return;
        }
        Mode m = mode;
        synchronized (this) {
            sendsReceived++;
        }
        switch (m) {
            case SUCCEED -> {
                book(id, amount);
                respond(x, 200, answer(id, "CONFIRMED", null));
            }
            case REFUSE -> {
                synchronized (this) {
                    refused.put(id, refusalReason);
                }
                respond(x, 200, answer(id, "REFUSED", refusalReason));
            }
            case HANG -> {
                sleep(hangMillis);
                respond(x, 503, error("the bank hung"));
            }
            case LATE -> {
                book(id, amount);
                sleep(lateMillis);
                respond(x, 200, answer(id, "CONFIRMED", null));
            }
            default -> throw new IllegalStateException();
        }
    }

    private synchronized void book(String id, BigDecimal amount) {
        if (paid.containsKey(id)) {
            doublePayments++;
            paid.put(id, paid.get(id).add(amount));
        } else {
            paid.put(id, amount);
        }
    }

    private void status(HttpExchange x, String id) throws IOException {
        ObjectNode a;
        synchronized (this) {
            if (paid.containsKey(id)) {
                a = answer(id, "CONFIRMED", null);
            } else if (refused.containsKey(id)) {
                a = answer(id, "REFUSED", refused.get(id));
            } else {
                a = null;
            }
        }
        if (a == null) {
            ObjectNode u = answer(id, "UNKNOWN", null);
            respond(x, 404, u);
        } else {
            respond(x, 200, a);
        }
    }

    private void control(HttpExchange x) throws IOException {
        JsonNode body = read(x);
        if (body.hasNonNull("mode")) {
            mode = Mode.valueOf(body.get("mode").asText());
        }
        if (body.hasNonNull("lateMillis")) {
            lateMillis = body.get("lateMillis").asLong();
        }
        if (body.hasNonNull("hangMillis")) {
            hangMillis = body.get("hangMillis").asLong();
        }
        if (body.hasNonNull("reason")) {
            refusalReason = body.get("reason").asText();
        }
        respond(x, 200, controlView());
    }

    private synchronized ObjectNode controlView() {
        ObjectNode n = Json.object();
        n.put("mode", mode.name());
        n.put("lateMillis", lateMillis);
        n.put("hangMillis", hangMillis);
        n.put("sendsReceived", sendsReceived);
        n.put("paidTransfers", paid.size());
        n.put("refusedTransfers", refused.size());
        n.put("paidTotal", paidTotal().toPlainString());
        n.put("doublePayments", doublePayments);
        return n;
    }

    private static ObjectNode answer(String id, String status, String reason) {
        ObjectNode n = Json.object();
        n.put("transferId", id);
        n.put("status", status);
        if (reason != null) {
            n.put("reason", reason);
        }
        return n;
    }

    private static ObjectNode error(String message) {
        ObjectNode n = Json.object();
        n.put("error", message);
        return n;
    }

    private static JsonNode read(HttpExchange x) throws IOException {
        try (InputStream in = x.getRequestBody()) {
            String s = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return s.isBlank() ? Json.object() : Json.parseTrusted(s);
        }
    }

    private static void respond(HttpExchange x, int status, JsonNode body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(long ms) {
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
