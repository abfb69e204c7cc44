package dev.holdfast.functions.signup;

import dev.holdfast.functions.runtime.Invocation;
import dev.holdfast.persistence.Contention;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.signups.SignupStore;
import dev.holdfast.persistence.signups.VerifierStats;
import dev.holdfast.persistence.wallet.WalletStore;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.domain.signup.Signup;
import dev.holdfast.domain.signup.SignupStatus;
import dev.holdfast.functions.runtime.JsonLog;
import dev.holdfast.functions.queue.FifoBatch;
import dev.holdfast.retry.Retry;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Verifies signups from {@code holdfast-signups.fifo} through the {@link IdentityVerifier} and opens
 * each verified signup's account, at most once.
 *
 * <p>For each message: load the signup; already VERIFIED or REJECTED → done (nothing twice). Else ask
 * the verifier (the verification id is the signup id, on every attempt):
 * <ul>
 *   <li>VERIFIED → ONE transaction: the signup PENDING→VERIFIED with its account id (conditional on
 *       PENDING), the account's empty wallet (conditional on absent) and one {@code ADD signedUp 1}
 *       on the cohort's counter. The account id is derived from the signup id, so every retry
 *       names the same account; the PENDING condition makes the first commit the only one.</li>
 *   <li>REJECTED → the signup PENDING→REJECTED with the reason; no account.</li>
 *   <li>VERIFIED, but the same person (name, birth date and phone, normalized: {@code Person#identityKey})
 *       already has an account → REJECTED {@code DUPLICATE_PERSON}. The VERIFIED transaction puts a
 *       {@code PERSON#<key>} item conditional on absent, so racing signups of one person cannot both win.</li>
 *   <li>Outage, timeout, 429, 5xx → the signup stays PENDING and the message fails alone (partial
 *       batch response); it comes back after the visibility timeout. After {@code maxReceiveCount}
 *       it is dead-lettered and {@link SignupRedrive} enqueues it again: no signup is lost.</li>
 * </ul>
 * {@link VerifierStats}: {@code called} once per verifier call, {@code finished} once per signup,
 * only by the delivery whose transaction moved it out of PENDING. In AWS a Cognito user would be
 * created before the commit (see {@code SignupIds}); this worker creates no Cognito user.
 */
public final class SignupWorker implements RequestHandler<SQSEvent, SQSBatchResponse> {
    /** A raced verdict commit is tried again, up to 10 tries. */
    private static final Retry RETRY = Retry.attempts(10);

    private final SignupStore signups;
    private final IdentityVerifier verifier;
    private final VerifierStats stats;
    private final Clock clock;
    private final JsonLog log = new JsonLog("signup-worker");

    public SignupWorker() {
        this(Deployment.fromEnvironment(), System.getenv());
        // SnapStart priming: the tables' read path and the batch loop on an empty batch (no verifier call)
        dev.holdfast.functions.runtime.Priming.register(dev.holdfast.resources.Functions.SIGNUP_WORKER, Deployment.fromEnvironment(),
                () -> {
                    SQSEvent empty = new SQSEvent();
                    empty.setRecords(java.util.List.of());
                    handleRequest(empty, null);
                });
    }

    /** With the verifier of the process environment. */
    public SignupWorker(Deployment deployment) {
        this(deployment, System.getenv());
    }

    /** With the verifier of {@code environment} ({@code VERIFIER_URL}; the local environment passes its stand-in). */
    public SignupWorker(Deployment deployment, Map<String, String> environment) {
        this(deployment, HttpIdentityVerifier.fromEnvironment(environment),
                dev.holdfast.functions.provider.JsonClient.timeout(environment, HttpIdentityVerifier.TIMEOUT_VARIABLE,
                        HttpIdentityVerifier.DEFAULT_TIMEOUT_MS).toMillis() + RESERVE_MARGIN_MS);
    }

    public SignupWorker(Deployment deployment, IdentityVerifier verifier) {
        this(deployment, verifier, 0);
    }

    /**
     * @param reserveMillis a message is started only while the invocation has this much time left
     *                      (one verifier call and its commit); 0 for no limit
     */
    public SignupWorker(Deployment deployment, IdentityVerifier verifier, long reserveMillis) {
        // no audit trail: opening an empty account is not an admin action and moves no money
        this.signups = new SignupStore(deployment, new WalletStore(deployment, null));
        this.verifier = verifier;
        this.stats = new VerifierStats(deployment);
        this.clock = deployment.clock();
        this.reserveMillis = reserveMillis;
    }

    /** Time for the commits around a provider call. */
    static final long RESERVE_MARGIN_MS = 1_000;
    private final long reserveMillis;

    /** What one message did. */
    public enum Outcome { VERIFIED, REJECTED, ALREADY_FINISHED, UNKNOWN_SIGNUP }

    /**
     * Once the verifier gave no answer in a batch (down, throttling), the batch's later signups fail
     * without calling it: a struggling provider gets one request per batch, not ten.
     */
    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        try (Invocation.Scope invocation = Invocation.begin(getClass(), context)) {
            return handle(event, context);
        }
    }

    private SQSBatchResponse handle(SQSEvent event, Context context) {
        AtomicReference<IdentityVerifier.Unavailable> down = new AtomicReference<>();
        return FifoBatch.process(event, log, "signup not verified yet; will retry", context, reserveMillis, m -> {
            Optional<String> id = SignupQueue.signupId(m.getBody());
            if (id.isEmpty()) {
                log.write(log.line("WARN", m.getMessageId(), "signup message names no signup; dropped"));
                return;
            }
            if (down.get() != null) {
                throw down.get();
            }
            Outcome o;
            try {
                o = process(id.get());
            } catch (IdentityVerifier.Unavailable u) {
                down.set(u);
                throw u;
            }
            ObjectNode line = log.line("INFO", m.getMessageId(), "signup processed");
            line.put("signupId", id.get());
            line.put("outcome", o.name());
            log.write(line);
        });
    }

    /**
     * Takes one signup as far as the verifier allows.
     *
     * @throws IdentityVerifier.Unavailable no definite answer: it stays PENDING, to be retried
     */
    public Outcome process(String signupId) {
        Optional<Signup> read = signups.signup(signupId);
        if (read.isEmpty()) {
            return Outcome.UNKNOWN_SIGNUP;
        }
        Signup s = read.get();
        if (s.status() != SignupStatus.PENDING) {
            return Outcome.ALREADY_FINISHED;
        }
        IdentityVerifier.Verdict verdict;
        long started = System.nanoTime();
        try {
            verdict = verifier.verify(signupId, s.person());
        } catch (RuntimeException e) {
            count(() -> stats.called(false, elapsedMs(started)));
            throw e instanceof IdentityVerifier.Unavailable u ? u : new IdentityVerifier.Unavailable(e.toString(), e);
        }
        count(() -> stats.called(true, elapsedMs(started)));
        for (Retry.Turns turns = RETRY.start(); turns.next(); ) {
            boolean verified = verdict.verified();
            SignupStore.VerifyOutcome outcome = verified
                    ? signups.verify(s, clock.instant())
                    : signups.reject(s, verdict.reason(), clock.instant());
            if (outcome instanceof SignupStore.DuplicatePerson) {
                // one verified person, one account: this person has one already
                verified = false;
                outcome = signups.reject(s, SignupStore.DUPLICATE_PERSON, clock.instant());
            }
            if (outcome instanceof SignupStore.NotPending) {
                return Outcome.ALREADY_FINISHED; // another delivery won; it counted the finish
            }
            if (outcome instanceof SignupStore.Raced) {
                turns.backOff();
                continue;
            }
            count(stats::finished);
            return verified ? Outcome.VERIFIED : Outcome.REJECTED;
        }
        throw new IllegalStateException("signup " + signupId + " kept colliding; the verdict will be committed on retry");
    }

    private static long elapsedMs(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    /** The stats steer admission; a failed count must not fail (and so repeat) a committed step. */
    private void count(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            ObjectNode line = log.line("WARN", null, "verifier stats not updated");
            line.put("exception", e.toString());
            log.write(line);
        }
    }
}
