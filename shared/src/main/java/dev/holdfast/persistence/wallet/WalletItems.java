package dev.holdfast.persistence.wallet;

import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.money.Fund;
import dev.holdfast.domain.wallet.Account;
import dev.holdfast.domain.wallet.Credit;
import dev.holdfast.domain.wallet.EntryType;
import dev.holdfast.domain.wallet.LedgerEntry;
import dev.holdfast.persistence.KeyedCommit;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;

import java.math.BigDecimal;
import java.time.Instant;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primarySortKey;

/**
 * The item kinds of the wallet table, each with a static (non-reflective) schema. Money is stored
 * as DynamoDB numbers (exact decimals of up to 38 digits), read and written as {@code BigDecimal}.
 * Accounts, ledger entries and admin credit records map to and from their items here.
 */
public final class WalletItems {
    private WalletItems() {}

    public static final String ACCOUNT_PREFIX = "ACCOUNT#";
    public static final String BALANCE_SK = "BALANCE";
    public static final String LEDGER_PREFIX = "LEDGER#";
    static final String CREDIT_KEY_PREFIX = "CREDITKEY#";
    static final String KEY_SK = "KEY";

    public static String accountPk(String accountId) {
        return ACCOUNT_PREFIX + accountId;
    }

    static String ledgerSk(long seq) {
        return LEDGER_PREFIX + String.format("%012d", seq);
    }

    static String creditKeyPk(String callerSub, String key) {
        // the key itself has no '#' ([A-Za-z0-9_-]), so the last '#' always splits sub from key
        return CREDIT_KEY_PREFIX + callerSub + "#" + key;
    }

    /** pk {@code ACCOUNT#id}, sk {@code BALANCE}: an account's balances (a view of its ledger). */
    static final class AccountItem {
        static final TableSchema<AccountItem> SCHEMA = StaticTableSchema.builder(AccountItem.class)
                .newItemSupplier(AccountItem::new)
                .addAttribute(String.class, a -> a.name("pk").getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
                .addAttribute(String.class, a -> a.name("sk").getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
                .addAttribute(String.class, a -> a.name("accountId").getter(i -> i.accountId).setter((i, v) -> i.accountId = v))
                .addAttribute(BigDecimal.class, a -> a.name("cash").getter(i -> i.cash).setter((i, v) -> i.cash = v))
                .addAttribute(BigDecimal.class, a -> a.name("bonus").getter(i -> i.bonus).setter((i, v) -> i.bonus = v))
                .addAttribute(BigDecimal.class, a -> a.name("heldForWithdrawal").getter(i -> i.heldForWithdrawal).setter((i, v) -> i.heldForWithdrawal = v))
                .addAttribute(BigDecimal.class, a -> a.name("openExposure").getter(i -> i.openExposure).setter((i, v) -> i.openExposure = v))
                .addAttribute(Long.class, a -> a.name("ledgerSeq").getter(i -> i.ledgerSeq).setter((i, v) -> i.ledgerSeq = v))
                .addAttribute(Long.class, a -> a.name("revision").getter(i -> i.revision).setter((i, v) -> i.revision = v))
                .addAttribute(String.class, a -> a.name("updatedAt").getter(i -> i.updatedAt).setter((i, v) -> i.updatedAt = v))
                .build();

        String pk;
        String sk;
        String accountId;
        BigDecimal cash;
        BigDecimal bonus;
        BigDecimal heldForWithdrawal;
        BigDecimal openExposure;
        Long ledgerSeq;
        Long revision;
        String updatedAt;
    }

    /** pk {@code ACCOUNT#id}, sk {@code LEDGER#<seq, 12 digits>}: one append-only ledger entry. */
    static final class LedgerItem {
        static final TableSchema<LedgerItem> SCHEMA = StaticTableSchema.builder(LedgerItem.class)
                .newItemSupplier(LedgerItem::new)
                .addAttribute(String.class, a -> a.name("pk").getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
                .addAttribute(String.class, a -> a.name("sk").getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
                .addAttribute(String.class, a -> a.name("entryId").getter(i -> i.entryId).setter((i, v) -> i.entryId = v))
                .addAttribute(String.class, a -> a.name("accountId").getter(i -> i.accountId).setter((i, v) -> i.accountId = v))
                .addAttribute(Long.class, a -> a.name("seq").getter(i -> i.seq).setter((i, v) -> i.seq = v))
                .addAttribute(String.class, a -> a.name("type").getter(i -> i.type).setter((i, v) -> i.type = v))
                .addAttribute(String.class, a -> a.name("fund").getter(i -> i.fund).setter((i, v) -> i.fund = v))
                .addAttribute(BigDecimal.class, a -> a.name("amount").getter(i -> i.amount).setter((i, v) -> i.amount = v))
                .addAttribute(BigDecimal.class, a -> a.name("balanceAfter").getter(i -> i.balanceAfter).setter((i, v) -> i.balanceAfter = v))
                .addAttribute(String.class, a -> a.name("orderId").getter(i -> i.orderId).setter((i, v) -> i.orderId = v))
                .addAttribute(String.class, a -> a.name("withdrawalId").getter(i -> i.withdrawalId).setter((i, v) -> i.withdrawalId = v))
                .addAttribute(BigDecimal.class, a -> a.name("heldChange").getter(i -> i.heldChange).setter((i, v) -> i.heldChange = v))
                .addAttribute(String.class, a -> a.name("createdAt").getter(i -> i.createdAt).setter((i, v) -> i.createdAt = v))
                .build();

        String pk;
        String sk;
        String entryId;
        String accountId;
        Long seq;
        String type;
        String fund;
        BigDecimal amount;
        BigDecimal balanceAfter;
        String orderId;
        String withdrawalId;
        /** Absent (read as 0) on entries that do not touch the held amount. */
        BigDecimal heldChange;
        String createdAt;
    }

    /**
     * pk {@code CREDITKEY#<caller sub>#<Idempotency-Key>}, sk {@code KEY}: an admin credit's
     * idempotency record, written in the same transaction as the credit, holding the request's
     * fingerprint and the full response to replay.
     */
    static final class CreditKeyItem {
        static final TableSchema<CreditKeyItem> SCHEMA = StaticTableSchema.builder(CreditKeyItem.class)
                .newItemSupplier(CreditKeyItem::new)
                .addAttribute(String.class, a -> a.name("pk").getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
                .addAttribute(String.class, a -> a.name("sk").getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
                .addAttribute(String.class, a -> a.name("callerSub").getter(i -> i.callerSub).setter((i, v) -> i.callerSub = v))
                .addAttribute(String.class, a -> a.name("idempotencyKey").getter(i -> i.idempotencyKey).setter((i, v) -> i.idempotencyKey = v))
                .addAttribute(String.class, a -> a.name("fingerprint").getter(i -> i.fingerprint).setter((i, v) -> i.fingerprint = v))
                .addAttribute(String.class, a -> a.name("accountId").getter(i -> i.accountId).setter((i, v) -> i.accountId = v))
                .addAttribute(String.class, a -> a.name("entryId").getter(i -> i.entryId).setter((i, v) -> i.entryId = v))
                .addAttribute(Integer.class, a -> a.name("responseStatus").getter(i -> i.responseStatus).setter((i, v) -> i.responseStatus = v))
                .addAttribute(String.class, a -> a.name("responseBody").getter(i -> i.responseBody).setter((i, v) -> i.responseBody = v))
                .addAttribute(String.class, a -> a.name("createdAt").getter(i -> i.createdAt).setter((i, v) -> i.createdAt = v))
                .build();

        String pk;
        String sk;
        String callerSub;
        String idempotencyKey;
        String fingerprint;
        String accountId;
        String entryId;
        Integer responseStatus;
        String responseBody;
        String createdAt;
    }

    // ------------------------------------------------------------------------------ mapping

    static AccountItem toItem(Account a, long revision, Instant updatedAt) {
        AccountItem i = new AccountItem();
        i.pk = accountPk(a.accountId());
        i.sk = BALANCE_SK;
        i.accountId = a.accountId();
        i.cash = a.cash().value();
        i.bonus = a.bonus().value();
        i.heldForWithdrawal = a.heldForWithdrawal().value();
        i.openExposure = a.openExposure().value();
        i.ledgerSeq = a.ledgerSeq();
        i.revision = revision;
        i.updatedAt = Rfc3339.format(updatedAt);
        return i;
    }

    static Account fromItem(AccountItem i) {
        return new Account(i.accountId, new Amount(i.cash), new Amount(i.bonus), new Amount(i.heldForWithdrawal),
                new Amount(i.openExposure), i.ledgerSeq, i.revision);
    }

    static LedgerItem toItem(LedgerEntry e) {
        LedgerItem i = new LedgerItem();
        i.pk = accountPk(e.accountId());
        i.sk = ledgerSk(e.seq());
        i.entryId = e.entryId();
        i.accountId = e.accountId();
        i.seq = e.seq();
        i.type = e.type().name();
        i.fund = e.fund().name();
        i.amount = e.amount().value();
        i.balanceAfter = e.balanceAfter().value();
        i.orderId = e.orderId();
        i.withdrawalId = e.withdrawalId();
        i.heldChange = e.heldChange().isZero() ? null : e.heldChange().value();
        i.createdAt = Rfc3339.format(e.createdAt());
        return i;
    }

    static LedgerEntry fromItem(LedgerItem i) {
        return new LedgerEntry(i.entryId, i.accountId, i.seq, EntryType.valueOf(i.type), Fund.valueOf(i.fund),
                new Amount(i.amount), new Amount(i.balanceAfter), i.orderId, i.withdrawalId,
                i.heldChange == null ? Amount.ZERO : new Amount(i.heldChange), Rfc3339.parse(i.createdAt));
    }

    /** The idempotency record of an admin credit: the request's fingerprint and the response its key replays. */
    static CreditKeyItem toItem(String callerSub, String idempotencyKey, Credit credit, String entryId,
                                int responseStatus, String responseBody, Instant createdAt) {
        CreditKeyItem i = new CreditKeyItem();
        i.pk = creditKeyPk(callerSub, idempotencyKey);
        i.sk = KEY_SK;
        i.callerSub = callerSub;
        i.idempotencyKey = idempotencyKey;
        i.fingerprint = credit.fingerprint();
        i.accountId = credit.accountId();
        i.entryId = entryId;
        i.responseStatus = responseStatus;
        i.responseBody = responseBody;
        i.createdAt = Rfc3339.format(createdAt);
        return i;
    }

    static KeyedCommit.StoredResponse fromItem(CreditKeyItem i) {
        return new KeyedCommit.StoredResponse(i.fingerprint, i.responseStatus, i.responseBody);
    }
}
