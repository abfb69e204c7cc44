package dev.holdfast.persistence.reconciliation;

import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.audit.AuditItem;
import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.domain.audit.AuditRecord;
import dev.holdfast.domain.reconciliation.ReconciliationReport;
import dev.holdfast.resources.Tables;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

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
        ReconciliationItem i = ReconciliationItem.toItem(runId, trigger, report, durationMs);
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
        return ReconciliationItem.fromItem(i);
    }

    /** The newest run, if any (strongly consistent). */
    public Optional<Run> latest() {
        QueryResponse r = dynamo.query(b -> b.tableName(table).consistentRead(true)
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(ReconciliationItem.PK)))
                .scanIndexForward(false).limit(1));
        return r.items().stream().findFirst().map(item -> ReconciliationItem.fromItem(ReconciliationItem.SCHEMA.mapToItem(item)));
    }
}
