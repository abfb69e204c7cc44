package dev.holdfast.persistence.wallet;

import dev.holdfast.persistence.Contention;
import dev.holdfast.persistence.Cursors;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.runtime.ResourceNames;
import dev.holdfast.persistence.KeyedCommit;
import dev.holdfast.persistence.audit.AuditItem;
import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.persistence.platform.StatusStore;
import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.audit.AuditRecord;
import dev.holdfast.domain.wallet.Account;
import dev.holdfast.domain.wallet.Credit;
import dev.holdfast.domain.wallet.LedgerEntry;
import dev.holdfast.domain.wallet.Posting;
import dev.holdfast.persistence.wallet.WalletItems.AccountItem;
import dev.holdfast.persistence.wallet.WalletItems.CreditKeyItem;
import dev.holdfast.persistence.wallet.WalletItems.LedgerItem;
import dev.holdfast.resources.Tables;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.GetItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.Page;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Accounts and their append-only ledgers in the wallet table.
 *
 * <ul>
 *   <li>account: pk {@code ACCOUNT#<id>}, sk {@code BALANCE} — cash, bonus, heldForWithdrawal,
 *       openExposure (DynamoDB numbers), ledgerSeq, revision;</li>
 *   <li>ledger entry: pk {@code ACCOUNT#<id>}, sk {@code LEDGER#<seq, 12 digits>} — put only with
 *       {@code attribute_not_exists(pk)}, never updated or deleted;</li>
 *   <li>admin credit idempotency record: pk {@code CREDITKEY#<admin sub>#<key>}, sk {@code KEY}.</li>
 * </ul>
 *
 * <p>Every balance change is a {@link Posting} committed by the actions of {@link #postingActions}:
 * the account put is conditional on the revision the posting was computed from, so two postings
 * computed from one read can't both commit, and each entry's {@code balanceAfter} is exact. Callers
 * that move other things with the money (an order, its exposure) append these actions to their own
 * {@code TransactWriteItems}.
 */
public final class WalletStore {
    private static final Pattern CURSOR = Pattern.compile("L1:[1-9][0-9]{0,11}");

    private final DynamoDbClient dynamo;
    private final String tableName;
    private final DynamoDbTable<AccountItem> accounts;
    private final DynamoDbTable<LedgerItem> ledger;
    private final DynamoDbTable<CreditKeyItem> creditKeys;
    private final AuditLog audit;
    private final Clock clock;
    private final ResourceNames names;

    public WalletStore(Deployment deployment, AuditLog audit) {
        this.names = deployment.names();
        this.dynamo = deployment.clients().dynamo();
        DynamoDbEnhancedClient enhanced = deployment.clients().enhanced();
        this.tableName = deployment.names().table(Tables.WALLET);
        this.accounts = enhanced.table(tableName, AccountItem.SCHEMA);
        this.ledger = enhanced.table(tableName, LedgerItem.SCHEMA);
        this.creditKeys = enhanced.table(tableName, CreditKeyItem.SCHEMA);
        this.audit = audit;
        this.clock = deployment.clock();
    }

    // ------------------------------------------------------------------------------ reading

    /** The account (strongly consistent), or {@link Account#empty} when it was never stored. */
    public Account account(String accountId) {
        AccountItem i = accounts.getItem(GetItemEnhancedRequest.builder()
                .key(Key.builder().partitionValue(WalletItems.accountPk(accountId)).sortValue(WalletItems.BALANCE_SK).build())
                .consistentRead(true).build());
        return i == null ? Account.empty(accountId) : WalletItems.fromItem(i);
    }

    /** An account's key in the wallet table (for batch reads). */
    public static Map<String, AttributeValue> accountKey(String accountId) {
        return Map.of("pk", AttributeValue.fromS(WalletItems.accountPk(accountId)), "sk", AttributeValue.fromS(WalletItems.BALANCE_SK));
    }

    /** An account from a stored item (as a batch read returns it), or {@link Account#empty} when none. */
    public static Account accountFrom(String accountId, Map<String, AttributeValue> item) {
        return item == null || item.isEmpty() ? Account.empty(accountId) : WalletItems.fromItem(AccountItem.SCHEMA.mapToItem(item));
    }

    /**
     * When the account was opened: the time of its first ledger entry (entry 1; entries are never
     * deleted), or empty when it has none. Post-trade risk reads account age from it.
     */
    public Optional<java.time.Instant> openedAt(String accountId) {
        LedgerItem i = ledger.getItem(GetItemEnhancedRequest.builder()
                .key(Key.builder().partitionValue(WalletItems.accountPk(accountId)).sortValue(WalletItems.ledgerSk(1)).build())
                .consistentRead(true).build());
        return i == null ? Optional.empty() : Optional.of(Rfc3339.parse(i.createdAt));
    }

    /** One page of an account's ledger, newest first. */
    public record LedgerPage(List<LedgerEntry> entries, Optional<String> nextCursor) {}

    /**
     * Reads a page of the ledger, newest first. Sequence numbers have no gaps, so there is a next
     * page exactly when the page's oldest entry is not entry 1.
     *
     * @param cursor a {@code nextCursor} from an earlier page; anything else is {@code 400} (field
     *               {@code cursor})
     */
    public LedgerPage ledger(String accountId, Optional<String> cursor, int limit) {
        String pk = WalletItems.accountPk(accountId);
        QueryEnhancedRequest.Builder q = QueryEnhancedRequest.builder()
                .queryConditional(QueryConditional.sortBeginsWith(
                        Key.builder().partitionValue(pk).sortValue(WalletItems.LEDGER_PREFIX).build()))
                .scanIndexForward(false)
                .consistentRead(true)
                .limit(limit);
        cursor.ifPresent(c -> q.exclusiveStartKey(Map.of(
                "pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(WalletItems.ledgerSk(decodeCursor(c))))));
        Page<LedgerItem> page = ledger.query(q.build()).iterator().next();
        List<LedgerEntry> entries = page.items().stream().map(WalletItems::fromItem).toList();
        Optional<String> next = entries.isEmpty() || entries.get(entries.size() - 1).seq() <= 1
                ? Optional.empty()
                : Optional.of(encodeCursor(entries.get(entries.size() - 1).seq()));
        return new LedgerPage(entries, next);
    }

    static String encodeCursor(long seq) {
        return Cursors.encode("L1:" + seq);
    }

    static long decodeCursor(String cursor) {
        return Long.parseLong(Cursors.decode(cursor, s -> CURSOR.matcher(s).matches()).substring(3));
    }

    // ------------------------------------------------------------------------------ committing

    /**
     * The low-level transaction actions that commit {@code p}, for the caller's own
     * {@code TransactWriteItems} (which allows 100 actions in all). Relative to the index where the
     * caller puts the first of them:
     * <ul>
     *   <li>{@code +0}: the account put. Condition {@code attribute_not_exists(pk)} when
     *       {@code p.before().revision() == 0}, else {@code revision = :before}; it writes
     *       {@code revision = before + 1}. On failure DynamoDB returns the stored account
     *       ({@code ALL_OLD}; see {@link #currentAccount}). A failure here means the account changed
     *       since it was read: read again, compute the posting again, retry.</li>
     *   <li>{@code +1 … +n}: one put per ledger entry, in order, each {@code attribute_not_exists(pk)}.
     *       An entry's key is derived from the account's {@code ledgerSeq}, which only moves together
     *       with the revision, so these can only fail together with {@code +0}.</li>
     * </ul>
     * {@link #actionCount} is {@code 1 + p.entries().size()}.
     */
    public List<TransactWriteItem> postingActions(Posting p) {
        List<TransactWriteItem> actions = new ArrayList<>(actionCount(p));
        Put.Builder put = Put.builder().tableName(tableName)
                .item(AccountItem.SCHEMA.itemToMap(WalletItems.toItem(p.after(), p.before().revision() + 1, clock.instant()), true))
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD);
        if (p.before().revision() == 0) {
            put.conditionExpression("attribute_not_exists(pk)");
        } else {
            put.conditionExpression("revision = :before")
                    .expressionAttributeValues(Map.of(":before", AttributeValue.fromN(Long.toString(p.before().revision()))));
        }
        actions.add(TransactWriteItem.builder().put(put.build()).build());
        for (LedgerEntry e : p.entries()) {
            actions.add(TransactWriteItem.builder().put(Put.builder().tableName(tableName)
                    .item(LedgerItem.SCHEMA.itemToMap(WalletItems.toItem(e), true))
                    .conditionExpression("attribute_not_exists(pk)")
                    .build()).build());
        }
        return actions;
    }

    /**
     * The transaction action that opens {@code accountId} with an empty wallet (cash, bonus, held and
     * open exposure 0, no ledger entry), only if it does not exist yet. It is stored at revision 1, so
     * the account's first posting is conditional on that revision like every later one; reconciliation
     * rebuilds its zero balances from its (empty) ledger.
     */
    public TransactWriteItem openAccountAction(String accountId) {
        return TransactWriteItem.builder().put(Put.builder().tableName(tableName)
                .item(AccountItem.SCHEMA.itemToMap(WalletItems.toItem(Account.empty(accountId), 1, clock.instant()), true))
                .conditionExpression("attribute_not_exists(pk)")
                .build()).build();
    }

    /** How many transaction actions {@link #postingActions} returns for {@code p}. */
    public static int actionCount(Posting p) {
        return 1 + p.entries().size();
    }

    /**
     * Whether a cancelled transaction failed because the account changed since it was read (its
     * posting's actions starting at {@code firstActionIndex}): the caller should read the account
     * again and retry. A {@code TransactionConflict} on the account is a race too, reported by
     * {@link #isRace}.
     */
    public static boolean isAccountConflict(TransactionCanceledException e, int firstActionIndex) {
        return Contention.conditionFailed(e, firstActionIndex);
    }

    /** Whether any action of a cancelled transaction collided with a concurrent transaction. */
    public static boolean isRace(TransactionCanceledException e) {
        return Contention.conflicted(e);
    }

    /**
     * The account as stored when the posting's account condition failed (DynamoDB returns it with
     * the cancellation), so the caller can retry without another read; empty if the account still
     * doesn't exist, the condition didn't fail, or no item came back.
     */
    public static Optional<Account> currentAccount(TransactionCanceledException e, int firstActionIndex) {
        return Contention.oldItem(e, firstActionIndex).map(item -> WalletItems.fromItem(AccountItem.SCHEMA.mapToItem(item)));
    }

    /** What committing a posting on its own came to. */
    public sealed interface CommitOutcome permits Committed, Raced {}

    /** The posting committed. */
    public record Committed() implements CommitOutcome {}

    /** The account changed since the posting was computed, or a concurrent transaction collided: nothing was committed; read again and retry. */
    public record Raced() implements CommitOutcome {}

    /** Commits {@code p} on its own. */
    public CommitOutcome commit(Posting p) {
        try {
            dynamo.transactWriteItems(b -> b.transactItems(postingActions(p)));
            return new Committed();
        } catch (TransactionCanceledException e) {
            if (isRace(e) || Contention.anyConditionFailed(e)) {
                return new Raced();
            }
            throw e;
        }
    }

    // ------------------------------------------------------------------------------ admin credits


    /** The outcome already recorded for a caller's credit key, if any (strongly consistent). */
    public Optional<KeyedCommit.StoredResponse> storedCredit(String callerSub, String idempotencyKey) {
        CreditKeyItem i = creditKeys.getItem(GetItemEnhancedRequest.builder()
                .key(Key.builder().partitionValue(WalletItems.creditKeyPk(callerSub, idempotencyKey))
                        .sortValue(WalletItems.KEY_SK).build())
                .consistentRead(true).build());
        return Optional.ofNullable(i).map(WalletItems::fromItem);
    }



    /**
     * Commits an admin credit in ONE transaction: the caller's idempotency record (action 0, new
     * only), the guard that trading is NORMAL (action 1, {@link StatusStore#normalModeCheck(String)}),
     * the posting ({@link #postingActions}), and the audit record (last).
     *
     * @param responseBody the response the key replays from now on (status {@code responseStatus})
     * @return {@link KeyedCommit.KeyTaken} with the key's stored response when it already has one
     *         (replay it, or 422 if its fingerprint differs); {@link KeyedCommit.Halted} when
     *         trading is not NORMAL; {@link KeyedCommit.Raced} when the account changed or a transaction
     *         collided (read again and retry)
     */
    public KeyedCommit.Outcome<KeyedCommit.StoredResponse> commitCredit(
            String callerSub, String idempotencyKey, Credit credit, Posting p, int responseStatus, JsonNode responseBody,
            AuditRecord record) {
        if (!p.accountId().equals(credit.accountId())) {
            throw new IllegalArgumentException("the posting is not on the credited account");
        }
        CreditKeyItem key = WalletItems.toItem(callerSub, idempotencyKey, credit,
                p.entries().isEmpty() ? null : p.entries().get(0).entryId(), responseStatus, Json.write(responseBody), clock.instant());

        List<TransactWriteItem> actions = new ArrayList<>();
        actions.add(TransactWriteItem.builder().put(Put.builder().tableName(tableName)
                .item(CreditKeyItem.SCHEMA.itemToMap(key, true))
                .conditionExpression("attribute_not_exists(pk)")
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build()).build());
        actions.add(StatusStore.normalModeCheck(names.table(Tables.PLATFORM)));
        actions.addAll(postingActions(p));
        actions.add(TransactWriteItem.builder().put(Put.builder().tableName(audit.table().tableName())
                .item(AuditItem.SCHEMA.itemToMap(audit.putInTransaction(record).item(), true))
                .conditionExpression("attribute_not_exists(pk)")
                .build()).build());
        try {
            dynamo.transactWriteItems(b -> b.transactItems(actions));
            return new KeyedCommit.Committed<>();
        } catch (TransactionCanceledException e) {
            if (Contention.conditionFailed(e, 0)) {
                Optional<KeyedCommit.StoredResponse> stored = Contention.oldItem(e, 0)
                        .map(item -> WalletItems.fromItem(CreditKeyItem.SCHEMA.mapToItem(item)))
                        .or(() -> storedCredit(callerSub, idempotencyKey));
                if (stored.isPresent()) {
                    return new KeyedCommit.KeyTaken<>(stored.get());
                }
                return new KeyedCommit.Raced<>(); // taken, but not returned nor readable yet: try again
            }
            if (Contention.conditionFailed(e, 1)) {
                return new KeyedCommit.Halted<>();
            }
            if (isRace(e) || Contention.anyConditionFailed(e)) {
                return new KeyedCommit.Raced<>();
            }
            throw e;
        }
    }
}
