package dev.holdfast.persistence.reconciliation;

import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.audit.AuditItem;
import dev.holdfast.persistence.audit.AuditLog;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.audit.AuditRecord;
import dev.holdfast.domain.reconciliation.Mismatch;
import dev.holdfast.domain.reconciliation.MismatchKind;
import dev.holdfast.domain.reconciliation.ReconciliationReport;
import dev.holdfast.resources.Tables;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Reconciliation reports, append-only: each run's report is put once (pk {@code RECON}, sk
 * {@code <at>#<runId>}) and never changed or deleted; the latest is the highest sort key. A report
 * keeps at most {@value #MAX_STORED_MISMATCHES} mismatches (the first ones in item order) and
 * the total count, so an item stays far below DynamoDB's 400 KB (a mismatch is ~150 bytes).
 */
public final class ReconciliationStore {
    public static final int MAX_STORED_MISMATCHES = 1000;
    /** Bound of the stored mismatch JSON, whatever the ids' lengths: well under 400 KB. */
    static final int MAX_MISMATCH_JSON_CHARS = 300_000;

    private final DynamoDbClient dynamo;
    private final String table;
    private final AuditLog audit;

    public ReconciliationStore(Deployment deployment, AuditLog audit) {
        this.dynamo = deployment.clients().dynamo();
        this.table = deployment.names().table(Tables.PLATFORM);
        this.audit = audit;
    }

    /**
     * One run as stored.
     *
     * @param trigger       what started it: {@code schedule}, {@code admin} or {@code command}
     * @param report        the report; its {@code mismatches} are the stored ones (at most
     *                      {@value #MAX_STORED_MISMATCHES}), its {@code drift} is the full count
     * @param mismatchCount how many mismatches the run found in all
     */
    public record Run(String runId, String trigger, ReconciliationReport report, int mismatchCount, long durationMs) {
        /** Whether some mismatches were left out of the stored report. */
        public boolean truncated() {
            return mismatchCount > report.mismatches().size();
        }
    }

    public static String newRunId() {
        return "r-" + UUID.randomUUID();
    }

    /**
     * Stores a run (capped as described above), with its audit record in the same transaction
     * when given.
     *
     * @return the run as stored (with the capped mismatch list)
     */
    public Run save(String runId, String trigger, ReconciliationReport report, long durationMs, Optional<AuditRecord> record) {
        List<Mismatch> kept = new ArrayList<>(report.mismatches().subList(0, Math.min(MAX_STORED_MISMATCHES, report.mismatches().size())));
        String json = mismatchJson(kept);
        while (json.length() > MAX_MISMATCH_JSON_CHARS) {
            kept = new ArrayList<>(kept.subList(0, kept.size() / 2));
            json = mismatchJson(kept);
        }
        ReconciliationItem i = new ReconciliationItem();
        i.pk = ReconciliationItem.PK;
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
        report.unverified().stream().limit(MAX_STORED_MISMATCHES).forEach(unverified::add);
        i.unverified = Json.write(unverified);
        i.durationMs = durationMs;
        Put put = Put.builder().tableName(table).item(ReconciliationItem.SCHEMA.itemToMap(i, true))
                .conditionExpression("attribute_not_exists(pk)").build();
        if (record.isPresent()) {
            TransactWriteItem auditPut = TransactWriteItem.builder().put(Put.builder().tableName(audit.table().tableName())
                    .item(AuditItem.SCHEMA.itemToMap(audit.putInTransaction(record.get()).item(), true))
                    .conditionExpression("attribute_not_exists(pk)").build()).build();
            dynamo.transactWriteItems(b -> b.transactItems(TransactWriteItem.builder().put(put).build(), auditPut));
        } else {
            dynamo.putItem(b -> b.tableName(put.tableName()).item(put.item()).conditionExpression(put.conditionExpression()));
        }
        return fromItem(i);
    }

    /** The newest run, if any (strongly consistent). */
    public Optional<Run> latest() {
        QueryResponse r = dynamo.query(b -> b.tableName(table).consistentRead(true)
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(ReconciliationItem.PK)))
                .scanIndexForward(false).limit(1));
        return r.items().stream().findFirst().map(item -> fromItem(ReconciliationItem.SCHEMA.mapToItem(item)));
    }

    private static String mismatchJson(List<Mismatch> mismatches) {
        ArrayNode a = Json.array();
        for (Mismatch m : mismatches) {
            a.addObject().put("kind", m.kind().name()).put("item", m.item())
                    .put("stored", m.stored().toPlainString()).put("rebuilt", m.rebuilt().toPlainString());
        }
        return Json.write(a);
    }

    private static Run fromItem(ReconciliationItem i) {
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
        return new Run(i.runId, i.trigger, report, i.mismatchCount, i.durationMs == null ? 0 : i.durationMs);
    }
}
