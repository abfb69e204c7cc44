package dev.holdfast.functions.withdrawals;

import dev.holdfast.resources.Variables;
import dev.holdfast.functions.runtime.Invocation;
import dev.holdfast.persistence.Contention;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.FaultPoint;
import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.persistence.wallet.WalletStore;
import dev.holdfast.persistence.withdrawals.WithdrawalStore;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.domain.wallet.Account;
import dev.holdfast.domain.wallet.Posting;
import dev.holdfast.domain.withdrawal.Withdrawal;
import dev.holdfast.domain.withdrawal.WithdrawalStatus;
import dev.holdfast.functions.runtime.JsonLog;
import dev.holdfast.functions.queue.FifoBatch;
import dev.holdfast.functions.runtime.Priming;
import dev.holdfast.resources.Functions;
import dev.holdfast.retry.Retry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Pays withdrawals from {@code holdfast-withdrawals.fifo} (group = account) through
 * {@link BankTransfers}. The transfer id is always the withdrawal id.
 *
 * <p><b>Protocol</b>, for a withdrawal that is still PENDING:
 * <ol>
 *   <li>If an earlier attempt mark exists, that attempt may have reached the bank. Unless it is
 *       older than the attempt lease (the function's timeout: no invocation that wrote it can still
 *       be running), stop and retry later. Otherwise ask {@link BankTransfers#status} FIRST:
 *       CONFIRMED → complete, REFUSED → fail, PENDING_AT_BANK → retry later, and only UNKNOWN (the
 *       bank never got it) lets the worker send.</li>
 *   <li>Write the durable attempt mark ({@code ATTEMPT#n}, conditional on the withdrawal being
 *       PENDING and on {@code n} being new), and only then send.</li>
 *   <li>CONFIRMED → COMPLETED, REFUSED → FAILED, through {@link WithdrawalStore#finish}
 *       (invariant {@code withdrawal-finish} in {@code docs/invariants.md}). No answer (timeout, hang, late answer) → the withdrawal stays
 *       PENDING and the message fails, to come back after the visibility timeout; after
 *       {@code maxReceiveCount} it is dead-lettered and {@link WithdrawalRedrive} enqueues it again.</li>
 * </ol>
 * While the platform mode is not NORMAL no new transfer is sent (step 2 waits, {@link Held});
 * step 1's status questions and the verdicts they bring still run.
 * So a transfer is sent again only after the bank said it never received it (invariant
 * {@code ask-before-resend} in {@code docs/invariants.md}). A crash after any write resumes at the next delivery. Failed messages fail alone (partial batch
 * response) and so do the later messages of the same group, so one account's order holds.
 */
public final class WithdrawalWorker implements RequestHandler<SQSEvent, SQSBatchResponse> {
    /** Environment variable overriding the attempt lease (milliseconds); default the function's timeout. */
    public static final String LEASE_VARIABLE = Variables.WITHDRAWAL_ATTEMPT_LEASE_MS;
    /** A verdict whose account changed meanwhile is reapplied to the account as it is now, up to 25 tries. */
    private static final Retry RETRY = Retry.attempts(25);

    private final WalletStore wallet;
    private final WithdrawalStore withdrawals;
    private final BankTransfers bank;
    private final FaultPoint faults;
    private final dev.holdfast.persistence.platform.StatusStore status;
    private final Duration lease;
    private final Clock clock;
    private final JsonLog log = new JsonLog("withdrawal-worker");

    /** Lambda's entry. */
    public WithdrawalWorker() {
        this(Deployment.fromEnvironment(), System.getenv());
        Priming.register(Functions.WITHDRAWAL_WORKER, Deployment.fromEnvironment(), this::prime);
    }

    /** SnapStart priming's stub work (see {@link Priming}); side-effect free on real data. */
    private void prime() {
        // a batch naming a withdrawal that does not exist: one read that misses, the bank is not called
        SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
        m.setMessageId("snapstart-priming");
        m.setBody(WithdrawalQueue.body(Priming.ABSENT_KEY));
        m.setAttributes(java.util.Map.of("MessageGroupId", "snapstart-priming"));
        SQSEvent event = new SQSEvent();
        event.setRecords(java.util.List.of(m));
        handleRequest(event, null);
    }

    /** With the bank of the process environment ({@code BANK_URL}). */
    public WithdrawalWorker(Deployment deployment) {
        this(deployment, System.getenv());
    }

    /** With the bank and lease given by {@code environment} (the local environment passes its stand-in bank). */
    public WithdrawalWorker(Deployment deployment, Map<String, String> environment) {
        this(deployment, HttpBankTransfers.fromEnvironment(environment), FaultPoint.NONE, lease(environment));
        // a message is started only while there is time for two bank calls (status, send) and the commits
        this.reserveMillis = 2 * dev.holdfast.functions.provider.JsonClient.timeout(environment,
                HttpBankTransfers.TIMEOUT_VARIABLE, HttpBankTransfers.DEFAULT_TIMEOUT_MS).toMillis() + 1_000;
    }

    /** A message is started only while the invocation has this much time left; 0 for no limit. */
    private long reserveMillis;

    /**
     * @param faults step boundaries for fault injection ({@link FaultPoint#NONE} in production):
     *               {@code attempt-recorded}, {@code bank-answered}, {@code completed}, {@code failed}
     * @param lease  how long an attempt may still be in flight after its mark was written
     */
    public WithdrawalWorker(Deployment deployment, BankTransfers bank, FaultPoint faults, Duration lease) {
        AuditLog audit = new AuditLog(deployment);
        this.wallet = new WalletStore(deployment, audit);
        this.withdrawals = new WithdrawalStore(deployment, wallet);
        this.bank = bank;
        this.faults = faults;
        this.status = new dev.holdfast.persistence.platform.StatusStore(deployment, audit);
        this.lease = lease;
        this.clock = deployment.clock();
    }

    private static Duration lease(Map<String, String> env) {
        try {
            String v = env.get(LEASE_VARIABLE);
            if (v != null) {
                return Duration.ofMillis(Long.parseLong(v));
            }
        } catch (NumberFormatException e) {
            // the default
        }
        return Duration.ofSeconds(Functions.WITHDRAWAL_WORKER.timeoutSeconds());
    }

    /** What one message did. */
    public enum Outcome { COMPLETED, FAILED, ALREADY_FINISHED, UNKNOWN_WITHDRAWAL }

    /** The withdrawal must be looked at again later (the message fails and comes back). */
    public static final class NotYet extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotYet(String message) {
            super(message, null, false, false);
        }
    }

    /** Money movement is halted: no new transfer is sent; the withdrawal waits for NORMAL. */
    public static final class Held extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Held(String withdrawalId) {
            super("money movement is halted: withdrawal " + withdrawalId + " is held until the mode is NORMAL", null, false, false);
        }
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        try (Invocation.Scope invocation = Invocation.begin(getClass(), context)) {
            return handle(event, context);
        }
    }

    private SQSBatchResponse handle(SQSEvent event, Context context) {
        return FifoBatch.process(event, log, "withdrawal not finished; will retry", context, reserveMillis, m -> {
            Optional<String> id = WithdrawalQueue.withdrawalId(m.getBody());
            if (id.isEmpty()) {
                log.write(log.line("WARN", m.getMessageId(), "withdrawal message names no withdrawal; dropped"));
                return;
            }
            Outcome o = process(id.get());
            ObjectNode line = log.line("INFO", m.getMessageId(), "withdrawal processed");
            line.put("withdrawalId", id.get());
            line.put("outcome", o.name());
            log.write(line);
        });
    }

    /**
     * Moves one withdrawal as far as the bank allows.
     *
     * @throws NotYet                       it stays PENDING for now (attempt in flight, bank still deciding)
     * @throws BankTransfers.Unanswered     the bank did not answer; it stays PENDING
     */
    public Outcome process(String withdrawalId) {
        Optional<WithdrawalStore.Progress> read = withdrawals.progress(withdrawalId);
        if (read.isEmpty()) {
            return Outcome.UNKNOWN_WITHDRAWAL;
        }
        Withdrawal w = read.get().withdrawal();
        if (w.status() != WithdrawalStatus.PENDING) {
            return Outcome.ALREADY_FINISHED;
        }
        Optional<WithdrawalStore.Attempt> latest = read.get().latest();
        if (latest.isPresent()) {
            Instant busyUntil = latest.get().startedAt().plus(lease);
            if (clock.instant().isBefore(busyUntil)) {
                throw new NotYet("attempt " + latest.get().number() + " may still be in flight until " + busyUntil);
            }
            BankTransfers.Answer known = bank.status(withdrawalId);
            switch (known.state()) {
                case CONFIRMED:
                    return finish(w, WithdrawalStatus.COMPLETED, null);
                case REFUSED:
                    return finish(w, WithdrawalStatus.FAILED, known.reason());
                case PENDING_AT_BANK:
                    throw new NotYet("the bank is still deciding on " + withdrawalId);
                case UNKNOWN:
                default:
                    break; // the bank never received it: sending is safe
            }
        }
        // a NEW transfer goes to the bank only while money may move; a held withdrawal stays
        // PENDING (its message fails and comes back, or the re-drive enqueues it) and proceeds by
        // itself once the mode is NORMAL again. Transfers the bank already has were asked about above.
        if (!status.read().mode().allowsMoneyMovement()) {
            throw new Held(withdrawalId);
        }
        int next = read.get().attempts().size() + 1;
        WithdrawalStore.AttemptOutcome attempt = withdrawals.recordAttempt(withdrawalId, next, clock.instant());
        if (attempt instanceof WithdrawalStore.NotPending) {
            return Outcome.ALREADY_FINISHED;
        }
        if (attempt instanceof WithdrawalStore.AttemptTaken) {
            throw new NotYet("another worker took attempt " + next);
        }
        faults.reached("attempt-recorded");
        BankTransfers.Answer answer = bank.send(withdrawalId, w.amount(), w.destination());
        faults.reached("bank-answered");
        switch (answer.state()) {
            case CONFIRMED:
                return finish(w, WithdrawalStatus.COMPLETED, null);
            case REFUSED:
                return finish(w, WithdrawalStatus.FAILED, answer.reason());
            default:
                throw new NotYet("the bank answered " + answer.state() + " to " + withdrawalId);
        }
    }

    /** Commits the bank's verdict with its posting, retrying while the account changes under it. */
    private Outcome finish(Withdrawal w, WithdrawalStatus to, String reason) {
        for (Retry.Turns turns = RETRY.start(); turns.next(); ) {
            Account account = wallet.account(w.accountId());
            Instant now = clock.instant();
            Posting posting = to == WithdrawalStatus.COMPLETED
                    ? account.withdrawalPaid(w.withdrawalId(), w.amount(), now)
                    : account.releaseWithdrawal(w.withdrawalId(), w.amount(), now);
            WithdrawalStore.FinishOutcome finished = withdrawals.finish(w.withdrawalId(), to, reason, posting, now);
            if (finished instanceof WithdrawalStore.AlreadyFinished) {
                return Outcome.ALREADY_FINISHED;
            }
            if (finished instanceof WithdrawalStore.Raced) {
                turns.backOff();
                continue;
            }
            faults.reached(to == WithdrawalStatus.COMPLETED ? "completed" : "failed");
            return to == WithdrawalStatus.COMPLETED ? Outcome.COMPLETED : Outcome.FAILED;
        }
        throw new NotYet("account " + w.accountId() + " kept changing; the verdict will be committed on retry");
    }
}
