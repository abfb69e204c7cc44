package dev.holdfast.persistence.reconciliation;

import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primarySortKey;

/**
 * One reconciliation run's report (platform table, pk {@code RECON}, sk {@code <at>#<runId>}), put
 * once and never changed. {@code mismatches} is a JSON array holding at most
 * {@link ReconciliationStore#MAX_STORED_MISMATCHES} of them; {@code mismatchCount} is how many there were.
 */
final class ReconciliationItem {
    static final String PK = "RECON";

    String pk;
    String sk;
    String runId;
    String trigger;
    String at;
    Integer accountsChecked;
    Integer exposuresChecked;
    Integer drift;
    Integer mismatchCount;
    String mismatches;
    String unverified;
    Long durationMs;

    static final TableSchema<ReconciliationItem> SCHEMA = StaticTableSchema.builder(ReconciliationItem.class)
            .newItemSupplier(ReconciliationItem::new)
            .addAttribute(String.class, a -> a.name("pk").getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
            .addAttribute(String.class, a -> a.name("sk").getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
            .addAttribute(String.class, a -> a.name("runId").getter(i -> i.runId).setter((i, v) -> i.runId = v))
            .addAttribute(String.class, a -> a.name("trigger").getter(i -> i.trigger).setter((i, v) -> i.trigger = v))
            .addAttribute(String.class, a -> a.name("at").getter(i -> i.at).setter((i, v) -> i.at = v))
            .addAttribute(Integer.class, a -> a.name("accountsChecked").getter(i -> i.accountsChecked).setter((i, v) -> i.accountsChecked = v))
            .addAttribute(Integer.class, a -> a.name("exposuresChecked").getter(i -> i.exposuresChecked).setter((i, v) -> i.exposuresChecked = v))
            .addAttribute(Integer.class, a -> a.name("drift").getter(i -> i.drift).setter((i, v) -> i.drift = v))
            .addAttribute(Integer.class, a -> a.name("mismatchCount").getter(i -> i.mismatchCount).setter((i, v) -> i.mismatchCount = v))
            .addAttribute(String.class, a -> a.name("mismatches").getter(i -> i.mismatches).setter((i, v) -> i.mismatches = v))
            .addAttribute(String.class, a -> a.name("unverified").getter(i -> i.unverified).setter((i, v) -> i.unverified = v))
            .addAttribute(Long.class, a -> a.name("durationMs").getter(i -> i.durationMs).setter((i, v) -> i.durationMs = v))
            .build();
}
