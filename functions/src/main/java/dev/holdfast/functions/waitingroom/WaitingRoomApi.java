package dev.holdfast.functions.waitingroom;

import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.persistence.waitingroom.WaitingRoomStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.token.CohortLinks;
import dev.holdfast.api.token.AdmissionTokens;
import dev.holdfast.api.ApiError;
import dev.holdfast.api.ErrorCode;
import dev.holdfast.api.Json;
import dev.holdfast.api.RequestBody;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.audit.AuditRecord;
import dev.holdfast.domain.surge.ExpectedPeak;
import dev.holdfast.domain.surge.Surge;
import dev.holdfast.domain.surge.SurgeKind;
import dev.holdfast.domain.waitingroom.AdmissionToken;
import dev.holdfast.domain.waitingroom.Cohort;
import dev.holdfast.domain.waitingroom.CohortLink;
import dev.holdfast.domain.waitingroom.PositionStripes;
import dev.holdfast.domain.waitingroom.QueueView;
import dev.holdfast.domain.waitingroom.Rollout;
import dev.holdfast.functions.http.HttpFunction;
import dev.holdfast.functions.http.HttpRequest;
import dev.holdfast.functions.http.HttpResponse;
import dev.holdfast.functions.http.IdempotentReplay;
import dev.holdfast.persistence.surges.SurgeStore;
import dev.holdfast.persistence.waitingroom.WaitingRoomStore.CohortState;
import dev.holdfast.persistence.waitingroom.WaitingRoomStore.Ticket;
import dev.holdfast.resources.Functions;
import dev.holdfast.retry.Retry;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Staged rollouts and the waiting room: {@code POST /admin/rollouts}, {@code GET /admin/rollouts/{id}},
 * {@code POST /waiting-room/enter}, {@code GET /waiting-room/tickets/{id}}.
 *
 * <p>Enter: the link's signature names the cohort (forged, altered or unknown: {@code 403 INVALID_LINK});
 * the ticket id is derived from the cohort and the device ({@code HMAC(secret, rollout|cohort|device)}),
 * so a device has one place per cohort and a ticket id cannot be guessed from a device id. A new place
 * costs one {@code ADD} on one of the cohort's position stripes, dealt round-robin
 * ({@link PositionStripes}), and one conditional put of the ticket. Polls read the ticket and the
 * cohort's state (cached for a second per container); an admitted ticket gets an admission token bound
 * to it, valid for the rollout's admission window from the moment the admitter reached it.
 */
public final class WaitingRoomApi extends HttpFunction {
    /** Where cohort links point (the waiting page); without it, the page of the API's own host. */
    public static final String PAGE_URL_VARIABLE = "WAITING_PAGE_URL";
    static final Duration STATE_CACHE = Duration.ofSeconds(1);
    static final Duration TICKET_KEPT_AFTER_CLOSE = Duration.ofDays(2);
    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9_-]{8,128}");
    private static final Pattern TICKET_ID = Pattern.compile("t-[A-Za-z0-9_-]{22}");
    private static final Pattern ROLLOUT_ID = Pattern.compile("r-[0-9a-f]{32}");
    private static final Set<String> ROLLOUT_FIELDS = Set.of("name", "admissionRatePerSecond", "cohorts", "admissionWindowSeconds");
    private static final Set<String> COHORT_FIELDS = Set.of("cohortId", "label", "opensAt", "closesAt");

    private final WaitingRoomStore store;
    private final SurgeStore surges;
    private final dev.holdfast.persistence.waitingroom.EnterLimiter limits;
    private final dev.holdfast.persistence.exposure.RiskConfigCache config;
    private final SigningSecret secret;
    private final Clock clock;
    private final Optional<String> pageUrl;
    private final PositionStripes stripes = new PositionStripes(WaitingRoomStore.STRIPES);
    /** Per cohort, the next stripe to deal (round-robin keeps the stripes level, so arrival order holds). */
    private final Map<String, AtomicInteger> nextStripe = new ConcurrentHashMap<>();
    private final Map<String, Cached> states = new ConcurrentHashMap<>();

    private record Cached(CohortState state, Instant readAt) {}

    public WaitingRoomApi() {
        this(Deployment.fromEnvironment(), System.getenv());
        dev.holdfast.functions.runtime.Priming.register(Functions.WAITING_ROOM, Deployment.fromEnvironment(), this::prime);
    }

    /**
     * SnapStart priming's stub work: a poll of a ticket that does not exist (404), a malformed enter
     * (400) and the queue arithmetic. Never the signing secret: it is fetched after restore, so no
     * snapshot carries it.
     */
    private void prime() {
        handleRequest(dev.holdfast.functions.runtime.Priming.http("GET /waiting-room/tickets/{ticketId}")
                .path("ticketId", "t-AAAAAAAAAAAAAAAAAAAAAA").event(), null);
        handleRequest(dev.holdfast.functions.runtime.Priming.http("POST /waiting-room/enter")
                .body("{\"link\":\"x\",\"deviceId\":\"short\"}").event(), null);
        long[] counts = {3, 3, 3, 2, 2, 2, 2, 2};
        QueueView.pollAfterSeconds(QueueView.etaSeconds(QueueView.ahead(stripes, 40, stripes.advance(0, 5, counts), counts), 100_000));
    }

    public WaitingRoomApi(Deployment deployment, Map<String, String> environment) {
        super(Functions.WAITING_ROOM);
        this.store = new WaitingRoomStore(deployment, new AuditLog(deployment));
        this.surges = new SurgeStore(deployment);
        this.limits = new dev.holdfast.persistence.waitingroom.EnterLimiter(deployment);
        this.config = new dev.holdfast.persistence.exposure.RiskConfigCache(
                new dev.holdfast.persistence.exposure.RiskConfigStore(deployment, new AuditLog(deployment)), deployment.clock());
        this.secret = SigningSecret.from(environment);
        this.clock = deployment.clock();
        this.pageUrl = Optional.ofNullable(environment.get(PAGE_URL_VARIABLE)).filter(s -> !s.isBlank());
        serve("POST /admin/rollouts", this::createRollout);
        serve("GET /admin/rollouts/{rolloutId}", this::showRollout);
        serve("POST /waiting-room/enter", this::enter);
        serve("GET /waiting-room/tickets/{ticketId}", this::poll);
    }

    // ---- rollouts -------------------------------------------------------------------------------

    private HttpResponse createRollout(HttpRequest request) {
        RequestBody body = request.jsonBody().allowOnly(ROLLOUT_FIELDS);
        String name = body.requiredString("name", 200);
        long rate = body.optionalLong("admissionRatePerSecond", 1, Rollout.MAX_RATE)
                .orElseThrow(() -> ApiError.validation("admissionRatePerSecond", "'admissionRatePerSecond' is required"));
        Duration window = body.optionalLong("admissionWindowSeconds", 1, 3600).map(Duration::ofSeconds)
                .orElse(Rollout.DEFAULT_WINDOW);
        List<Cohort> cohorts = cohorts(body.node().get("cohorts"));
        Rollout.problem(rate, cohorts).ifPresent(p -> {
            throw ApiError.validation(p.substring(0, p.indexOf(':')), p.substring(p.indexOf(':') + 2));
        });
        Instant now = clock.instant();
        Rollout rollout = new Rollout("r-" + UUID.randomUUID().toString().replace("-", ""), name, rate, window,
                cohorts, request.requireCaller().sub(), now);
        ObjectNode view = rolloutJson(rollout, request);
        List<Surge> cohortSurges = cohortSurges(rollout);
        for (int i = 0; i < cohortSurges.size(); i++) {
            ((ObjectNode) view.path("cohorts").get(i)).put("surgeId", cohortSurges.get(i).surgeId());
        }
        store.create(rollout, new AuditRecord(AuditLog.newId(), rollout.createdBy(), "ROLLOUT_CREATED",
                "rollout/" + rollout.rolloutId(), "null", Json.write(view), now),
                cohortSurges.stream().map(surges::putNew).toList());
        return HttpResponse.of(201, view);
    }

    /**
     * The surges a rollout's cohorts register on the calendar (kind {@code COHORT}, one per cohort, in
     * cohort order): each cohort's own window, expecting enters at the rollout's planned admission rate —
     * the rate everything after the waiting room (signups, verification) is paced to.
     */
    static List<Surge> cohortSurges(Rollout r) {
        List<Surge> out = new ArrayList<>();
        for (Cohort c : r.cohorts()) {
            String name = r.name() + " / " + c.label();
            if (name.length() > Surge.NAME_MAX) {
                name = name.substring(0, Surge.NAME_MAX);
            }
            out.add(new Surge(SurgeStore.newId(c.closesAt()), name, SurgeKind.COHORT, c.opensAt(), c.closesAt(),
                    new ExpectedPeak(0, r.admissionRatePerSecond(), 0), r.createdBy(), r.createdAt(),
                    Optional.empty(), Optional.empty()));
        }
        return out;
    }

    private List<Cohort> cohorts(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty() || node.size() > Rollout.MAX_COHORTS) {
            throw ApiError.validation("cohorts", "'cohorts' must be an array of 1 to " + Rollout.MAX_COHORTS + " cohorts");
        }
        List<Cohort> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String at = "cohorts[" + i + "]";
            JsonNode c = node.get(i);
            if (!(c instanceof ObjectNode o)) {
                throw ApiError.validation(at, at + " must be an object");
            }
            RequestBody b = RequestBody.parse(Json.write(o)).allowOnly(COHORT_FIELDS);
            String id = field(at, "cohortId", () -> b.requiredString("cohortId", 64));
            String label = field(at, "label", () -> b.requiredString("label", 200));
            Instant opens = time(at + ".opensAt", field(at, "opensAt", () -> b.requiredString("opensAt", 40)));
            Instant closes = time(at + ".closesAt", field(at, "closesAt", () -> b.requiredString("closesAt", 40)));
            if (!opens.isBefore(closes)) {
                throw ApiError.validation(at + ".closesAt", "a cohort must close after it opens");
            }
            out.add(new Cohort(id, label, opens, closes));
        }
        return out;
    }

    private static String field(String at, String name, java.util.function.Supplier<String> read) {
        try {
            return read.get();
        } catch (ApiError e) {
            throw ApiError.validation(at + "." + name, e.getMessage());
        }
    }

    private Instant time(String field, String text) {
        return RequestBody.time(field, text, clock.instant());
    }

    private ObjectNode rolloutJson(Rollout r, HttpRequest request) {
        ObjectNode n = Json.object();
        n.put("rolloutId", r.rolloutId());
        n.put("name", r.name());
        n.put("admissionRatePerSecond", r.admissionRatePerSecond());
        n.put("admissionWindowSeconds", r.admissionWindow().toSeconds());
        n.put("createdBy", r.createdBy());
        n.put("createdAt", Rfc3339.format(r.createdAt()));
        ArrayNode cohorts = n.putArray("cohorts");
        for (Cohort c : r.cohorts()) {
            ObjectNode o = cohorts.addObject();
            o.put("cohortId", c.cohortId());
            o.put("label", c.label());
            o.put("opensAt", Rfc3339.format(c.opensAt()));
            o.put("closesAt", Rfc3339.format(c.closesAt()));
            o.put("link", CohortLinks.link(new CohortLink(r.rolloutId(), c.cohortId()), pageUrl(request), secret.key()));
        }
        return n;
    }

    private String pageUrl(HttpRequest request) {
        return pageUrl.orElseGet(() -> "http://" + request.header("host").orElse("127.0.0.1") + "/");
    }

    private HttpResponse showRollout(HttpRequest request) {
        String id = request.pathParameter("rolloutId");
        WaitingRoomStore.RolloutState rs = (ROLLOUT_ID.matcher(id).matches() ? store.rollout(id) : Optional.<WaitingRoomStore.RolloutState>empty())
                .orElseThrow(() -> new ApiError(ErrorCode.ROLLOUT_NOT_FOUND, "no rollout " + id));
        Instant now = clock.instant();
        ObjectNode n = rolloutJson(rs.rollout(), request);
        n.put("admissionRateNow", rate(rs.rollout().admissionRatePerSecond() * rs.factorMilli()));
        n.put("verifierSignal", rs.signal());
        n.put("healthFactor", rate(rs.factorMilli()));
        rs.lastTickAt().ifPresent(t -> n.put("lastTickAt", Rfc3339.format(t)));
        for (JsonNode c : n.withArray("cohorts")) {
            ObjectNode o = (ObjectNode) c;
            String cid = o.get("cohortId").asText();
            CohortState st = store.cohort(id, cid, true).orElseThrow();
            long entered = stripes.total(store.stripeCounts(id, cid));
            o.put("phase", st.cohort().phaseAt(now).name());
            o.put("entered", entered);
            o.put("waiting", Math.max(0, entered - st.admitted()));
            o.put("admitted", st.admitted());
            o.put("signedUp", store.signedUp(id, cid));
            o.put("servingPosition", st.serving());
            o.put("admissionRatePerSecondNow", rate(st.rateNowMilli()));
        }
        return HttpResponse.of(200, n);
    }

    /** A rate or factor in thousandths as the contract writes decimals: a string ("12.5", "1"). */
    private static String rate(long milli) {
        return java.math.BigDecimal.valueOf(milli, 3).stripTrailingZeros().toPlainString();
    }

    // ---- the waiting room -----------------------------------------------------------------------

    private HttpResponse enter(HttpRequest request) {
        RequestBody body = request.jsonBody().allowOnly(Set.of("link", "deviceId"));
        String link = body.requiredString("link", 8192);
        String rawDevice = body.requiredString("deviceId", 128);
        if (!DEVICE_ID.matcher(rawDevice).matches()) {
            throw ApiError.validation("deviceId", "'deviceId' must be 8 to 128 of A-Z a-z 0-9 _ -");
        }
        // one device, one spelling: ids are compared (and hashed into the ticket id) in lower case
        String device = rawDevice.toLowerCase(java.util.Locale.ROOT);
        dev.holdfast.domain.risk.RiskConfig.RateLimits rates = config.current().rateLimits();
        java.util.OptionalLong deviceWait = limits.device(device, rates.entersPerDevicePerMinute(), clock.instant());
        if (deviceWait.isPresent()) {
            return rateLimited(deviceWait.getAsLong(), "this device entered too often; retry later");
        }
        CohortLink cohort = CohortLinks.verify(link, secret.key())
                .orElseThrow(() -> new ApiError(ErrorCode.INVALID_LINK, "this link is not one Holdfast issued"));
        CohortState state = state(cohort.rolloutId(), cohort.cohortId())
                .orElseThrow(() -> new ApiError(ErrorCode.INVALID_LINK, "this link's rollout does not exist"));
        String ticketId = ticketId(cohort, device);
        Optional<Ticket> existing = store.ticket(ticketId);
        if (existing.isPresent()) {
            return IdempotentReplay.replayed(201, entered(existing.get(), state));
        }
        Instant now = clock.instant();
        switch (state.cohort().phaseAt(now)) {
            case NOT_OPEN -> {
                ObjectNode d = Json.object();
                d.put("opensAt", Rfc3339.format(state.cohort().opensAt()));
                throw new ApiError(ErrorCode.COHORT_NOT_OPEN, "this cohort opens at " + d.get("opensAt").asText(), d);
            }
            case CLOSED -> {
                ObjectNode d = Json.object();
                d.put("closesAt", Rfc3339.format(state.cohort().closesAt()));
                throw new ApiError(ErrorCode.COHORT_CLOSED, "this cohort closed at " + d.get("closesAt").asText(), d);
            }
            case OPEN -> { }
        }
        // a new place: limited per source address and cohort (queue stuffing from one address)
        java.util.OptionalLong addressWait = limits.address(request.sourceIp(), cohort.rolloutId(), cohort.cohortId(),
                rates.entersPerAddressPerMinute(), now);
        if (addressWait.isPresent()) {
            return rateLimited(addressWait.getAsLong(), "too many new places from this address; retry later");
        }
        // claim the device's ticket first: of one device's concurrent enters only the claimant takes
        // a number, so no place is allocated that nobody holds
        Instant expires = state.cohort().closesAt().plus(TICKET_KEPT_AFTER_CLOSE);
        if (!store.claim(ticketId, cohort.rolloutId(), cohort.cohortId(), now, expires)) {
            Optional<Ticket> theirs = awaitPosition(ticketId);
            if (theirs.isPresent()) {
                return IdempotentReplay.replayed(201, entered(theirs.get(), state));
            }
            // the claimant never finished (it failed between its two writes): finish it here
        }
        int stripe = Math.floorMod(nextStripe.computeIfAbsent(cohort.rolloutId() + "#" + cohort.cohortId(),
                k -> new AtomicInteger()).getAndIncrement(), stripes.stripes());
        long n = store.allocate(cohort.rolloutId(), cohort.cohortId(), stripe);
        Ticket t = new Ticket(ticketId, cohort.rolloutId(), cohort.cohortId(), stripes.position(stripe, n), now, Optional.empty());
        WaitingRoomStore.TicketPut put = store.assignPosition(t);
        return put.created() ? HttpResponse.of(201, entered(put.ticket(), state))
                : IdempotentReplay.replayed(201, entered(put.ticket(), state));
    }

    /** {@code 429 RATE_LIMITED} with {@code Retry-After} and {@code details.retryAfterSeconds}. */
    private static HttpResponse rateLimited(long retryAfterSeconds, String message) {
        ObjectNode d = Json.object();
        d.put("retryAfterSeconds", retryAfterSeconds);
        return HttpResponse.of(429, new ApiError(ErrorCode.RATE_LIMITED, message, d).body())
                .withHeader("Retry-After", Long.toString(retryAfterSeconds));
    }

    /**
     * How a duplicate enter waits for the claimant's position before finishing the ticket itself:
     * for 3 s, reading again after a pause of 5 ms doubling to 100 ms.
     */
    private static final Retry CLAIM_WAIT = Retry.within(java.time.Duration.ofSeconds(3))
            .backOff(java.time.Duration.ofMillis(5), java.time.Duration.ofMillis(100));

    private Optional<Ticket> awaitPosition(String ticketId) {
        Retry.Turns turns = CLAIM_WAIT.start();
        while (true) {
            Optional<Ticket> t = store.ticket(ticketId);
            if (t.isPresent() || !turns.next()) {
                return t;
            }
            turns.backOff();
            if (Thread.currentThread().isInterrupted()) {
                return Optional.empty();
            }
        }
    }

    private ObjectNode entered(Ticket t, CohortState state) {
        long ahead = QueueView.aheadOnEntry(t.position(), state.serving());
        long eta = QueueView.etaSeconds(ahead, state.effectiveRateMilli());
        ObjectNode n = Json.object();
        n.put("ticketId", t.ticketId());
        n.put("cohortId", t.cohortId());
        n.put("position", t.position());
        n.put("servingPosition", state.serving());
        n.put("aheadOfYou", ahead);
        n.put("estimatedWaitSeconds", eta);
        n.put("pollAfterSeconds", QueueView.pollAfterSeconds(eta));
        return n;
    }

    private HttpResponse poll(HttpRequest request) {
        String id = request.pathParameter("ticketId");
        Ticket t = (TICKET_ID.matcher(id).matches() ? store.ticket(id) : Optional.<Ticket>empty())
                .orElseThrow(() -> new ApiError(ErrorCode.TICKET_NOT_FOUND, "no ticket " + id));
        CohortState state = state(t.rolloutId(), t.cohortId()).orElseThrow();
        ObjectNode n = Json.object();
        n.put("ticketId", t.ticketId());
        n.put("cohortId", t.cohortId());
        n.put("position", t.position());
        if (t.position() > state.serving()) {
            long ahead = QueueView.ahead(stripes, t.position(), state.serving(), state.counts());
            long eta = QueueView.etaSeconds(ahead, state.effectiveRateMilli());
            n.put("status", "WAITING");
            n.put("servingPosition", state.serving());
            n.put("aheadOfYou", ahead);
            n.put("estimatedWaitSeconds", eta);
            n.put("pollAfterSeconds", QueueView.pollAfterSeconds(eta));
            return HttpResponse.of(200, n);
        }
        Instant admittedAt = t.admittedAt().orElseGet(() -> store.markAdmitted(t.ticketId(),
                store.admissionTime(t.rolloutId(), t.cohortId(), t.position()).orElse(clock.instant())));
        Instant expiresAt = admittedAt.plus(state.admissionWindow());
        if (!clock.instant().isBefore(expiresAt)) {
            n.put("status", "EXPIRED");
            n.put("expiredAt", Rfc3339.format(expiresAt));
            return HttpResponse.of(200, n);
        }
        n.put("status", "ADMITTED");
        n.put("admissionToken", AdmissionTokens.sign(
                new AdmissionToken(t.ticketId(), t.rolloutId(), t.cohortId(), admittedAt, expiresAt), secret.key()));
        n.put("admittedAt", Rfc3339.format(admittedAt));
        n.put("expiresAt", Rfc3339.format(expiresAt));
        return HttpResponse.of(200, n);
    }

    private Optional<CohortState> state(String rolloutId, String cohortId) {
        String k = rolloutId + "#" + cohortId;
        Instant now = clock.instant();
        Cached c = states.get(k);
        if (c != null && now.isBefore(c.readAt().plus(STATE_CACHE))) {
            return Optional.of(c.state());
        }
        Optional<CohortState> fresh = store.cohort(rolloutId, cohortId, false);
        fresh.ifPresent(s -> states.put(k, new Cached(s, now)));
        return fresh;
    }

    private String ticketId(CohortLink cohort, String device) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.key(), "HmacSHA256"));
            byte[] h = mac.doFinal(("ticket|" + cohort.rolloutId() + "|" + cohort.cohortId() + "|" + device)
                    .getBytes(StandardCharsets.UTF_8));
            return "t-" + Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(h, 16));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
