package dev.holdfast.functions.signup;

import dev.holdfast.runtime.Deployment;
import dev.holdfast.functions.runtime.Invocation;
import dev.holdfast.persistence.signups.SignupStore;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.domain.signup.SignupStatus;
import dev.holdfast.functions.runtime.JsonLog;
import dev.holdfast.functions.schedule.Ticks;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Makes sure no PENDING signup is forgotten: every 10 s (in AWS one invocation a minute looping
 * inside it) it reads the pending marks (a handful of partitions that hold exactly the unfinished
 * signups, oldest first: a query, never a scan) and enqueues every signup still PENDING
 * {@value #DEFAULT_AFTER_SECONDS} s after it was made — its first send lost after the commit, or its
 * message dead-lettered after a long verifier outage. The deduplication id names the signup and the
 * minute (at most one extra message a minute per signup); the worker is idempotent, so an extra
 * message costs a read.
 */
public final class SignupRedrive implements RequestHandler<Map<String, Object>, Void> {
    static final long DEFAULT_AFTER_SECONDS = 30;
    private static final int LIMIT_PER_SHARD = 250;

    private final SignupStore signups;
    private final SignupQueue queue;
    private final Clock clock;
    private final JsonLog log = new JsonLog("signup-redrive");

    public SignupRedrive() {
        this(Deployment.fromEnvironment());
        // SnapStart priming: the pending-marks query with a cutoff nothing is older than (read only, nothing sent)
        dev.holdfast.functions.runtime.Priming.register(dev.holdfast.resources.Functions.SIGNUP_REDRIVE,
                Deployment.fromEnvironment(), () -> signups.pendingBefore(java.time.Instant.EPOCH, 1));
    }

    public SignupRedrive(Deployment deployment) {
        this.signups = new SignupStore(deployment, null);
        this.queue = new SignupQueue(deployment);
        this.clock = deployment.clock();
    }

    @Override
    public Void handleRequest(Map<String, Object> event, Context context) {
        try (Invocation.Scope invocation = Invocation.begin(getClass(), context)) {
            return handle(event, context);
        }
    }

    private Void handle(Map<String, Object> event, Context context) {
        long after = Math.max(0, Ticks.number(event, "afterSeconds", (int) DEFAULT_AFTER_SECONDS));
        Ticks.of(event, dev.holdfast.resources.Triggers.REDRIVE_EVERY_SECONDS).run(context, () -> {
            int sent = redriveOlderThan(Duration.ofSeconds(after));
            ObjectNode line = log.line("INFO", context == null ? null : context.getAwsRequestId(), "signup re-drive");
            line.put("reEnqueued", sent);
            log.write(line);
        });
        return null;
    }

    /** Enqueues every signup PENDING for at least {@code age}; returns how many it sent. */
    public int redriveOlderThan(Duration age) {
        Instant now = clock.instant();
        int sent = 0;
        for (SignupStore.PendingSignup p : signups.pendingBefore(now.minus(age), LIMIT_PER_SHARD)) {
            boolean pending = signups.signup(p.signupId()).map(s -> s.status() == SignupStatus.PENDING).orElse(false);
            if (pending) {
                queue.send(p.signupId(), p.signupId() + "-r" + now.getEpochSecond() / 60);
                sent++;
            }
        }
        return sent;
    }
}
