package dev.holdfast.persistence.withdrawals;

import dev.holdfast.persistence.Contention;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.runtime.ResourceNames;
import dev.holdfast.persistence.KeyedCommit;
import dev.holdfast.persistence.platform.StatusStore;
import dev.holdfast.persistence.wallet.WalletStore;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.wallet.Posting;
import dev.holdfast.domain.withdrawal.Withdrawal;
import dev.holdfast.domain.withdrawal.WithdrawalStatus;
import dev.holdfast.persistence.withdrawals.WithdrawalItems.AttemptItem;
import dev.holdfast.persistence.withdrawals.WithdrawalItems.WithdrawalItem;
import dev.holdfast.resources.Tables;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Withdrawals in the wallet table (items, and their mapping, in {@link WithdrawalItems}; each its
 * key's idempotency record, {@link StoredWithdrawal}). Every change of a
 * withdrawal's money is ONE transaction with its account posting ({@link WalletStore#postingActions}):
 * creation = withdrawal put (new id only) + a guard (platform NORMAL) + the HOLD posting
 * ({@link #create}); completion or refusal = {@link #finish}, the one place a withdrawal is marked
 * COMPLETED (invariants {@code withdrawal-hold} and {@code withdrawal-finish} in {@code docs/invariants.md}).
 */
public final class WithdrawalStore {

    private final DynamoDbClient dynamo;
    private final String tableName;
    private final WalletStore wallet;
    private final ResourceNames names;

    /** @param wallet the store whose {@link WalletStore#postingActions} commit the money (same deployment) */
    public WithdrawalStore(Deployment deployment, WalletStore wallet) {
        this.dynamo = deployment.clients().dynamo();
        this.tableName = deployment.names().table(Tables.WALLET);
        this.wallet = wallet;
        this.names = deployment.names();
    }

    // ------------------------------------------------------------------------------ reading

    /** A withdrawal (strongly consistent). */
    public Optional<Withdrawal> withdrawal(String withdrawalId) {
        return storedWithdrawal(withdrawalId).map(StoredWithdrawal::withdrawal);
    }

    /** A withdrawal with the answer its key replays (strongly consistent). */
    public Optional<StoredWithdrawal> storedWithdrawal(String withdrawalId) {
        var r = dynamo.getItem(b -> b.tableName(tableName).consistentRead(true).key(key(withdrawalId, WithdrawalItems.WITHDRAWAL_SK)));
        return r.hasItem() && !r.item().isEmpty()
                ? Optional.of(WithdrawalItems.fromItem(r.item()))
                : Optional.empty();
    }

    /** A durable "about to send" mark: the worker wrote it before send number {@code number}. */
    public record Attempt(int number, Instant startedAt) {}

    /** A withdrawal and its send attempts so far, oldest first. */
    public record Progress(Withdrawal withdrawal, List<Attempt> attempts) {
        public Optional<Attempt> latest() {
            return attempts.isEmpty() ? Optional.empty() : Optional.of(attempts.get(attempts.size() - 1));
        }
    }

    /** The withdrawal and its attempts in one strongly consistent query. */
    public Optional<Progress> progress(String withdrawalId) {
        Withdrawal w = null;
        List<Attempt> attempts = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamo.query(b -> b.tableName(tableName).consistentRead(true)
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(WithdrawalItems.pk(withdrawalId))))
                    .exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : page.items()) {
                String sk = item.get("sk").s();
                if (sk.equals(WithdrawalItems.WITHDRAWAL_SK)) {
                    w = WithdrawalItems.fromItem(item).withdrawal();
                } else if (sk.startsWith(WithdrawalItems.ATTEMPT_PREFIX)) {
                    AttemptItem a = AttemptItem.SCHEMA.mapToItem(item);
                    attempts.add(new Attempt(a.attempt, Rfc3339.parse(a.startedAt)));
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return w == null ? Optional.empty() : Optional.of(new Progress(w, List.copyOf(attempts)));
    }

    /**
     * Ids of withdrawals still PENDING that were created at or before {@code cutoff}, from the
     * sparse {@code pending} index (eventually consistent: the caller re-reads before acting).
     */
    public List<String> pendingSince(Instant cutoff, int limit) {
        List<String> ids = new ArrayList<>();
        for (int shard = 0; shard < WithdrawalItems.PENDING_SHARDS && ids.size() < limit; shard++) {
            String s = "PENDING#" + shard;
            Map<String, AttributeValue> start = null;
            do {
                Map<String, AttributeValue> from = start;
                QueryResponse page = dynamo.query(b -> b.tableName(tableName).indexName(WithdrawalItems.PENDING_INDEX)
                        .keyConditionExpression("pendingShard = :s AND pendingSince <= :c")
                        .expressionAttributeValues(Map.of(":s", AttributeValue.fromS(s),
                                ":c", AttributeValue.fromS(Rfc3339.format(cutoff))))
                        .exclusiveStartKey(from)
                        .limit(Math.max(1, Math.min(100, limit - ids.size()))));
                for (Map<String, AttributeValue> item : page.items()) {
                    ids.add(item.get("withdrawalId").s());
                }
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            } while (start != null && ids.size() < limit);
        }
        return ids;
    }

    // ------------------------------------------------------------------------------ creating

    /**
     * Creates a PENDING withdrawal and holds its cash, in ONE transaction: action 0 the withdrawal
     * put ({@code attribute_not_exists}, {@code ALL_OLD} on failure), action 1 the guard that trading
     * is NORMAL ({@link StatusStore#normalModeCheck(String)}), then the HOLD posting. {@code created} is the new
     * withdrawal with the answer its key replays.
     *
     * @return {@link KeyedCommit.KeyTaken} with the first request's withdrawal when the id exists (a
     *         duplicate of the same key, possibly racing); {@link KeyedCommit.Halted} when trading
     *         is not NORMAL; {@link KeyedCommit.Raced} when the account changed or a transaction collided
     *         (read again, retry)
     */
    public KeyedCommit.Outcome<StoredWithdrawal> create(StoredWithdrawal created, Posting hold) {
        Withdrawal w = created.withdrawal();
        if (w.status() != WithdrawalStatus.PENDING || !hold.accountId().equals(w.accountId())) {
            throw new IllegalArgumentException("a new withdrawal is PENDING and holds its own account's cash");
        }
        List<TransactWriteItem> actions = new ArrayList<>();
        actions.add(TransactWriteItem.builder().put(Put.builder().tableName(tableName)
                .item(WithdrawalItem.SCHEMA.itemToMap(WithdrawalItems.toItem(created), true))
                .conditionExpression("attribute_not_exists(pk)")
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build()).build());
        actions.add(StatusStore.normalModeCheck(names.table(Tables.PLATFORM)));
        actions.addAll(wallet.postingActions(hold));
        try {
            dynamo.transactWriteItems(b -> b.transactItems(actions));
            return new KeyedCommit.Committed<>();
        } catch (TransactionCanceledException e) {
            if (Contention.conditionFailed(e, 0)) {
                Optional<StoredWithdrawal> first = Contention.oldItem(e, 0)
                        .map(WithdrawalItems::fromItem)
                        .or(() -> storedWithdrawal(w.withdrawalId()));
                if (first.isPresent()) {
                    return new KeyedCommit.KeyTaken<>(first.get());
                }
                return new KeyedCommit.Raced<>();
            }
            if (Contention.conditionFailed(e, 1)) {
                return new KeyedCommit.Halted<>();
            }
            if (Contention.conflicted(e) || Contention.anyConditionFailed(e)) {
                return new KeyedCommit.Raced<>();
            }
            throw e;
        }
    }

    // ------------------------------------------------------------------------------ the worker

    /** What writing an attempt's mark came to. */
    public sealed interface AttemptOutcome permits Recorded, NotPending, AttemptTaken {}

    /** The mark is written: send. */
    public record Recorded() implements AttemptOutcome {}

    /** The withdrawal is no longer PENDING: nothing to send. */
    public record NotPending() implements AttemptOutcome {}

    /** Another worker already wrote this attempt's mark: retry later, asking the bank first. */
    public record AttemptTaken() implements AttemptOutcome {}

    /**
     * Writes the durable mark of send number {@code number} BEFORE the send, in one transaction with
     * a check that the withdrawal is still PENDING. Attempt numbers are taken once: {@link NotPending}
     * when the withdrawal was finished meanwhile, {@link AttemptTaken} when a concurrent worker took
     * this number.
     */
    public AttemptOutcome recordAttempt(String withdrawalId, int number, Instant at) {
        AttemptItem a = new AttemptItem();
        a.pk = WithdrawalItems.pk(withdrawalId);
        a.sk = WithdrawalItems.attemptSk(number);
        a.withdrawalId = withdrawalId;
        a.attempt = number;
        a.startedAt = Rfc3339.format(at);
        try {
            dynamo.transactWriteItems(b -> b.transactItems(
                    TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(tableName)
                            .key(key(withdrawalId, WithdrawalItems.WITHDRAWAL_SK))
                            .conditionExpression("#st = :pending")
                            .expressionAttributeNames(Map.of("#st", "status"))
                            .expressionAttributeValues(Map.of(":pending", AttributeValue.fromS(WithdrawalStatus.PENDING.name())))
                            .build()).build(),
                    TransactWriteItem.builder().put(Put.builder().tableName(tableName)
                            .item(AttemptItem.SCHEMA.itemToMap(a, true))
                            .conditionExpression("attribute_not_exists(pk)").build()).build()));
            return new Recorded();
        } catch (TransactionCanceledException e) {
            if (Contention.conditionFailed(e, 0)) {
                return new NotPending();
            }
            if (Contention.conditionFailed(e, 1)) {
                return new AttemptTaken();
            }
            throw e;
        }
    }

    /** What finishing a withdrawal came to. */
    public sealed interface FinishOutcome permits Finished, AlreadyFinished, Raced {}

    /** The withdrawal is COMPLETED or FAILED, with its posting. */
    public record Finished() implements FinishOutcome {}

    /** It was not PENDING any more (an earlier delivery finished it): nothing committed, nothing to do. */
    public record AlreadyFinished() implements FinishOutcome {}

    /** The account changed or a transaction collided: nothing committed; read again, retry. */
    public record Raced() implements FinishOutcome {}

    /**
     * Finishes a PENDING withdrawal in ONE transaction: action 0 sets {@code status = to} (and
     * {@code failureReason}, {@code finishedAt}), removes it from the pending index, conditional on
     * {@code status = PENDING}; then {@code posting} (PAID for COMPLETED, RELEASE for FAILED).
     */
    public FinishOutcome finish(String withdrawalId, WithdrawalStatus to, String failureReason, Posting posting, Instant at) {
        if (to == WithdrawalStatus.PENDING) {
            throw new IllegalArgumentException("a withdrawal finishes COMPLETED or FAILED");
        }
        Map<String, String> names = new HashMap<>(Map.of("#st", "status", "#fin", "finishedAt"));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":pending", AttributeValue.fromS(WithdrawalStatus.PENDING.name()),
                ":to", AttributeValue.fromS(to.name()),
                ":at", AttributeValue.fromS(Rfc3339.format(at))));
        String set = "SET #st = :to, #fin = :at";
        if (failureReason != null) {
            names.put("#why", "failureReason");
            values.put(":why", AttributeValue.fromS(failureReason));
            set += ", #why = :why";
        }
        List<TransactWriteItem> actions = new ArrayList<>();
        actions.add(TransactWriteItem.builder().update(Update.builder().tableName(tableName)
                .key(key(withdrawalId, WithdrawalItems.WITHDRAWAL_SK))
                .updateExpression(set + " REMOVE pendingShard, pendingSince")
                .conditionExpression("#st = :pending")
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .build()).build());
        actions.addAll(wallet.postingActions(posting));
        try {
            dynamo.transactWriteItems(b -> b.transactItems(actions));
            return new Finished();
        } catch (TransactionCanceledException e) {
            if (Contention.conditionFailed(e, 0)) {
                return new AlreadyFinished();
            }
            if (Contention.conflicted(e) || Contention.anyConditionFailed(e)) {
                return new Raced();
            }
            throw e;
        }
    }

    // ------------------------------------------------------------------------------ mapping

    private static Map<String, AttributeValue> key(String withdrawalId, String sk) {
        return Map.of("pk", AttributeValue.fromS(WithdrawalItems.pk(withdrawalId)), "sk", AttributeValue.fromS(sk));
    }
}
