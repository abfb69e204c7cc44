package dev.holdfast.persistence.reconciliation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.reconciliation.Mismatch;
import dev.holdfast.domain.reconciliation.MismatchKind;
import dev.holdfast.domain.reconciliation.ReconciliationReport;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primarySortKey;

/**
 * One reconciliation run's report (platform table, pk {@code RECON}, sk {@code <at>#<runId>}), put
 * once and never changed. {@code mismatches} is a JSON array holding at most
 * {@link ReconciliationStore#MAX_STORED_MISMATCHES} of them; {@code mismatchCount} is how many there were.
 * The mapping of a run to and from this item is here too.
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

    /**
     * The item of one run, its mismatches capped as the store describes (the first ones, at most
     * {@link ReconciliationStore#MAX_STORED_MISMATCHES}, their JSON within
     * {@link ReconciliationStore#MAX_MISMATCH_JSON_CHARS}).
     */
    static ReconciliationItem toItem(String runId, String trigger, ReconciliationReport report, long durationMs) {
        List<Mismatch> kept = new ArrayList<>(report.mismatches().subList(0, Math.min(ReconciliationStore.MAX_STORED_MISMATCHES, report.mismatches().size())));
        String json = mismatchJson(kept);
        while (json.length() > ReconciliationStore.MAX_MISMATCH_JSON_CHARS) {
            kept = new ArrayList<>(kept.subList(0, kept.size() / 2));
            json = mismatchJson(kept);
        }
        ReconciliationItem i = new ReconciliationItem();
        i.pk = PK;
        i.sk = Rfc3339.format(report.at()) + "#" + runId;
        i.runId = runId;
        i.trigger = trigger;
        i.at = Rfc3339.format(report.at());
        i.accountsChecked = report.accountsChecked();
        i.exposuresChecked = report.exposuresChecked();
        i.drift = report.drift();
        i.mismatchCount = report.mismatches().size();
        i.mismatches = json;
        ArrayNode unverified = Json.array();
        report.unverified().stream().limit(ReconciliationStore.MAX_STORED_MISMATCHES).forEach(unverified::add);
        i.unverified = Json.write(unverified);
        i.durationMs = durationMs;
        return i;
    }

    private static String mismatchJson(List<Mismatch> mismatches) {
        ArrayNode a = Json.array();
        for (Mismatch m : mismatches) {
            a.addObject().put("kind", m.kind().name()).put("item", m.item())
                    .put("stored", m.stored().toPlainString()).put("rebuilt", m.rebuilt().toPlainString());
        }
        return Json.write(a);
    }

    static ReconciliationStore.Run fromItem(ReconciliationItem i) {
        List<Mismatch> mismatches = new ArrayList<>();
        for (JsonNode m : Json.parseTrusted(i.mismatches)) {
            mismatches.add(new Mismatch(MismatchKind.valueOf(m.path("kind").asText()), m.path("item").asText(),
                    new BigDecimal(m.path("stored").asText()), new BigDecimal(m.path("rebuilt").asText())));
        }
        List<String> unverified = new ArrayList<>();
        if (i.unverified != null) {
            Json.parseTrusted(i.unverified).forEach(u -> unverified.add(u.asText()));
        }
        ReconciliationReport report = new ReconciliationReport(Rfc3339.parse(i.at), i.accountsChecked, i.exposuresChecked,
                i.drift, mismatches, unverified);
        return new ReconciliationStore.Run(i.runId, i.trigger, report, i.mismatchCount, i.durationMs == null ? 0 : i.durationMs);
    }
}
