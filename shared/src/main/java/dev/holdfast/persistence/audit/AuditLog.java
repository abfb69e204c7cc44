package dev.holdfast.persistence.audit;

import dev.holdfast.persistence.Cursors;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.domain.audit.AuditRecord;
import dev.holdfast.resources.Tables;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.Page;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactPutItemEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The append-only audit trail. Records are only ever put with {@code attribute_not_exists}: no
 * code path updates or deletes one. All records share one partition, sorted by time; admin actions
 * come far below one partition's write rate.
 */
public final class AuditLog {
    private static final String PK = AuditItem.PK;
    private static final Pattern SORT_KEY = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T[0-9:.]{12}Z#a-[0-9a-f-]{36}");

    private final Deployment deployment;
    private volatile DynamoDbTable<AuditItem> table;

    /**
     * The audit trail of {@code deployment}. The table is resolved on first use, not here: most
     * functions build stores that can audit but never do on their path (e.g. the feed ingester's
     * market saves), and a deployed function is given only the tables it uses.
     */
    public AuditLog(Deployment deployment) {
        this.deployment = deployment;
    }

    /** A new record id. */
    public static String newId() {
        return "a-" + java.util.UUID.randomUUID();
    }

    /** The put of one record, to be committed in the same transaction as the change it records. */
    public TransactPutItemEnhancedRequest<AuditItem> putInTransaction(AuditRecord r) {
        return TransactPutItemEnhancedRequest.builder(AuditItem.class)
                .item(AuditItem.toItem(r))
                .conditionExpression(Expression.builder().expression("attribute_not_exists(pk)").build())
                .build();
    }

    /** The same put for a low-level {@code TransactWriteItems}. */
    public software.amazon.awssdk.services.dynamodb.model.TransactWriteItem lowLevelPut(AuditRecord r) {
        return software.amazon.awssdk.services.dynamodb.model.TransactWriteItem.builder()
                .put(p -> p.tableName(table().tableName()).item(AuditItem.SCHEMA.itemToMap(AuditItem.toItem(r), true))
                        .conditionExpression("attribute_not_exists(pk)"))
                .build();
    }

    public DynamoDbTable<AuditItem> table() {
        DynamoDbTable<AuditItem> t = table;
        if (t == null) {
            t = deployment.clients().enhanced().table(deployment.names().table(Tables.AUDIT), AuditItem.SCHEMA);
            table = t;
        }
        return t;
    }

    /** One page of the trail, newest first. */
    public record AuditPage(List<AuditRecord> records, Optional<String> nextCursor) {}

    /**
     * Reads a page, newest first.
     *
     * @param cursor a {@code nextCursor} from an earlier page; anything else is a 400
     */
    public AuditPage page(Optional<String> cursor, int limit) {
        QueryEnhancedRequest.Builder q = QueryEnhancedRequest.builder()
                .queryConditional(QueryConditional.keyEqualTo(Key.builder().partitionValue(PK).build()))
                .scanIndexForward(false)
                .consistentRead(true)
                .limit(limit);
        cursor.ifPresent(c -> q.exclusiveStartKey(Map.of(
                "pk", AttributeValue.fromS(PK), "sk", AttributeValue.fromS(decodeCursor(c)))));
        Page<AuditItem> page = table().query(q.build()).iterator().next();
        List<AuditRecord> records = page.items().stream().map(AuditItem::fromItem).toList();
        Optional<String> next = Optional.ofNullable(page.lastEvaluatedKey())
                .filter(k -> !k.isEmpty() && records.size() == limit)
                .map(k -> encodeCursor(k.get("sk").s()));
        return new AuditPage(records, next);
    }

    /** What a filtered read keeps: each present field must equal the record's (target: or be a prefix of it ending in '/'). */
    public record Filter(Optional<String> actor, Optional<String> action, Optional<String> target) {
        public static final Filter NONE = new Filter(Optional.empty(), Optional.empty(), Optional.empty());

        public boolean isEmpty() {
            return actor.isEmpty() && action.isEmpty() && target.isEmpty();
        }

        public boolean test(AuditRecord r) {
            return actor.map(a -> a.equals(r.actor())).orElse(true)
                    && action.map(a -> a.equals(r.action())).orElse(true)
                    && target.map(t -> t.equals(r.target()) || (t.endsWith("/") && r.target() != null && r.target().startsWith(t)))
                            .orElse(true);
        }
    }

    /** How many records one filtered read examines at most before it answers with what it found and a cursor. */
    static final int FILTER_SCAN_MAX = 2_000;

    /**
     * Reads a page of the records that pass {@code filter}, newest first. The trail is one
     * partition sorted by time, so the filter is applied while reading it backwards; a read
     * examines at most {@value #FILTER_SCAN_MAX} records, and when it stops there (or when the page
     * is full) {@code nextCursor} continues after the last record examined — so a page may hold
     * fewer than {@code limit} records and still have a next one.
     */
    public AuditPage page(Optional<String> cursor, int limit, Filter filter) {
        if (filter.isEmpty()) {
            return page(cursor, limit);
        }
        List<AuditRecord> found = new java.util.ArrayList<>();
        Optional<String> from = cursor;
        int examined = 0;
        while (true) {
            int batch = Math.min(200, FILTER_SCAN_MAX - examined);
            QueryEnhancedRequest.Builder q = QueryEnhancedRequest.builder()
                    .queryConditional(QueryConditional.keyEqualTo(Key.builder().partitionValue(PK).build()))
                    .scanIndexForward(false)
                    .consistentRead(true)
                    .limit(batch);
            from.ifPresent(c -> q.exclusiveStartKey(Map.of(
                    "pk", AttributeValue.fromS(PK), "sk", AttributeValue.fromS(decodeCursor(c)))));
            Page<AuditItem> page = table().query(q.build()).iterator().next();
            String lastSk = null;
            for (AuditItem item : page.items()) {
                examined++;
                lastSk = item.sk;
                AuditRecord r = AuditItem.fromItem(item);
                if (filter.test(r)) {
                    found.add(r);
                    if (found.size() == limit) {
                        return new AuditPage(found, Optional.of(encodeCursor(item.sk)));
                    }
                }
            }
            boolean more = page.lastEvaluatedKey() != null && !page.lastEvaluatedKey().isEmpty() && lastSk != null;
            if (!more) {
                return new AuditPage(found, Optional.empty());
            }
            if (examined >= FILTER_SCAN_MAX) {
                return new AuditPage(found, Optional.of(encodeCursor(lastSk)));
            }
            from = Optional.of(encodeCursor(lastSk));
        }
    }

    static String encodeCursor(String sk) {
        return Cursors.encode(sk);
    }

    static String decodeCursor(String cursor) {
        return Cursors.decode(cursor, sk -> SORT_KEY.matcher(sk).matches());
    }
}
