package dev.holdfast.functions.withdrawals;

import dev.holdfast.runtime.Deployment;
import dev.holdfast.functions.runtime.Invocation;
import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.persistence.wallet.WalletStore;
import dev.holdfast.persistence.withdrawals.WithdrawalStore;
import com.amazonaws.services.lambda.runtime.Context;
import dev.holdfast.functions.runtime.Priming;
import dev.holdfast.functions.schedule.Ticks;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.domain.withdrawal.Withdrawal;
import dev.holdfast.domain.withdrawal.WithdrawalStatus;
import dev.holdfast.functions.runtime.JsonLog;
import dev.holdfast.resources.Functions;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Makes sure no PENDING withdrawal is ever forgotten: every 10 s (in AWS one invocation a minute
 * looping inside it) it reads the sparse {@code pending} index of the wallet table (only unfinished
 * withdrawals are in it, so this is never a scan) and enqueues every withdrawal still PENDING
 * {@value #DEFAULT_AFTER_SECONDS} s after it was created — whether its first send was lost after the
 * commit, or its message was dead-lettered after too many failed deliveries — so a lost message
 * costs well under a minute. The message's deduplication id names the withdrawal and the minute: SQS
 * never drops it as a copy of the dead-lettered one, and a withdrawal waiting on a slow bank gets at
 * most one extra message a minute; the worker is idempotent, so an extra message costs one read.
 */
public final class WithdrawalRedrive implements RequestHandler<Map<String, Object>, Void> {
    static final long DEFAULT_AFTER_SECONDS = 30;
    private static final int LIMIT = 1000;

    private final WithdrawalStore withdrawals;
    private final WithdrawalQueue queue;
    private final Clock clock;
    private final JsonLog log = new JsonLog("withdrawal-redrive");

    public WithdrawalRedrive() {
        this(Deployment.fromEnvironment());
        Priming.register(Functions.WITHDRAWAL_REDRIVE, Deployment.fromEnvironment(), this::prime);
    }

    /** SnapStart priming's stub work (see {@link Priming}); side-effect free on real data. */
    private void prime() {
        // the pending-withdrawals query with a cutoff nothing is older than: read only, nothing sent
        withdrawals.pendingSince(Instant.EPOCH, 1);
    }

    public WithdrawalRedrive(Deployment deployment) {
        AuditLog audit = new AuditLog(deployment);
        this.withdrawals = new WithdrawalStore(deployment, new WalletStore(deployment, audit));
        this.queue = new WithdrawalQueue(deployment);
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
            ObjectNode line = log.line("INFO", context == null ? null : context.getAwsRequestId(), "withdrawal re-drive");
            line.put("reEnqueued", sent);
            log.write(line);
        });
        return null;
    }

    /** Enqueues every withdrawal PENDING for at least {@code age}; returns how many it sent. */
    public int redriveOlderThan(Duration age) {
        Instant now = clock.instant();
        List<String> ids = withdrawals.pendingSince(now.minus(age), LIMIT);
        int sent = 0;
        for (String id : ids) {
            Optional<Withdrawal> w = withdrawals.withdrawal(id); // the index lags: re-read
            if (w.isPresent() && w.get().status() == WithdrawalStatus.PENDING) {
                queue.send(w.get(), id + "-r" + now.getEpochSecond() / 60);
                sent++;
            }
        }
        return sent;
    }
}
