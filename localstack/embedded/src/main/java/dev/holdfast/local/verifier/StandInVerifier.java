package dev.holdfast.local.verifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.holdfast.api.Json;
import dev.holdfast.local.StandInServer;

import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static dev.holdfast.local.StandInServer.error;
import static dev.holdfast.local.StandInServer.read;
import static dev.holdfast.local.StandInServer.respond;

/**
 * The local environment's stand-in for the identity-verification provider: its own HTTP endpoint on
 * 127.0.0.1 (a free port), speaking the protocol of {@code HttpIdentityVerifier}, with its own book
 * of the verifications it decided.
 *
 * <p>{@code POST /verifications} {@code {"verificationId", "name", "birthDate", "phone", "region"}}, in
 * this order:
 * <ol>
 *   <li>outage on → {@code 503};</li>
 *   <li>more than {@code capacityPerSecond} requests in the current second → {@code 429};</li>
 *   <li>a random {@code failureRate} share → {@code 500};</li>
 *   <li>after {@code latencyMillis}: the decision, from the book if this id was decided before (a
 *       retry is answered, not verified again), else: REJECTED {@code IDENTITY_NOT_CONFIRMED} when the
 *       name contains {@code REJECT}, REJECTED {@code UNDERAGE} under 18, VERIFIED otherwise;
 *       {@code 200 {"verificationId", "status", "reason"?}}.</li>
 * </ol>
 * Settable from tests ({@link #capacityPerSecond}, {@link #failureRate}, {@link #outage},
 * {@link #latencyMillis}) or over HTTP: {@code POST /control} with any of those fields;
 * {@code GET /control} shows them and the book's totals.
 */
public final class StandInVerifier implements AutoCloseable {
    /** Default capacity: far above what the local tests need unless they lower it. */
    public static final int DEFAULT_CAPACITY_PER_SECOND = 10_000;

    /** One decided verification: its verdict and how many requests asked for it. */
    public record Decision(String status, String reason, int requests) {}

    private final StandInServer server;
    private final Clock clock;
    private final Map<String, Decision> book = new LinkedHashMap<>();
    private volatile int capacityPerSecond = DEFAULT_CAPACITY_PER_SECOND;
    private volatile double failureRate;
    private volatile boolean outage;
    private volatile long latencyMillis;
    private long windowSecond = -1;
    private int windowCount;
    private long received;
    private long throttled;
    private long failed;
    private long refusedInOutage;

    private StandInVerifier(StandInServer server, Clock clock) {
        this.server = server;
        this.clock = clock;
    }

    /** Starts a verifier on 127.0.0.1 and a free port. */
    public static StandInVerifier start(Clock clock) throws IOException {
        StandInVerifier v = new StandInVerifier(new StandInServer("verifier", 128), clock);
        v.server.serve(v::route, v::control, v::controlView);
        return v;
    }

    /** The base URL the verifier adapter is configured with ({@code VERIFIER_URL}). */
    public String url() {
        return server.url();
    }

    /** Verifications answered per second; requests beyond it in one second get {@code 429}. */
    public StandInVerifier capacityPerSecond(int perSecond) {
        if (perSecond < 0) {
            throw new IllegalArgumentException("capacity must be >= 0");
        }
        this.capacityPerSecond = perSecond;
        return this;
    }

    /** The share (0..1) of admitted requests answered {@code 500}. */
    public StandInVerifier failureRate(double share) {
        if (share < 0 || share > 1) {
            throw new IllegalArgumentException("failure rate must be within 0..1");
        }
        this.failureRate = share;
        return this;
    }

    /** While on, every request is answered {@code 503}. */
    public StandInVerifier outage(boolean on) {
        this.outage = on;
        return this;
    }

    /** How long each decision takes. */
    public StandInVerifier latencyMillis(long ms) {
        this.latencyMillis = Math.max(0, ms);
        return this;
    }

    /** Back to defaults: full capacity, no failures, no outage, no latency. */
    public StandInVerifier reset() {
        return capacityPerSecond(DEFAULT_CAPACITY_PER_SECOND).failureRate(0).outage(false).latencyMillis(0);
    }

    /** The book: every verification id decided, with its verdict and how many requests asked. */
    public synchronized Map<String, Decision> book() {
        return Map.copyOf(book);
    }

    public synchronized Decision decision(String verificationId) {
        return book.get(verificationId);
    }

    /** Requests received (any answer). */
    public synchronized long received() {
        return received;
    }

    /** Requests answered {@code 429}. */
    public synchronized long throttled() {
        return throttled;
    }

    /** Requests answered {@code 500} by the failure rate. */
    public synchronized long failed() {
        return failed;
    }

    /** Requests answered {@code 503} during an outage. */
    public synchronized long refusedInOutage() {
        return refusedInOutage;
    }

    // ------------------------------------------------------------------------------ HTTP

    private boolean route(String method, String path, HttpExchange x) throws IOException {
        if (method.equals("POST") && path.equals("/verifications")) {
            verify(x);
            return true;
        }
        return false;
    }

    private void verify(HttpExchange x) throws IOException {
        JsonNode body = read(x);
        String id = body.path("verificationId").asText("");
        if (id.isEmpty()) {
            respond(x, 400, error("verificationId is required"));
            return;
        }
        int refusal = admit();
        if (refusal != 0) {
            respond(x, refusal, error(refusal == 503 ? "verification is down" : refusal == 429
                    ? "over capacity; slow down" : "internal error"));
            return;
        }
        long ms = latencyMillis;
        if (ms > 0) {
            StandInServer.pause(ms);
        }
        Decision d = decide(id, body);
        ObjectNode a = Json.object();
        a.put("verificationId", id);
        a.put("status", d.status());
        if (d.reason() != null) {
            a.put("reason", d.reason());
        }
        respond(x, 200, a);
    }

    /** 0 when the request may be decided, else the status it is refused with. */
    private synchronized int admit() {
        received++;
        if (outage) {
            refusedInOutage++;
            return 503;
        }
        long second = System.currentTimeMillis() / 1000; // real seconds, whatever the clock of the dates
        if (second != windowSecond) {
            windowSecond = second;
            windowCount = 0;
        }
        if (windowCount >= capacityPerSecond) {
            throttled++;
            return 429;
        }
        windowCount++;
        if (failureRate > 0 && ThreadLocalRandom.current().nextDouble() < failureRate) {
            failed++;
            return 500;
        }
        return 0;
    }

    private synchronized Decision decide(String id, JsonNode body) {
        Decision known = book.get(id);
        if (known != null) {
            Decision again = new Decision(known.status(), known.reason(), known.requests() + 1);
            book.put(id, again);
            return again;
        }
        String name = body.path("name").asText("");
        String reason = null;
        if (name.toUpperCase(java.util.Locale.ROOT).contains("REJECT")) {
            reason = "IDENTITY_NOT_CONFIRMED";
        } else {
            try {
                LocalDate born = LocalDate.parse(body.path("birthDate").asText(""));
                if (born.plusYears(18).isAfter(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC))) {
                    reason = "UNDERAGE";
                }
            } catch (RuntimeException e) {
                reason = "BIRTH_DATE_UNREADABLE";
            }
        }
        Decision d = new Decision(reason == null ? "VERIFIED" : "REJECTED", reason, 1);
        book.put(id, d);
        return d;
    }

    private void control(JsonNode body) {
        if (body.hasNonNull("capacityPerSecond")) {
            capacityPerSecond(body.get("capacityPerSecond").asInt());
        }
        if (body.hasNonNull("failureRate")) {
            failureRate(body.get("failureRate").asDouble());
        }
        if (body.hasNonNull("outage")) {
            outage(body.get("outage").asBoolean());
        }
        if (body.hasNonNull("latencyMillis")) {
            latencyMillis(body.get("latencyMillis").asLong());
        }
    }

    private synchronized ObjectNode controlView() {
        ObjectNode n = Json.object();
        n.put("capacityPerSecond", capacityPerSecond);
        n.put("failureRate", failureRate);
        n.put("outage", outage);
        n.put("latencyMillis", latencyMillis);
        n.put("received", received);
        n.put("throttled", throttled);
        n.put("failed", failed);
        n.put("refusedInOutage", refusedInOutage);
        n.put("decided", book.size());
        n.put("verified", book.values().stream().filter(d -> d.status().equals("VERIFIED")).count());
        n.put("rejected", book.values().stream().filter(d -> d.status().equals("REJECTED")).count());
        return n;
    }

    @Override
    public void close() {
        server.close();
    }
}
