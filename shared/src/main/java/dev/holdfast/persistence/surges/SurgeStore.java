package dev.holdfast.persistence.surges;

import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.audit.AuditRecord;
import dev.holdfast.domain.surge.Surge;
import dev.holdfast.domain.surge.SurgeCalendar;
import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.persistence.Contention;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.resources.Tables;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The surge calendar in the platform table: one partition {@code SURGES}, one item per surge with
 * sort key {@code <endsAt>#<surgeId>}, so "not over yet" is one strongly consistent query
 * ({@code sk > now}). Only admin calls, rollouts, {@code POST /admin/maintenance} and the
 * deployment hook touch it — never a request path — far below one partition's rates. A surge is
 * put once; cancelling and overriding only set their own attributes, each with its audit record in
 * the same transaction. Nothing deletes a surge.
 *
 * <p>A surge id carries its end ({@code sg-<endsAt epoch ms, 13 digits>-<20 hex>}), so a read by id
 * is one {@code GetItem}; ids stay opaque to clients.
 */
public final class SurgeStore {
    private static final Pattern ID = Pattern.compile("sg-([0-9]{13})-[0-9a-f]{20}");

    private final DynamoDbClient db;
    private final String table;

    public SurgeStore(Deployment deployment) {
        this.db = deployment.clients().dynamo();
        this.table = deployment.names().table(Tables.PLATFORM);
    }

    /** A new surge id for a surge ending at {@code endsAt}. */
    public static String newId(Instant endsAt) {
        return String.format("sg-%013d-%s", endsAt.toEpochMilli(), UUID.randomUUID().toString().replace("-", "").substring(0, 20));
    }

    /** Thrown when a guarded change found the surge changed (cancelled meanwhile); read again. */
    public static final class ConcurrentChange extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ConcurrentChange() {
            super("the surge changed concurrently", null, false, false);
        }
    }

    /** The put of a new surge, for a caller's own transaction (a rollout registering its cohorts). */
    public TransactWriteItem putNew(Surge s) {
        return TransactWriteItem.builder().put(p -> p.tableName(table).item(SurgeItem.SCHEMA.itemToMap(SurgeItem.toItem(s), true))
                .conditionExpression("attribute_not_exists(pk)")).build();
    }

    /** Declares a surge and appends its audit record, all or nothing. */
    public void create(Surge s, AuditRecord record, AuditLog audit) {
        db.transactWriteItems(b -> b.transactItems(putNew(s), audit.lowLevelPut(record)));
    }

    /** The surge with this id, cancelled or not; empty for an id no surge could have. */
    public Optional<Surge> get(String surgeId) {
        var m = ID.matcher(surgeId);
        if (!m.matches()) {
            return Optional.empty();
        }
        Instant endsAt = Instant.ofEpochMilli(Long.parseLong(m.group(1)));
        GetItemResponse r = db.getItem(b -> b.tableName(table).key(key(endsAt, surgeId)).consistentRead(true));
        return r.hasItem() && !r.item().isEmpty() ? Optional.of(SurgeItem.fromItem(SurgeItem.SCHEMA.mapToItem(r.item()))) : Optional.empty();
    }

    /** Every surge not over at {@code now} (strongly consistent): the calendar that can still freeze anything. */
    public SurgeCalendar notOverAt(Instant now) {
        List<Surge> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse r = db.query(b -> b.tableName(table).consistentRead(true)
                    .keyConditionExpression("pk = :pk AND sk > :now")
                    .expressionAttributeValues(Map.of(":pk", s(SurgeItem.PK), ":now", s(Rfc3339.format(now))))
                    .exclusiveStartKey(from));
            r.items().forEach(i -> out.add(SurgeItem.fromItem(SurgeItem.SCHEMA.mapToItem(i))));
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        return new SurgeCalendar(out);
    }

    /**
     * Marks {@code after} cancelled and appends {@code record}, all or nothing.
     *
     * @throws ConcurrentChange if it was cancelled meanwhile
     */
    public void cancel(Surge after, AuditRecord record, AuditLog audit) {
        Surge.Cancellation c = after.cancellation().orElseThrow();
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":reason", s(c.reason()));
        values.put(":by", s(c.by()));
        values.put(":at", s(Rfc3339.format(c.at())));
        update(after, "SET cancelledReason = :reason, cancelledBy = :by, cancelledAt = :at",
                "attribute_exists(pk) AND attribute_not_exists(cancelledAt)", values, record, audit);
    }

    /**
     * Records {@code after}'s deploy override (replacing an earlier one) and appends {@code record}.
     *
     * @throws ConcurrentChange if it was cancelled meanwhile
     */
    public void override(Surge after, AuditRecord record, AuditLog audit) {
        Surge.DeployOverride o = after.deployOverride().orElseThrow();
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":reason", s(o.reason()));
        values.put(":by", s(o.by()));
        values.put(":at", s(Rfc3339.format(o.at())));
        values.put(":until", s(Rfc3339.format(o.expiresAt())));
        update(after, "SET overrideReason = :reason, overrideBy = :by, overrideAt = :at, overrideExpiresAt = :until",
                "attribute_exists(pk) AND attribute_not_exists(cancelledAt)", values, record, audit);
    }

    private void update(Surge s, String expression, String condition, Map<String, AttributeValue> values,
                        AuditRecord record, AuditLog audit) {
        TransactWriteItem change = TransactWriteItem.builder().update(u -> u.tableName(table)
                .key(key(s.endsAt(), s.surgeId()))
                .updateExpression(expression)
                .conditionExpression(condition)
                .expressionAttributeValues(values)).build();
        try {
            db.transactWriteItems(b -> b.transactItems(change, audit.lowLevelPut(record)));
        } catch (TransactionCanceledException e) {
            if (Contention.conditionFailed(e, 0)) {
                throw new ConcurrentChange();
            }
            throw e;
        }
    }

    private static Map<String, AttributeValue> key(Instant endsAt, String surgeId) {
        return Map.of("pk", s(SurgeItem.PK), "sk", s(SurgeItem.sk(endsAt, surgeId)));
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }
}
