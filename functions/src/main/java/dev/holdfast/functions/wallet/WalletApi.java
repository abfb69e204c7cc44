package dev.holdfast.functions.wallet;

import dev.holdfast.functions.http.IdempotentReplay;
import dev.holdfast.functions.withdrawals.Withdrawals;
import dev.holdfast.persistence.Contention;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.KeyedCommit;
import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.persistence.platform.StatusStore;
import dev.holdfast.persistence.wallet.WalletStore;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.ApiError;
import dev.holdfast.api.ErrorCode;
import dev.holdfast.api.Json;
import dev.holdfast.api.RequestBody;
import dev.holdfast.domain.audit.AuditRecord;
import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.money.Fund;
import dev.holdfast.domain.wallet.Account;
import dev.holdfast.domain.wallet.Credit;
import dev.holdfast.domain.wallet.LedgerEntry;
import dev.holdfast.domain.wallet.Posting;
import dev.holdfast.functions.http.HttpFunction;
import dev.holdfast.functions.platform.MoneyMovement;
import dev.holdfast.functions.http.HttpRequest;
import dev.holdfast.functions.http.HttpResponse;
import dev.holdfast.functions.runtime.Priming;
import dev.holdfast.resources.Functions;
import dev.holdfast.retry.Retry;

import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code GET /wallet}, {@code GET /wallet/ledger} (the caller's own account, by the verified
 * {@code sub}) and {@code POST /admin/accounts/{accountId}/credits}.
 *
 * <p>A credit commits in ONE transaction: the admin's idempotency record (key scoped to the admin's
 * {@code sub}, holding the request's fingerprint and the full response), a condition that the
 * platform is NORMAL, the account's new balances (conditional on the revision read), the CREDIT
 * ledger entry, and the {@code ACCOUNT_CREDITED} audit record. The same key with the same request
 * replays the stored response with {@code Idempotent-Replayed: true}, also when the duplicates race;
 * with another request it is {@code 422 IDEMPOTENCY_KEY_REUSED}. Validation errors, 401/403 and 503
 * store nothing.
 *
 * <p>Withdrawals ({@code POST /wallet/withdrawals}, {@code GET /wallet/withdrawals/{id}}) are served
 * by {@link Withdrawals}.
 */
public final class WalletApi extends HttpFunction {
    static final Pattern ACCOUNT_ID = Pattern.compile("[^\\p{Cntrl}\\s#]{1,128}");
    static final int REASON_MAX = 500;
    /** An account changed meanwhile is read again and the credit reapplied, up to 25 tries. */
    private static final Retry RETRY = Retry.attempts(25);

    private final WalletStore wallet;
    private final StatusStore status;
    private final Clock clock;

    /** Lambda's entry: the container's deployment from the environment. */
    public WalletApi() {
        this(Deployment.fromEnvironment());
        Priming.register(Functions.WALLET, Deployment.fromEnvironment(), this::prime);
    }

    /** SnapStart priming's stub work (see {@link Priming}); side-effect free on real data. */
    private void prime() {
        // the balance of an account that never existed, a withdrawal read that misses, and a credit
        // refused by validation (writes nothing)
        handleRequest(Priming.http("GET /wallet").event(), null);
        handleRequest(Priming.http("GET /wallet/withdrawals/{withdrawalId}").path("withdrawalId", Priming.ABSENT_KEY).event(), null);
        handleRequest(Priming.http("POST /admin/accounts/{accountId}/credits").path("accountId", Priming.SUB)
                .header("idempotency-key", Priming.ABSENT_KEY).body("{\"fund\":\"SNAPSTART_PRIMING\",\"amount\":\"0\"}").event(), null);
    }

    public WalletApi(Deployment deployment) {
        super(Functions.WALLET);
        AuditLog audit = new AuditLog(deployment);
        this.wallet = new WalletStore(deployment, audit);
        this.status = new StatusStore(deployment, audit);
        this.clock = deployment.clock();
        serve("GET /wallet", r -> HttpResponse.of(200, WalletJson.balances(wallet.account(r.requireCaller().sub()))));
        serve("GET /wallet/ledger", this::ledger);
        serve("POST /admin/accounts/{accountId}/credits", this::credit);
        Withdrawals w = new Withdrawals(deployment, wallet, status);
        serve("POST /wallet/withdrawals", w::create);
        serve("GET /wallet/withdrawals/{withdrawalId}", w::get);
        serve("GET /admin/accounts/{accountId}", this::adminAccount);
        serve("GET /admin/accounts/{accountId}/ledger", this::adminLedger);
        serve("GET /admin/withdrawals/{withdrawalId}", w::adminGet);
    }

    // ---- admin reads (the ops console's account lookup) ----

    private String adminAccountId(HttpRequest request) {
        String accountId = request.pathParameter("accountId");
        if (!ACCOUNT_ID.matcher(accountId).matches()) {
            throw ApiError.validation("accountId", "'accountId' is not an account id");
        }
        return accountId;
    }

    /** {@code GET /admin/accounts/{accountId}}: the account's balances as its owner sees them, and whether it exists. */
    private HttpResponse adminAccount(HttpRequest request) {
        String accountId = adminAccountId(request);
        ObjectNode n = Json.object();
        n.put("accountId", accountId);
        var openedAt = wallet.openedAt(accountId);
        n.put("exists", openedAt.isPresent());
        n.put("openedAt", openedAt.map(dev.holdfast.domain.Rfc3339::format).orElse(null));
        n.setAll(WalletJson.balances(wallet.account(accountId)));
        return HttpResponse.of(200, n);
    }

    /** {@code GET /admin/accounts/{accountId}/ledger?limit=&cursor=}: that account's ledger, as {@code GET /wallet/ledger}. */
    private HttpResponse adminLedger(HttpRequest request) {
        String accountId = adminAccountId(request);
        WalletStore.LedgerPage page = wallet.ledger(accountId, request.queryParam("cursor"), request.limit(50, 200));
        return HttpResponse.page("entries", page.entries(), WalletJson::entry, page.nextCursor());
    }

    private HttpResponse ledger(HttpRequest request) {
        String sub = request.requireCaller().sub();
        int limit = request.limit(50, 200);
        WalletStore.LedgerPage page = wallet.ledger(sub, request.queryParam("cursor"), limit);
        return HttpResponse.page("entries", page.entries(), WalletJson::entry, page.nextCursor());
    }

    // ---- credits ----

    private HttpResponse credit(HttpRequest request) {
        String admin = request.requireCaller().sub();
        String key = request.idempotencyKey();
        String accountId = request.pathParameter("accountId");
        if (!ACCOUNT_ID.matcher(accountId).matches()) {
            throw ApiError.validation("accountId", "'accountId' is not an account id");
        }
        Credit credit = parse(accountId, request.jsonBody());

        var stored = wallet.storedCredit(admin, key);
        if (stored.isPresent()) {
            return replay(stored.get(), credit);
        }
        MoneyMovement.requireAllowed(status);
        for (Retry.Turns turns = RETRY.start(); turns.next(); ) {
            Account before = wallet.account(accountId);
            Instant now = clock.instant();
            Posting posting = before.credit(credit.fund(), credit.amount(), now);
            LedgerEntry entry = posting.entries().get(0);
            ObjectNode body = WalletJson.creditedEntry(entry);
            AuditRecord record = new AuditRecord(AuditLog.newId(), admin, "ACCOUNT_CREDITED", "account/" + accountId,
                    before.revision() == 0 ? "null" : Json.write(auditView(before)),
                    Json.write(auditAfter(posting.after(), entry, credit, key)), now);
            KeyedCommit.Outcome<KeyedCommit.StoredResponse> outcome =
                    wallet.commitCredit(admin, key, credit, posting, 201, body, record);
            if (outcome instanceof KeyedCommit.Committed) {
                return HttpResponse.of(201, body);
            } else if (outcome instanceof KeyedCommit.KeyTaken<KeyedCommit.StoredResponse> taken) {
                return replay(taken.first(), credit); // a racing duplicate committed first
            } else if (outcome instanceof KeyedCommit.Halted) {
                MoneyMovement.requireAllowed(status); // throws 503 unless trading resumed in between; then try again
            } else {
                turns.backOff(); // Raced: another posting to this account won: read it again and reapply
            }
        }
        throw new ApiError(ErrorCode.SERVICE_UNAVAILABLE, "the account is changing too often; nothing was committed, "
                + "retrying with the same Idempotency-Key is safe");
    }

    private static Credit parse(String accountId, RequestBody body) {
        body.allowOnly(Set.of("amount", "fund", "reason"));
        Amount amount = body.requiredAmount("amount");
        Fund fund = body.requiredEnum("fund", Fund.class);
        String reason = body.requiredString("reason", REASON_MAX);
        return new Credit(accountId, fund, amount, reason);
    }

    private static HttpResponse replay(KeyedCommit.StoredResponse stored, Credit credit) {
        return IdempotentReplay.replay(stored, credit.fingerprint(),
                "this Idempotency-Key was used for a different credit; use a new key for a new credit");
    }


    private static ObjectNode auditView(Account a) {
        ObjectNode n = WalletJson.balances(a);
        n.put("ledgerSeq", a.ledgerSeq());
        return n;
    }

    private static ObjectNode auditAfter(Account a, LedgerEntry entry, Credit credit, String key) {
        ObjectNode n = auditView(a);
        ObjectNode c = n.putObject("credit");
        c.put("entryId", entry.entryId());
        c.put("fund", credit.fund().name());
        c.put("amount", credit.amount().text());
        c.put("reason", credit.reason());
        c.put("idempotencyKey", key);
        return n;
    }

}
