package dev.holdfast.persistence.signups;

import dev.holdfast.persistence.Contention;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.runtime.ResourceNames;
import dev.holdfast.persistence.ShardedCounters;
import dev.holdfast.persistence.platform.StatusItem;
import dev.holdfast.persistence.waitingroom.WaitingRoomStore;
import dev.holdfast.persistence.wallet.WalletStore;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.platform.PlatformStatus;
import dev.holdfast.domain.platform.TradingMode;
import dev.holdfast.domain.signup.Signup;
import dev.holdfast.domain.signup.SignupStatus;
import dev.holdfast.persistence.signups.SignupItems.AdmissionUseItem;
import dev.holdfast.persistence.signups.SignupItems.PendingItem;
import dev.holdfast.persistence.signups.SignupItems.PersonItem;
import dev.holdfast.persistence.signups.SignupItems.SignupItem;
import dev.holdfast.resources.Tables;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Signups in the waiting-room table (item kinds in {@link SignupItems}). Every change of a signup
 * is one transaction whose conditions decide it:
 * <ul>
 *   <li>{@link #create}: the admission's use (only if absent: one signup per admission) + the
 *       PENDING signup + its pending mark + a check that the platform is not READ_ONLY;</li>
 *   <li>{@link #verify}: the signup PENDING→VERIFIED with its account id (only if PENDING) + the
 *       account's empty wallet (only if absent) + one {@code ADD signedUp 1} on a shard of the
 *       cohort's counter + the pending mark's removal — so a signup opens at most one account and
 *       counts once, whatever the retries;</li>
 *   <li>{@link #reject}: PENDING→REJECTED with the reason (only if PENDING) + the mark's removal.</li>
 * </ul>
 */
public final class SignupStore {
    /** Shards of each cohort's signup counter ({@code COHORT#<rolloutId>#<cohortId>#SIGNUPS}). */
    public static final int COHORT_COUNTER_SHARDS = 8;

    private final DynamoDbClient dynamo;
    private final String table;
    private final ResourceNames names;
    private final WalletStore wallet;

    /** @param wallet opens accounts ({@link #verify}); null where no account is opened */
    public SignupStore(Deployment deployment, WalletStore wallet) {
        this.dynamo = deployment.clients().dynamo();
        this.table = deployment.names().table(Tables.WAITING_ROOM);
        this.names = deployment.names(); // the platform table only where signups are made (not the worker's)
        this.wallet = wallet;
    }

    /** The counter the rollout view reads a cohort's signed-up count from (field {@code signedUp}). */
    public static String cohortSignupsCounter(String rolloutId, String cohortId) {
        return WaitingRoomStore.signupsCounter(rolloutId, cohortId);
    }

    /** An admission's one use: the signup it made and the fingerprint of what was submitted. */
    public record AdmissionUse(String ticketId, String signupId, String fingerprint) {}

    /** What creating a signup came to. */
    public sealed interface CreateOutcome permits Created, AdmissionUsed, SignupsClosed, Raced {}

    /** The signup is PENDING, as the one use of its admission. */
    public record Created() implements CreateOutcome {}

    /** The admission was used already (by this request's twin or by another signup): its use. */
    public record AdmissionUsed(AdmissionUse use) implements CreateOutcome {}

    /** Signups are refused (the platform is READ_ONLY); nothing was committed. */
    public record SignupsClosed() implements CreateOutcome {}

    /** What verifying a signup came to. */
    public sealed interface VerifyOutcome permits RejectOutcome, DuplicatePerson {}

    /** What rejecting a signup came to (verifying comes to one of these too). */
    public sealed interface RejectOutcome extends VerifyOutcome permits Finished, NotPending, Raced {}

    /** The signup is VERIFIED (its account opened) or REJECTED. */
    public record Finished() implements RejectOutcome {}

    /** The signup was no longer PENDING: another delivery finished it first; nothing was committed. */
    public record NotPending() implements RejectOutcome {}

    /** This person already has an account (another signup of theirs was verified first); nothing was committed. */
    public record DuplicatePerson() implements VerifyOutcome {}

    /** A concurrent transaction collided: nothing was committed; read again and retry. */
    public record Raced() implements CreateOutcome, RejectOutcome {}

    // ------------------------------------------------------------------------------ reading

    public Optional<AdmissionUse> admissionUse(String ticketId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(key(SignupItems.admissionPk(ticketId), SignupItems.USE_SK))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(SignupItems.fromItem(AdmissionUseItem.SCHEMA.mapToItem(item)));
    }

    /** The signup (strongly consistent), if it exists. */
    public Optional<Signup> signup(String signupId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(key(SignupItems.signupPk(signupId), SignupItems.SIGNUP_SK))).item();
        return item == null || item.isEmpty() ? Optional.empty()
                : Optional.of(SignupItems.fromItem(SignupItem.SCHEMA.mapToItem(item)));
    }

    /**
     * The ops notice when signups are refused (the platform is READ_ONLY), else empty. A read only:
     * the signup function neither writes the platform table nor needs the audit trail.
     */
    public Optional<Optional<String>> signupsRefused() {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(names.table(Tables.PLATFORM)).consistentRead(true)
                .key(key(StatusItem.PK, StatusItem.SK))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        PlatformStatus st = StatusItem.fromItem(StatusItem.SCHEMA.mapToItem(item));
        return st.mode().allowsSignups() ? Optional.empty() : Optional.of(st.notice());
    }

    /** A PENDING signup's mark, oldest first per shard. */
    public record PendingSignup(String signupId, Instant createdAt) {}

    /** PENDING signups created before {@code cutoff}, at most {@code limit} per shard, from the pending marks. */
    public List<PendingSignup> pendingBefore(Instant cutoff, int limit) {
        List<PendingSignup> out = new ArrayList<>();
        String upTo = Rfc3339.format(cutoff);
        for (int shard = 0; shard < SignupItems.PENDING_SHARDS; shard++) {
            String pk = SignupItems.pendingPk(shard);
            QueryResponse r = dynamo.query(b -> b.tableName(table).consistentRead(true).limit(limit)
                    .keyConditionExpression("pk = :pk AND sk < :upTo")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk), ":upTo", AttributeValue.fromS(upTo))));
            for (Map<String, AttributeValue> item : r.items()) {
                out.add(SignupItems.fromItem(PendingItem.SCHEMA.mapToItem(item)));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------ committing

    /**
     * Creates {@code s} (PENDING) as the one use of its admission; {@link AdmissionUsed} when the
     * admission already made a signup, {@link SignupsClosed} when the platform is READ_ONLY,
     * {@link Raced} when a concurrent transaction collided (retry).
     *
     * @param admissionExpiresAt when the admission token expires (the use record outlives it by a day)
     */
    public CreateOutcome create(Signup s, Instant admissionExpiresAt) {
        AdmissionUseItem use = SignupItems.toItem(new AdmissionUse(s.ticketId(), s.signupId(), s.fingerprint()),
                s.createdAt(), admissionExpiresAt.plusSeconds(86_400));
        PendingItem mark = SignupItems.toItem(new PendingSignup(s.signupId(), s.createdAt()));
        List<TransactWriteItem> actions = List.of(
                TransactWriteItem.builder().put(Put.builder().tableName(table)
                        .item(AdmissionUseItem.SCHEMA.itemToMap(use, true))
                        .conditionExpression("attribute_not_exists(pk)")
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build()).build(),
                TransactWriteItem.builder().put(Put.builder().tableName(table)
                        .item(SignupItem.SCHEMA.itemToMap(SignupItems.toItem(s), true))
                        .conditionExpression("attribute_not_exists(pk)").build()).build(),
                TransactWriteItem.builder().put(Put.builder().tableName(table)
                        .item(PendingItem.SCHEMA.itemToMap(mark, true)).build()).build(),
                TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(names.table(Tables.PLATFORM))
                        .key(key(StatusItem.PK, StatusItem.SK))
                        .conditionExpression("attribute_not_exists(#mode) OR #mode <> :readOnly")
                        .expressionAttributeNames(Map.of("#mode", "mode"))
                        .expressionAttributeValues(Map.of(":readOnly", AttributeValue.fromS(TradingMode.READ_ONLY.name())))
                        .build()).build());
        try {
            dynamo.transactWriteItems(b -> b.transactItems(actions));
            return new Created();
        } catch (TransactionCanceledException e) {
            if (Contention.conditionFailed(e, 0)) {
                Optional<Map<String, AttributeValue>> used = Contention.oldItem(e, 0);
                if (used.isPresent()) {
                    return new AdmissionUsed(SignupItems.fromItem(AdmissionUseItem.SCHEMA.mapToItem(used.get())));
                }
                return new Raced(); // used, but not returned: read it
            }
            if (Contention.conditionFailed(e, 3)) {
                return new SignupsClosed();
            }
            if (Contention.conflicted(e)) {
                return new Raced();
            }
            throw e;
        }
    }

    /**
     * Marks {@code s} VERIFIED and opens its account ({@link Signup#accountToOpen()}) with an empty
     * wallet, counting it once in its cohort; {@link NotPending} when the signup was finished already
     * (nothing to do), {@link Raced} when a concurrent transaction collided (retry),
     * {@link DuplicatePerson} when this person already has an account.
     */
    public VerifyOutcome verify(Signup s, Instant at) {
        String accountId = s.accountToOpen();
        String counterPk = cohortSignupsCounter(s.rolloutId(), s.cohortId());
        List<TransactWriteItem> actions = List.of(
                finishAction(s.signupId(), SignupStatus.VERIFIED, "accountId", accountId, at),
                wallet.openAccountAction(accountId),
                TransactWriteItem.builder().update(Update.builder().tableName(table)
                        .key(ShardedCounters.key(counterPk, ThreadLocalRandom.current().nextInt(COHORT_COUNTER_SHARDS)))
                        .updateExpression("ADD signedUp :one")
                        .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))).build()).build(),
                removeMarkAction(s),
                personAction(s, accountId, at));
        try {
            return commitFinish(actions);
        } catch (TransactionCanceledException e) {
            if (Contention.conditionFailed(e, PERSON_ACTION)) {
                return new DuplicatePerson();
            }
            throw e;
        }
    }

    /** The index of {@link #personAction} in {@link #verify}'s transaction. */
    private static final int PERSON_ACTION = 4;

    /** The reason a second signup of a verified person is rejected with. */
    public static final String DUPLICATE_PERSON = "DUPLICATE_PERSON";

    /**
     * The uniqueness item of a verified person ({@code PERSON#<identity key>}): put only if absent,
     * in the VERIFIED transaction, so of one person's racing signups exactly one opens an account.
     */
    private TransactWriteItem personAction(Signup s, String accountId, Instant at) {
        return TransactWriteItem.builder().put(Put.builder().tableName(table)
                .item(PersonItem.SCHEMA.itemToMap(SignupItems.toItem(s, accountId, at), true))
                .conditionExpression("attribute_not_exists(pk)").build()).build();
    }

    /**
     * Marks {@code s} REJECTED with {@code reason}; {@link NotPending} when the signup was finished
     * already, {@link Raced} when a concurrent transaction collided (retry).
     */
    public RejectOutcome reject(Signup s, String reason, Instant at) {
        return commitFinish(List.of(
                finishAction(s.signupId(), SignupStatus.REJECTED, "rejectionReason", reason, at),
                removeMarkAction(s)));
    }

    private RejectOutcome commitFinish(List<TransactWriteItem> actions) {
        try {
            dynamo.transactWriteItems(b -> b.transactItems(actions));
            return new Finished();
        } catch (TransactionCanceledException e) {
            if (Contention.conditionFailed(e, 0)) {
                return new NotPending();
            }
            if (Contention.conflicted(e)) {
                return new Raced();
            }
            throw e; // e.g. the account already exists (a bug) or the person does (the caller decides)
        }
    }

    /** PENDING → {@code to}, conditional on PENDING; the person's data goes with it. */
    private TransactWriteItem finishAction(String signupId, SignupStatus to, String field, String value, Instant at) {
        return TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(key(SignupItems.signupPk(signupId), SignupItems.SIGNUP_SK))
                .updateExpression("SET #st = :to, #f = :v, finishedAt = :at REMOVE personName, birthDate, phone")
                .conditionExpression("#st = :pending")
                .expressionAttributeNames(Map.of("#st", "signupStatus", "#f", field))
                .expressionAttributeValues(Map.of(":to", AttributeValue.fromS(to.name()),
                        ":v", AttributeValue.fromS(value), ":at", AttributeValue.fromS(Rfc3339.format(at)),
                        ":pending", AttributeValue.fromS(SignupStatus.PENDING.name())))
                .build()).build();
    }

    private TransactWriteItem removeMarkAction(Signup s) {
        return TransactWriteItem.builder().delete(Delete.builder().tableName(table)
                .key(key(SignupItems.pendingPk(s.signupId()),
                        SignupItems.pendingSk(Rfc3339.format(s.createdAt()), s.signupId()))).build()).build();
    }

    // ------------------------------------------------------------------------------ mapping

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk));
    }
}
