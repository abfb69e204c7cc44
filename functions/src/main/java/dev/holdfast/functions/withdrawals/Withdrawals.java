package dev.holdfast.functions.withdrawals;

import dev.holdfast.functions.http.IdempotentReplay;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.KeyedCommit;
import dev.holdfast.persistence.platform.StatusStore;
import dev.holdfast.persistence.wallet.WalletStore;
import dev.holdfast.persistence.withdrawals.StoredWithdrawal;
import dev.holdfast.persistence.withdrawals.WithdrawalStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.ApiError;
import dev.holdfast.api.ErrorCode;
import dev.holdfast.api.Json;
import dev.holdfast.api.RequestBody;
import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.wallet.Account;
import dev.holdfast.domain.wallet.Posting;
import dev.holdfast.domain.withdrawal.Destination;
import dev.holdfast.domain.withdrawal.Withdrawal;
import dev.holdfast.domain.withdrawal.WithdrawalIds;
import dev.holdfast.domain.withdrawal.WithdrawalRequest;
import dev.holdfast.domain.withdrawal.WithdrawalStatus;
import dev.holdfast.functions.http.AccountTurns;
import dev.holdfast.functions.http.HttpRequest;
import dev.holdfast.functions.platform.MoneyMovement;
import dev.holdfast.functions.platform.MoneyMovement;
import dev.holdfast.functions.http.HttpResponse;
import dev.holdfast.functions.runtime.JsonLog;
import dev.holdfast.functions.withdrawals.WithdrawalJson;
import dev.holdfast.functions.withdrawals.WithdrawalQueue;
import dev.holdfast.retry.Retry;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /wallet/withdrawals} and {@code GET /wallet/withdrawals/{withdrawalId}}.
 *
 * <p>A withdrawal holds its cash at once, in ONE transaction: the withdrawal item (its id derived
 * from the caller's {@code sub} and {@code Idempotency-Key}, put only if new: it is the idempotency
 * record), a condition that the platform is NORMAL, and the WITHDRAWAL_HOLD posting (CASH −x, held
 * +x, conditional on the account's revision). Then its payout is enqueued; if that send fails the
 * withdrawal is not lost: a replay of the same key sends again, and {@code WithdrawalRedrive}
 * enqueues every withdrawal left PENDING.
 *
 * <p>Idempotency as for orders (invariant {@code idempotent-replay} in {@code docs/invariants.md}):
 * one hold in all for racing duplicates. <b>Not enough cash</b> ({@code 422 INSUFFICIENT_FUNDS}; bonus
 * can't be withdrawn) is <em>not recorded</em>: nothing was held and there is nothing to track, so
 * the same key may be used again once the cash is there. Validation errors, 401, 503 record nothing.
 */
public final class Withdrawals {
    static final int BANK_MAX = 64;
    static final int ACCOUNT_MAX = 64;
    /**
     * How long one withdrawal keeps retrying while its account changes under it: long enough for
     * dozens of the same account's calls in flight to take turns, well inside the function's
     * timeout ({@code Functions.WALLET}: 10 s).
     */
    static final java.time.Duration BUDGET = java.time.Duration.ofSeconds(9);
    private final AccountTurns turns = new AccountTurns();

    private final WalletStore wallet;
    private final WithdrawalStore withdrawals;
    private final StatusStore status;
    private final WithdrawalQueue queue;
    private final Clock clock;
    private final JsonLog log = new JsonLog("wallet");

    public Withdrawals(Deployment deployment, WalletStore wallet, StatusStore status) {
        this.wallet = wallet;
        this.withdrawals = new WithdrawalStore(deployment, wallet);
        this.status = status;
        this.queue = new WithdrawalQueue(deployment);
        this.clock = deployment.clock();
    }

    public HttpResponse get(HttpRequest request) {
        String sub = request.requireCaller().sub();
        String id = request.pathParameter("withdrawalId");
        Optional<Withdrawal> w = WithdrawalIds.wellFormed(id) ? withdrawals.withdrawal(id) : Optional.empty();
        return w.filter(x -> x.accountId().equals(sub))
                .map(x -> HttpResponse.of(200, WithdrawalJson.view(x)))
                .orElseThrow(() -> new ApiError(ErrorCode.WITHDRAWAL_NOT_FOUND, "no such withdrawal"));
    }

    /** {@code GET /admin/withdrawals/{id}}: any account's withdrawal, with its owner and the bank attempts so far. */
    public HttpResponse adminGet(HttpRequest request) {
        String id = request.pathParameter("withdrawalId");
        Optional<WithdrawalStore.Progress> p = WithdrawalIds.wellFormed(id) ? withdrawals.progress(id) : Optional.empty();
        WithdrawalStore.Progress progress = p.orElseThrow(() -> new ApiError(ErrorCode.WITHDRAWAL_NOT_FOUND, "no such withdrawal"));
        ObjectNode n = WithdrawalJson.view(progress.withdrawal());
        n.put("accountId", progress.withdrawal().accountId());
        var attempts = n.putArray("bankAttempts");
        for (WithdrawalStore.Attempt a : progress.attempts()) {
            ObjectNode o = attempts.addObject();
            o.put("attempt", a.number());
            o.put("startedAt", dev.holdfast.domain.Rfc3339.format(a.startedAt()));
        }
        return HttpResponse.of(200, n);
    }

    public HttpResponse create(HttpRequest request) {
        String sub = request.requireCaller().sub();
        String key = request.idempotencyKey();
        WithdrawalRequest req = parse(request.jsonBody());
        String id = WithdrawalIds.of(sub, key);

        Optional<StoredWithdrawal> existing = withdrawals.storedWithdrawal(id);
        if (existing.isPresent()) {
            return replay(existing.get(), req, request.requestId());
        }
        MoneyMovement.requireAllowed(status);
        long deadline = System.nanoTime() + BUDGET.toNanos();
        java.util.concurrent.locks.ReentrantLock turn = turns.take(sub, BUDGET.toMillis());
        Held held;
        try {
            held = hold(sub, key, req, id, deadline);
        } finally {
            if (turn != null) {
                turn.unlock();
            }
        }
        if (!held.created()) {
            return replay(held.withdrawal(), req, request.requestId()); // a racing duplicate of the key won
        }
        enqueue(held.withdrawal().withdrawal(), request.requestId()); // outside the account's turn
        return HttpResponse.of(held.withdrawal().replyStatus(), Json.parseTrusted(held.withdrawal().replyBody()));
    }

    /** The key's withdrawal after {@link #hold}: this request's ({@code created}) or a racing duplicate's. */
    private record Held(StoredWithdrawal withdrawal, boolean created) {}

    private Held hold(String sub, String key, WithdrawalRequest req, String id, long deadline) {
        // one account's concurrent calls take turns: retried by a time budget with jittered back-off
        long left = Math.max(1, deadline - System.nanoTime());
        for (Retry.Turns budget = Retry.within(java.time.Duration.ofNanos(left)).start(); budget.next(); ) {
            Account account = wallet.account(sub);
            Instant now = clock.instant();
            Posting hold;
            try {
                hold = account.holdForWithdrawal(id, req.amount(), now);
            } catch (Account.InsufficientCash e) {
                ObjectNode d = Json.object();
                d.put("withdrawable", account.cash().text());
                throw new ApiError(ErrorCode.INSUFFICIENT_FUNDS,
                        "the cash balance does not cover the withdrawal (bonus can't be withdrawn)", d);
            }
            Withdrawal pending = new Withdrawal(id, sub, key, req.fingerprint(), req.amount(), req.destination(),
                    WithdrawalStatus.PENDING, null, hold.entries().get(0).createdAt(), null);
            StoredWithdrawal w = new StoredWithdrawal(pending, 202, Json.write(WithdrawalJson.accepted(pending)));
            KeyedCommit.Outcome<StoredWithdrawal> outcome = withdrawals.create(w, hold);
            if (outcome instanceof KeyedCommit.Committed) {
                return new Held(w, true);
            } else if (outcome instanceof KeyedCommit.KeyTaken<StoredWithdrawal> first) {
                return new Held(first.first(), false);
            } else if (outcome instanceof KeyedCommit.Halted) {
                MoneyMovement.requireAllowed(status); // 503 unless trading resumed in between
            } else {
                budget.backOff(); // Raced
            }
        }
        throw new ApiError(ErrorCode.SERVICE_UNAVAILABLE, "the account is changing too often; nothing was committed, "
                + "retrying with the same Idempotency-Key is safe");
    }

    private HttpResponse replay(StoredWithdrawal first, WithdrawalRequest req, String requestId) {
        KeyedCommit.StoredResponse stored = first.reply();
        IdempotentReplay.requireSameRequest(stored.fingerprint(), req.fingerprint(),
                "this Idempotency-Key was used for a different withdrawal; use a new key for a new withdrawal");
        if (first.withdrawal().status() == WithdrawalStatus.PENDING) {
            enqueue(first.withdrawal(), requestId); // the first send may have failed after the commit
        }
        return IdempotentReplay.replayed(stored);
    }

    /** Best effort: the withdrawal is committed; a failed send is repaired by a replay or the re-drive. */
    private void enqueue(Withdrawal w, String requestId) {
        try {
            queue.send(w, w.withdrawalId());
        } catch (RuntimeException e) {
            ObjectNode line = log.line("WARN", requestId, "withdrawal committed but not enqueued; the re-drive will");
            line.put("withdrawalId", w.withdrawalId());
            line.put("exception", e.toString());
            log.write(line);
        }
    }


    static WithdrawalRequest parse(RequestBody body) {
        body.allowOnly(Set.of("amount", "destination"));
        Amount amount = body.requiredAmount("amount");
        JsonNode d = body.node().get("destination");
        if (d == null || d.isNull()) {
            throw ApiError.validation("destination", "'destination' is required");
        }
        if (!d.isObject()) {
            throw ApiError.validation("destination", "'destination' must be an object {\"bank\", \"account\"}");
        }
        RequestBody dest = RequestBody.parse(Json.write(d));
        for (var it = d.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("bank") && !f.equals("account")) {
                throw ApiError.validation("destination." + f, "unknown field 'destination." + f + "'");
            }
        }
        String bank = nested(dest, "bank", BANK_MAX);
        String account = nested(dest, "account", ACCOUNT_MAX);
        return new WithdrawalRequest(amount, new Destination(bank, account));
    }

    private static String nested(RequestBody dest, String field, int max) {
        try {
            String v = dest.requiredString(field, max);
            if (v.chars().anyMatch(Character::isISOControl)) {
                throw ApiError.validation(field, "'" + field + "' must not contain control characters");
            }
            return v;
        } catch (ApiError e) {
            ObjectNode details = Json.object();
            details.put("field", "destination." + field);
            throw new ApiError(ErrorCode.VALIDATION_ERROR, e.getMessage(), details);
        }
    }
}
