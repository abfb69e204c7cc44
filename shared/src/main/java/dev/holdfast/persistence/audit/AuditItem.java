package dev.holdfast.persistence.audit;

import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.audit.AuditRecord;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primarySortKey;

/** One stored audit record (pk {@code AUDIT}, sk {@code <at>#<auditId>}) and its mapping to and from {@link AuditRecord}. */
public final class AuditItem {
    /** Every record shares this partition, sorted by time ({@code sk = <at>#<auditId>}). */
    static final String PK = "AUDIT";

    public static final TableSchema<AuditItem> SCHEMA = StaticTableSchema.builder(AuditItem.class)
            .newItemSupplier(AuditItem::new)
            .addAttribute(String.class, a -> a.name("pk").getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
            .addAttribute(String.class, a -> a.name("sk").getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
            .addAttribute(String.class, a -> a.name("auditId").getter(i -> i.auditId).setter((i, v) -> i.auditId = v))
            .addAttribute(String.class, a -> a.name("actor").getter(i -> i.actor).setter((i, v) -> i.actor = v))
            .addAttribute(String.class, a -> a.name("action").getter(i -> i.action).setter((i, v) -> i.action = v))
            .addAttribute(String.class, a -> a.name("target").getter(i -> i.target).setter((i, v) -> i.target = v))
            .addAttribute(String.class, a -> a.name("before").getter(i -> i.before).setter((i, v) -> i.before = v))
            .addAttribute(String.class, a -> a.name("after").getter(i -> i.after).setter((i, v) -> i.after = v))
            .addAttribute(String.class, a -> a.name("at").getter(i -> i.at).setter((i, v) -> i.at = v))
            .build();

    String pk;
    String sk;
    String auditId;
    String actor;
    String action;
    String target;
    String before;
    String after;
    String at;

    static AuditItem toItem(AuditRecord r) {
        AuditItem i = new AuditItem();
        i.pk = PK;
        i.sk = Rfc3339.format(r.at()) + "#" + r.auditId();
        i.auditId = r.auditId();
        i.actor = r.actor();
        i.action = r.action();
        i.target = r.target();
        i.before = r.beforeJson();
        i.after = r.afterJson();
        i.at = Rfc3339.format(r.at());
        return i;
    }

    static AuditRecord fromItem(AuditItem i) {
        return new AuditRecord(i.auditId, i.actor, i.action, i.target, i.before, i.after, Rfc3339.parse(i.at));
    }
}
