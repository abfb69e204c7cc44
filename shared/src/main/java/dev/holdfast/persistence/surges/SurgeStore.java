package dev.holdfast.persistence.surges;

import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.audit.AuditRecord;
import dev.holdfast.domain.surge.ExpectedPeak;
import dev.holdfast.domain.surge.Surge;
import dev.holdfast.domain.surge.SurgeCalendar;
import dev.holdfast.domain.surge.SurgeKind;
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
    static final String PK = "SURGES";
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
        return TransactWriteItem.builder().put(p -> p.tableName(table).item(toItem(s))
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
        return r.hasItem() && !r.item().isEmpty() ? Optional.of(fromItem(r.item())) : Optional.empty();
    }

    /** Every surge not over at {@code now} (strongly consistent): the calendar that can still freeze anything. */
    public SurgeCalendar notOverAt(Instant now) {
        List<Surge> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse r = db.query(b -> b.tableName(table).consistentRead(true)
                    .keyConditionExpression("pk = :pk AND sk > :now")
                    .expressionAttributeValues(Map.of(":pk", s(PK), ":now", s(Rfc3339.format(now))))
                    .exclusiveStartKey(from));
            r.items().forEach(i -> out.add(fromItem(i)));
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
        Map<String, AttributeValue> k = new HashMap<>();
        k.put("pk", s(PK));
        k.put("sk", s(Rfc3339.format(endsAt) + "#" + surgeId));
        return k;
    }

    private static Map<String, AttributeValue> toItem(Surge s) {
        Map<String, AttributeValue> i = key(s.endsAt(), s.surgeId());
        i.put("surgeId", s(s.surgeId()));
        i.put("name", s(s.name()));
        i.put("kind", s(s.kind().name()));
        i.put("startsAt", s(Rfc3339.format(s.startsAt())));
        i.put("endsAt", s(Rfc3339.format(s.endsAt())));
        i.put("ordersPerSecond", n(s.expectedPeak().ordersPerSecond()));
        i.put("entersPerSecond", n(s.expectedPeak().entersPerSecond()));
        i.put("withdrawalsPerSecond", n(s.expectedPeak().withdrawalsPerSecond()));
        i.put("createdBy", s(s.createdBy()));
        i.put("createdAt", s(Rfc3339.format(s.createdAt())));
        s.cancellation().ifPresent(c -> {
            i.put("cancelledReason", s(c.reason()));
            i.put("cancelledBy", s(c.by()));
            i.put("cancelledAt", s(Rfc3339.format(c.at())));
        });
        s.deployOverride().ifPresent(o -> {
            i.put("overrideReason", s(o.reason()));
            i.put("overrideBy", s(o.by()));
            i.put("overrideAt", s(Rfc3339.format(o.at())));
            i.put("overrideExpiresAt", s(Rfc3339.format(o.expiresAt())));
        });
        return i;
    }

    private static Surge fromItem(Map<String, AttributeValue> i) {
        Optional<Surge.Cancellation> c = i.containsKey("cancelledAt")
                ? Optional.of(new Surge.Cancellation(str(i, "cancelledReason"), str(i, "cancelledBy"), time(i, "cancelledAt")))
                : Optional.empty();
        Optional<Surge.DeployOverride> o = i.containsKey("overrideAt")
                ? Optional.of(new Surge.DeployOverride(str(i, "overrideReason"), str(i, "overrideBy"), time(i, "overrideAt"),
                        time(i, "overrideExpiresAt")))
                : Optional.empty();
        return new Surge(str(i, "surgeId"), str(i, "name"), SurgeKind.valueOf(str(i, "kind")), time(i, "startsAt"),
                time(i, "endsAt"), new ExpectedPeak(num(i, "ordersPerSecond"), num(i, "entersPerSecond"),
                num(i, "withdrawalsPerSecond")), str(i, "createdBy"), time(i, "createdAt"), c, o);
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    private static String str(Map<String, AttributeValue> i, String f) {
        return i.get(f).s();
    }

    private static long num(Map<String, AttributeValue> i, String f) {
        return Long.parseLong(i.get(f).n());
    }

    private static Instant time(Map<String, AttributeValue> i, String f) {
        return Rfc3339.parse(str(i, f));
    }
}
