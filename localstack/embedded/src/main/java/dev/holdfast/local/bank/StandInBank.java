package dev.holdfast.local.bank;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.holdfast.api.Json;
import dev.holdfast.local.StandInServer;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.holdfast.local.StandInServer.error;
import static dev.holdfast.local.StandInServer.pause;
import static dev.holdfast.local.StandInServer.read;
import static dev.holdfast.local.StandInServer.respond;

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

    private final StandInServer server;
    private final Map<String, BigDecimal> paid = new LinkedHashMap<>();
    private final Map<String, String> refused = new LinkedHashMap<>();
    private long doublePayments;
    private long sendsReceived;
    private volatile Mode mode = Mode.SUCCEED;
    private volatile long lateMillis = 3_000;
    private volatile long hangMillis = 15_000;
    private volatile String refusalReason = "ACCOUNT_CLOSED";

    private StandInBank(StandInServer server) {
        this.server = server;
    }

    /** Starts a bank on 127.0.0.1 and a free port. */
    public static StandInBank start() throws IOException {
        StandInBank bank = new StandInBank(new StandInServer("bank", 64));
        bank.server.serve(bank::route, bank::control, bank::controlView);
        return bank;
    }

    /** The base URL the bank adapter is configured with ({@code BANK_URL}). */
    public String url() {
        return server.url();
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

    private boolean route(String method, String path, HttpExchange x) throws IOException {
        if (method.equals("POST") && path.equals("/transfers")) {
            transfer(x);
        } else if (method.equals("GET") && path.startsWith("/transfers/")) {
            status(x, URLDecoder.decode(path.substring("/transfers/".length()), StandardCharsets.UTF_8));
        } else {
            return false;
        }
        return true;
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
                pause(hangMillis);
                respond(x, 503, error("the bank hung"));
            }
            case LATE -> {
                book(id, amount);
                pause(lateMillis);
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

    private void control(JsonNode body) {
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

    @Override
    public void close() {
        server.close();
    }
}
