package dev.holdfast.persistence.withdrawals;

import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.withdrawal.Destination;
import dev.holdfast.domain.withdrawal.Withdrawal;
import dev.holdfast.domain.withdrawal.WithdrawalStatus;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.math.BigDecimal;
import java.util.Map;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primarySortKey;

/**
 * The withdrawal item kinds of the wallet table, with static schemas.
 *
 * <ul>
 *   <li>withdrawal: pk {@code WITHDRAWAL#<id>}, sk {@code WITHDRAWAL} — the status item and the
 *       idempotency record of its key. While PENDING it carries {@code pendingShard} and
 *       {@code pendingSince}, the keys of the sparse index {@code pending}; they are removed in the
 *       same write that makes it COMPLETED or FAILED, so the index only ever holds unfinished
 *       withdrawals and the re-drive never scans the table;</li>
 *   <li>attempt: pk {@code WITHDRAWAL#<id>}, sk {@code ATTEMPT#<n, 6 digits>} — the durable
 *       "about to send" mark written before each send to the bank; put once, never changed.</li>
 * </ul>
 */
final class WithdrawalItems {
    private WithdrawalItems() {}

    static final String PK_PREFIX = "WITHDRAWAL#";
    static final String WITHDRAWAL_SK = "WITHDRAWAL";
    static final String ATTEMPT_PREFIX = "ATTEMPT#";
    /** The sparse index of PENDING withdrawals (see {@code Tables.WALLET}). */
    static final String PENDING_INDEX = "pending";
    static final int PENDING_SHARDS = 4;

    static String pk(String withdrawalId) {
        return PK_PREFIX + withdrawalId;
    }

    static String attemptSk(int n) {
        return ATTEMPT_PREFIX + String.format("%06d", n);
    }

    /** Spreads pending withdrawals over a few index partitions, so a burst has no single hot key. */
    static String pendingShard(String withdrawalId) {
        return "PENDING#" + Math.floorMod(withdrawalId.hashCode(), PENDING_SHARDS);
    }

    static final class WithdrawalItem {
        static final TableSchema<WithdrawalItem> SCHEMA = StaticTableSchema.builder(WithdrawalItem.class)
                .newItemSupplier(WithdrawalItem::new)
                .addAttribute(String.class, a -> a.name("pk").getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
                .addAttribute(String.class, a -> a.name("sk").getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
                .addAttribute(String.class, a -> a.name("withdrawalId").getter(i -> i.withdrawalId).setter((i, v) -> i.withdrawalId = v))
                .addAttribute(String.class, a -> a.name("accountId").getter(i -> i.accountId).setter((i, v) -> i.accountId = v))
                .addAttribute(String.class, a -> a.name("idempotencyKey").getter(i -> i.idempotencyKey).setter((i, v) -> i.idempotencyKey = v))
                .addAttribute(String.class, a -> a.name("fingerprint").getter(i -> i.fingerprint).setter((i, v) -> i.fingerprint = v))
                .addAttribute(BigDecimal.class, a -> a.name("amount").getter(i -> i.amount).setter((i, v) -> i.amount = v))
                .addAttribute(String.class, a -> a.name("bank").getter(i -> i.bank).setter((i, v) -> i.bank = v))
                .addAttribute(String.class, a -> a.name("bankAccount").getter(i -> i.bankAccount).setter((i, v) -> i.bankAccount = v))
                .addAttribute(String.class, a -> a.name("status").getter(i -> i.status).setter((i, v) -> i.status = v))
                .addAttribute(String.class, a -> a.name("failureReason").getter(i -> i.failureReason).setter((i, v) -> i.failureReason = v))
                .addAttribute(String.class, a -> a.name("createdAt").getter(i -> i.createdAt).setter((i, v) -> i.createdAt = v))
                .addAttribute(String.class, a -> a.name("finishedAt").getter(i -> i.finishedAt).setter((i, v) -> i.finishedAt = v))
                .addAttribute(Integer.class, a -> a.name("responseStatus").getter(i -> i.responseStatus).setter((i, v) -> i.responseStatus = v))
                .addAttribute(String.class, a -> a.name("responseBody").getter(i -> i.responseBody).setter((i, v) -> i.responseBody = v))
                .addAttribute(String.class, a -> a.name("pendingShard").getter(i -> i.pendingShard).setter((i, v) -> i.pendingShard = v))
                .addAttribute(String.class, a -> a.name("pendingSince").getter(i -> i.pendingSince).setter((i, v) -> i.pendingSince = v))
                .build();

        String pk;
        String sk;
        String withdrawalId;
        String accountId;
        String idempotencyKey;
        String fingerprint;
        BigDecimal amount;
        String bank;
        String bankAccount;
        String status;
        String failureReason;
        String createdAt;
        String finishedAt;
        Integer responseStatus;
        String responseBody;
        String pendingShard;
        String pendingSince;
    }

    static WithdrawalItem toItem(StoredWithdrawal stored) {
        Withdrawal w = stored.withdrawal();
        WithdrawalItem i = new WithdrawalItem();
        i.pk = pk(w.withdrawalId());
        i.sk = WITHDRAWAL_SK;
        i.withdrawalId = w.withdrawalId();
        i.accountId = w.accountId();
        i.idempotencyKey = w.idempotencyKey();
        i.fingerprint = w.fingerprint();
        i.amount = w.amount().value();
        i.bank = w.destination().bank();
        i.bankAccount = w.destination().account();
        i.status = w.status().name();
        i.failureReason = w.failureReason();
        i.createdAt = Rfc3339.format(w.createdAt());
        i.finishedAt = w.finishedAt() == null ? null : Rfc3339.format(w.finishedAt());
        i.responseStatus = stored.replyStatus();
        i.responseBody = stored.replyBody();
        if (w.status() == WithdrawalStatus.PENDING) {
            i.pendingShard = pendingShard(w.withdrawalId());
            i.pendingSince = i.createdAt;
        }
        return i;
    }

    static StoredWithdrawal fromItem(Map<String, AttributeValue> item) {
        return fromItem(WithdrawalItem.SCHEMA.mapToItem(item));
    }

    static StoredWithdrawal fromItem(WithdrawalItem i) {
        Withdrawal w = new Withdrawal(i.withdrawalId, i.accountId, i.idempotencyKey, i.fingerprint, new Amount(i.amount),
                new Destination(i.bank, i.bankAccount), WithdrawalStatus.valueOf(i.status), i.failureReason,
                Rfc3339.parse(i.createdAt), i.finishedAt == null ? null : Rfc3339.parse(i.finishedAt));
        return new StoredWithdrawal(w, i.responseStatus == null ? 0 : i.responseStatus, i.responseBody);
    }

    static final class AttemptItem {
        static final TableSchema<AttemptItem> SCHEMA = StaticTableSchema.builder(AttemptItem.class)
                .newItemSupplier(AttemptItem::new)
                .addAttribute(String.class, a -> a.name("pk").getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
                .addAttribute(String.class, a -> a.name("sk").getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
                .addAttribute(String.class, a -> a.name("withdrawalId").getter(i -> i.withdrawalId).setter((i, v) -> i.withdrawalId = v))
                .addAttribute(Integer.class, a -> a.name("attempt").getter(i -> i.attempt).setter((i, v) -> i.attempt = v))
                .addAttribute(String.class, a -> a.name("startedAt").getter(i -> i.startedAt).setter((i, v) -> i.startedAt = v))
                .build();

        String pk;
        String sk;
        String withdrawalId;
        Integer attempt;
        String startedAt;
    }
}
