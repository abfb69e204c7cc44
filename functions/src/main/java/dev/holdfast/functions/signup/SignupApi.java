package dev.holdfast.functions.signup;

import dev.holdfast.functions.http.IdempotentReplay;
import dev.holdfast.persistence.Contention;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.signups.SignupStore;
import dev.holdfast.persistence.signups.VerifierStats;
import dev.holdfast.persistence.wallet.WalletStore;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.token.AdmissionTokens;
import dev.holdfast.api.ApiError;
import dev.holdfast.api.ErrorCode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.signup.Person;
import dev.holdfast.domain.signup.Signup;
import dev.holdfast.domain.signup.SignupIds;
import dev.holdfast.domain.signup.SignupStatus;
import dev.holdfast.domain.waitingroom.AdmissionToken;
import dev.holdfast.functions.http.HttpFunction;
import dev.holdfast.functions.http.HttpRequest;
import dev.holdfast.functions.http.HttpResponse;
import dev.holdfast.functions.runtime.JsonLog;
import dev.holdfast.functions.waitingroom.SigningSecret;
import dev.holdfast.resources.Functions;
import dev.holdfast.retry.Retry;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /signup} and {@code GET /signup/{signupId}}.
 *
 * <p>{@code POST /signup} carries the waiting room's admission token ({@code Authorization: Bearer},
 * checked here: the route has no API Gateway authorizer). A signup is ONE transaction: the
 * admission's use (keyed by its ticket, put only if absent — a token is good for one signup), the
 * PENDING signup (a random 128-bit id) and its pending mark, and a check that the platform is not
 * READ_ONLY; then one message to {@code holdfast-signups.fifo} (group and dedup id = the signup id).
 * The answer is {@code 202 {"signupId", "status": "PENDING"}}.
 *
 * <p>The same token again: with the same body, the same {@code 202} (header
 * {@code Idempotent-Replayed: true}, also for racing duplicates) and the message is sent again while
 * the signup is PENDING (a send lost after the commit heals); with another body,
 * {@code 409 ADMISSION_ALREADY_USED} with {@code details.signupId}. No or a bad token is
 * {@code 401 UNAUTHENTICATED}, an expired one {@code 401 ADMISSION_EXPIRED}; READ_ONLY is
 * {@code 503 TRADING_HALTED} with the notice. Nothing is recorded for a 400, 401 or 503.
 */
public final class SignupApi extends HttpFunction {
    /** A raced or briefly refused signup commit is tried again, up to 25 tries. */
    private static final Retry RETRY = Retry.attempts(25);

    private final SignupStore signups;
    private final SignupQueue queue;
    private final VerifierStats stats;
    private final Map<String, String> environment;
    private volatile SigningSecret secret;
    private final Clock clock;
    private final JsonLog log = new JsonLog("signup");

    public SignupApi() {
        this(Deployment.fromEnvironment(), System.getenv());
        dev.holdfast.functions.runtime.Priming.register(dev.holdfast.resources.Functions.SIGNUP, Deployment.fromEnvironment(), () -> {
            // a signup that does not exist (404) and one without a token (401): never the signing secret
            handleRequest(dev.holdfast.functions.runtime.Priming.http("GET /signup/{signupId}")
                    .path("signupId", "s-00000000000000000000000000000000").event(), null);
            handleRequest(dev.holdfast.functions.runtime.Priming.http("POST /signup")
                    .body("{\"name\":\"Stub\",\"birthDate\":\"1990-01-01\",\"phone\":\"+821000000000\",\"region\":\"x\"}").event(), null);
        });
    }

    /** With the signing secret of the process environment. */
    public SignupApi(Deployment deployment) {
        this(deployment, System.getenv());
    }

    /** With the signing secret named by {@code environment} (resolved on the first signup). */
    public SignupApi(Deployment deployment, Map<String, String> environment) {
        super(Functions.SIGNUP);
        // the wallet is not touched here; the store only needs it to open accounts (the worker)
        this.signups = new SignupStore(deployment, (WalletStore) null);
        this.queue = new SignupQueue(deployment);
        this.stats = new VerifierStats(deployment);
        this.environment = Map.copyOf(environment);
        this.clock = deployment.clock();
        serve("POST /signup", this::create);
        serve("GET /signup/{signupId}", this::get);
    }

    private HttpResponse get(HttpRequest request) {
        String id = request.pathParameter("signupId");
        Signup s = (SignupIds.wellFormed(id) ? signups.signup(id) : Optional.<Signup>empty())
                .orElseThrow(() -> new ApiError(ErrorCode.SIGNUP_NOT_FOUND, "no such signup"));
        ObjectNode n = Json.object();
        n.put("signupId", s.signupId());
        n.put("status", s.status().name());
        if (s.accountId() != null) {
            n.put("accountId", s.accountId());
        }
        if (s.rejectionReason() != null) {
            n.put("rejectionReason", s.rejectionReason());
        }
        return HttpResponse.of(200, n);
    }

    private HttpResponse create(HttpRequest request) {
        Instant now = clock.instant();
        AdmissionToken admission = admission(request, now);
        Person person = SignupRequest.parse(request.jsonBody(), LocalDate.ofInstant(now, ZoneOffset.UTC));

        Optional<SignupStore.AdmissionUse> used = signups.admissionUse(admission.ticketId());
        if (used.isPresent()) {
            return replay(used.get(), person, request.requestId());
        }
        signups.signupsRefused().ifPresent(SignupApi::refuse);
        Signup s = Signup.pending(SignupIds.random(), admission.ticketId(), admission.rolloutId(),
                admission.cohortId(), person, now);
        for (Retry.Turns turns = RETRY.start(); turns.next(); ) {
            SignupStore.CreateOutcome created = signups.create(s, admission.expiresAt());
            if (created instanceof SignupStore.AdmissionUsed first) {
                return replay(first.use(), person, request.requestId()); // a racing duplicate won
            }
            if (created instanceof SignupStore.SignupsClosed) {
                signups.signupsRefused().ifPresent(SignupApi::refuse);
                continue; // read-only was lifted in between
            }
            if (created instanceof SignupStore.Raced) {
                Optional<SignupStore.AdmissionUse> won = signups.admissionUse(admission.ticketId());
                if (won.isPresent()) {
                    return replay(won.get(), person, request.requestId());
                }
                turns.backOff();
                continue;
            }
            try {
                stats.submitted();
            } catch (RuntimeException e) {
                warn(request.requestId(), "signup committed but not counted as submitted", s.signupId(), e);
            }
            enqueue(s.signupId(), request.requestId());
            return HttpResponse.of(202, accepted(s.signupId()));
        }
        throw new ApiError(ErrorCode.SERVICE_UNAVAILABLE,
                "the signup could not be committed; nothing was recorded, retrying with the same admission is safe");
    }

    private static void refuse(Optional<String> notice) {
        ObjectNode d = Json.object();
        d.put("reason", "MAINTENANCE");
        d.put("notice", notice.orElse(null));
        throw new ApiError(ErrorCode.TRADING_HALTED, "signups are paused while the platform is read-only; "
                + "nothing was recorded, the admission is still good until it expires", d);
    }

    /** The admission the bearer token carries, or the contract's 401. */
    private AdmissionToken admission(HttpRequest request, Instant now) {
        String auth = request.header("Authorization").orElse("");
        if (!auth.regionMatches(true, 0, "Bearer ", 0, 7) || auth.substring(7).isBlank()) {
            throw new ApiError(ErrorCode.UNAUTHENTICATED, "an admission token is required (Authorization: Bearer)");
        }
        try {
            return AdmissionTokens.verify(auth.substring(7).trim(), secret().key(), now);
        } catch (AdmissionToken.Refused r) {
            if (r.refusal() == AdmissionToken.Refusal.EXPIRED) {
                throw new ApiError(ErrorCode.ADMISSION_EXPIRED,
                        "the admission expired; enter the waiting room again with your link");
            }
            throw new ApiError(ErrorCode.UNAUTHENTICATED, "the admission token is not valid");
        }
    }

    private SigningSecret secret() {
        SigningSecret s = secret;
        if (s == null) {
            s = SigningSecret.from(environment);
            secret = s;
        }
        return s;
    }

    private HttpResponse replay(SignupStore.AdmissionUse use, Person person, String requestId) {
        IdempotentReplay.requireSameRequest(use.fingerprint(), person.fingerprint(), () -> {
            ObjectNode d = Json.object();
            d.put("signupId", use.signupId());
            return new ApiError(ErrorCode.ADMISSION_ALREADY_USED,
                    "this admission was already used for a signup; an admission is good for one signup", d);
        });
        Optional<Signup> s = signups.signup(use.signupId());
        if (s.isPresent() && s.get().status() == SignupStatus.PENDING) {
            enqueue(use.signupId(), requestId); // the first send may have been lost after the commit
        }
        return IdempotentReplay.replayed(202, accepted(use.signupId()));
    }

    private static ObjectNode accepted(String signupId) {
        ObjectNode n = Json.object();
        n.put("signupId", signupId);
        n.put("status", SignupStatus.PENDING.name());
        return n;
    }

    /** Best effort: the signup is committed; a lost send is healed by a replay or the re-drive. */
    private void enqueue(String signupId, String requestId) {
        try {
            queue.send(signupId, signupId);
        } catch (RuntimeException e) {
            warn(requestId, "signup committed but not enqueued; a replay or the re-drive will", signupId, e);
        }
    }

    private void warn(String requestId, String message, String signupId, RuntimeException e) {
        ObjectNode line = log.line("WARN", requestId, message);
        line.put("signupId", signupId);
        line.put("exception", e.toString());
        log.write(line);
    }
}
