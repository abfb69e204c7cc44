package dev.holdfast.persistence.waitingroom;

import dev.holdfast.persistence.Contention;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.ShardedCounters;
import dev.holdfast.persistence.audit.AuditLog;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.audit.AuditRecord;
import dev.holdfast.domain.waitingroom.Cohort;
import dev.holdfast.domain.waitingroom.PositionStripes;
import dev.holdfast.domain.waitingroom.Rollout;
import dev.holdfast.resources.Tables;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The waiting room in DynamoDB (table {@code waiting-room}). No item is written by every enter:
 *
 * <table>
 *   <tr><th>pk</th><th>sk</th><th>what</th></tr>
 *   <tr><td>{@code ROLLOUT#<rid>}</td><td>{@code ROLLOUT}</td><td>the rollout as created, and its admission state
 *       (health factor, pace carry, last tick, verifier counts seen); moved only by the admitter, revision-guarded</td></tr>
 *   <tr><td>{@code ACTIVE}</td><td>{@code <rid>}</td><td>rollouts the admitter serves</td></tr>
 *   <tr><td>{@code COHORT#<rid>#<cid>}</td><td>{@code STATE}</td><td>serving position, admitted count, the stripe
 *       counts as of the last tick, the admission rate now; written once a tick by the admitter, read by polls</td></tr>
 *   <tr><td>{@code COHORT#<rid>#<cid>#POS#S<i>}</td><td>{@code COUNTER}</td><td>position stripes
 *       ({@link PositionStripes}), each its own partition: one {@code ADD} per enter on one of them</td></tr>
 *   <tr><td>{@code COHORT#<rid>#<cid>#LOG}</td><td>serving position, zero-padded</td><td>when the admitter reached
 *       it: an admitted ticket's admission time</td></tr>
 *   <tr><td>{@code COHORT#<rid>#<cid>#SIGNUPS#S<i>}</td><td>{@code COUNTER}</td><td>accounts opened (sharded counter)</td></tr>
 *   <tr><td>{@code TICKET#<tid>}</td><td>{@code TICKET}</td><td>one device's place: put once, then only
 *       {@code admittedAt} is set once</td></tr>
 * </table>
 */
public final class WaitingRoomStore {
    public static final int STRIPES = 8;
    static final int SIGNUP_SHARDS = 8;
    private static final String ACTIVE = "ACTIVE";

    private final DynamoDbClient db;
    private final String table;
    private final AuditLog audit;
    private final ShardedCounters stripes;
    private final ShardedCounters signups;

    public WaitingRoomStore(Deployment deployment, AuditLog audit) {
        this.db = deployment.clients().dynamo();
        this.table = deployment.names().table(Tables.WAITING_ROOM);
        this.audit = audit;
        this.stripes = new ShardedCounters(db, table, STRIPES);
        this.signups = new ShardedCounters(db, table, SIGNUP_SHARDS);
    }

    /** Where the signup path counts a cohort's opened accounts (field {@code signedUp}). */
    public static String signupsCounter(String rolloutId, String cohortId) {
        return "COHORT#" + rolloutId + "#" + cohortId + "#SIGNUPS";
    }

    /** A rollout with its admission state. */
    public record RolloutState(Rollout rollout, int factorMilli, long carryMicro, Optional<Instant> lastTickAt,
                               long verifierCalls, long verifierErrors, String signal, long revision) {}

    /** A cohort's state as of the admitter's last tick. */
    public record CohortState(String rolloutId, Cohort cohort, Duration admissionWindow, long serving, long admitted,
                              long[] counts, long rateNowMilli, long effectiveRateMilli, long revision) {}

    /** One device's place. */
    public record Ticket(String ticketId, String rolloutId, String cohortId, long position, Instant enteredAt,
                         Optional<Instant> admittedAt) {}

    /** The outcome of putting a ticket: the stored one, and whether it was this put that made it. */
    public record TicketPut(Ticket ticket, boolean created) {}

    /** What one admitter tick changes in one cohort. */
    public record CohortTick(CohortState before, long serving, long admitted, long[] counts, long rateNowMilli,
                             long effectiveRateMilli) {}

    /** Creates a rollout, its cohorts' states and its audit record, all or nothing. */
    public void create(Rollout r, AuditRecord record) {
        create(r, record, List.of());
    }

    /**
     * As {@link #create(Rollout, AuditRecord)}, with {@code alsoPut} in the same transaction (the
     * surges its cohorts register on the calendar).
     */
    public void create(Rollout r, AuditRecord record, List<TransactWriteItem> alsoPut) {
        List<TransactWriteItem> tx = new ArrayList<>(alsoPut);
        Map<String, AttributeValue> item = key("ROLLOUT#" + r.rolloutId(), "ROLLOUT");
        item.put("rolloutId", s(r.rolloutId()));
        item.put("name", s(r.name()));
        item.put("ratePerSecond", n(r.admissionRatePerSecond()));
        item.put("windowSeconds", n(r.admissionWindow().toSeconds()));
        item.put("cohorts", s(Json.write(cohortsJson(r.cohorts()))));
        item.put("createdBy", s(r.createdBy()));
        item.put("createdAt", s(Rfc3339.format(r.createdAt())));
        item.put("factorMilli", n(1000));
        item.put("carryMicro", n(0));
        item.put("verifierCalls", n(-1));
        item.put("verifierErrors", n(0));
        item.put("signal", s("HEALTHY"));
        item.put("revision", n(0));
        tx.add(putNew(item));
        Map<String, AttributeValue> active = key(ACTIVE, r.rolloutId());
        tx.add(putNew(active));
        for (Cohort c : r.cohorts()) {
            Map<String, AttributeValue> st = key(cohortPk(r.rolloutId(), c.cohortId()), "STATE");
            st.put("rolloutId", s(r.rolloutId()));
            st.put("cohortId", s(c.cohortId()));
            st.put("label", s(c.label()));
            st.put("opensAt", s(Rfc3339.format(c.opensAt())));
            st.put("closesAt", s(Rfc3339.format(c.closesAt())));
            st.put("windowSeconds", n(r.admissionWindow().toSeconds()));
            st.put("serving", n(0));
            st.put("admitted", n(0));
            st.put("counts", s(countsText(new long[STRIPES])));
            st.put("rateNowMilli", n(0));
            st.put("effectiveRateMilli", n(r.admissionRatePerSecond() * 1000));
            st.put("revision", n(0));
            tx.add(putNew(st));
        }
        tx.add(audit.lowLevelPut(record));
        db.transactWriteItems(b -> b.transactItems(tx));
    }

    public Optional<RolloutState> rollout(String rolloutId) {
        GetItemResponse r = db.getItem(b -> b.tableName(table).key(key("ROLLOUT#" + rolloutId, "ROLLOUT")).consistentRead(true));
        if (!r.hasItem() || r.item().isEmpty()) {
            return Optional.empty();
        }
        Map<String, AttributeValue> i = r.item();
        Rollout rollout = new Rollout(rolloutId, str(i, "name"), num(i, "ratePerSecond"),
                Duration.ofSeconds(num(i, "windowSeconds")), cohorts(Json.parseTrusted(str(i, "cohorts"))),
                str(i, "createdBy"), Rfc3339.parse(str(i, "createdAt")));
        return Optional.of(new RolloutState(rollout, (int) num(i, "factorMilli"), num(i, "carryMicro"),
                Optional.ofNullable(i.get("lastTickAt")).map(v -> Rfc3339.parse(v.s())),
                num(i, "verifierCalls"), num(i, "verifierErrors"), str(i, "signal"), num(i, "revision")));
    }

    /** The rollouts the admitter serves. */
    public List<String> activeRollouts() {
        List<String> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse r = db.query(b -> b.tableName(table).consistentRead(true)
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", s(ACTIVE))).exclusiveStartKey(from));
            r.items().forEach(i -> out.add(i.get("sk").s()));
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    /** A rollout the admitter is done with (every cohort closed and served). */
    public void retire(String rolloutId) {
        db.deleteItem(b -> b.tableName(table).key(key(ACTIVE, rolloutId)));
    }

    public Optional<CohortState> cohort(String rolloutId, String cohortId, boolean consistent) {
        GetItemResponse r = db.getItem(b -> b.tableName(table).key(key(cohortPk(rolloutId, cohortId), "STATE"))
                .consistentRead(consistent));
        if (!r.hasItem() || r.item().isEmpty()) {
            return Optional.empty();
        }
        Map<String, AttributeValue> i = r.item();
        Cohort c = new Cohort(cohortId, str(i, "label"), Rfc3339.parse(str(i, "opensAt")), Rfc3339.parse(str(i, "closesAt")));
        return Optional.of(new CohortState(rolloutId, c, Duration.ofSeconds(num(i, "windowSeconds")),
                num(i, "serving"), num(i, "admitted"), counts(str(i, "counts")), num(i, "rateNowMilli"),
                num(i, "effectiveRateMilli"), num(i, "revision")));
    }

    /** Every stripe's count now (strongly consistent). */
    public long[] stripeCounts(String rolloutId, String cohortId) {
        long[] out = new long[STRIPES];
        stripes.byShard(cohortPk(rolloutId, cohortId) + "#POS").forEach((shard, values) -> {
            if (shard < STRIPES) {
                out[shard] = values.getOrDefault("n", 0L);
            }
        });
        return out;
    }

    /** Takes the next number on one stripe: one {@code ADD}, the only write an enter shares with others. */
    public long allocate(String rolloutId, String cohortId, int stripe) {
        return stripes.add(cohortPk(rolloutId, cohortId) + "#POS", stripe, Map.of("n", 1L)).get("n");
    }

    /** Accounts opened per cohort, as the signup worker counts them. */
    public long signedUp(String rolloutId, String cohortId) {
        return signups.sum(signupsCounter(rolloutId, cohortId)).getOrDefault("signedUp", 0L);
    }

    /** A ticket that holds its place; a bare claim (an enter still allocating its position) is not one yet. */
    public Optional<Ticket> ticket(String ticketId) {
        GetItemResponse r = db.getItem(b -> b.tableName(table).key(key("TICKET#" + ticketId, "TICKET")).consistentRead(true));
        return r.hasItem() && !r.item().isEmpty() && r.item().containsKey("position")
                ? Optional.of(ticket(r.item())) : Optional.empty();
    }

    /**
     * Claims a device's ticket before any position is allocated: one conditional put of the ticket
     * item without a position. Only the enter that wins the claim takes a number, so one device's
     * concurrent enters allocate one position (no place nobody holds, true counts).
     *
     * @return whether this call claimed it (false: another enter of the same device did, or it exists)
     */
    public boolean claim(String ticketId, String rolloutId, String cohortId, Instant enteredAt, Instant expiresAt) {
        Map<String, AttributeValue> item = key("TICKET#" + ticketId, "TICKET");
        item.put("ticketId", s(ticketId));
        item.put("rolloutId", s(rolloutId));
        item.put("cohortId", s(cohortId));
        item.put("enteredAt", s(Rfc3339.format(enteredAt)));
        item.put("expiresAt", n(expiresAt.getEpochSecond()));
        try {
            db.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
            return true;
        } catch (ConditionalCheckFailedException taken) {
            return false;
        }
    }

    /**
     * Gives a claimed ticket its position, unless it already has one (then the stored ticket wins):
     * {@code SET position} conditional on the claim existing without a position.
     */
    public TicketPut assignPosition(Ticket t) {
        try {
            db.updateItem(b -> b.tableName(table).key(key("TICKET#" + t.ticketId(), "TICKET"))
                    .updateExpression("SET #p = :p")
                    .conditionExpression("attribute_exists(pk) AND attribute_not_exists(#p)")
                    .expressionAttributeNames(Map.of("#p", "position"))
                    .expressionAttributeValues(Map.of(":p", n(t.position())))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return new TicketPut(ticket(t.ticketId()).orElse(t), true);
        } catch (ConditionalCheckFailedException taken) {
            if (taken.hasItem() && taken.item().containsKey("position")) {
                return new TicketPut(ticket(taken.item()), false);
            }
            return new TicketPut(ticket(t.ticketId()).orElseThrow(), false);
        }
    }

    /**
     * Puts a new ticket, or returns the one already there (the same device entered before or at the
     * same moment): the ticket id is derived from the device, so a device has one place per cohort.
     */
    public TicketPut put(Ticket t, Instant expiresAt) {
        Map<String, AttributeValue> item = key("TICKET#" + t.ticketId(), "TICKET");
        item.put("ticketId", s(t.ticketId()));
        item.put("rolloutId", s(t.rolloutId()));
        item.put("cohortId", s(t.cohortId()));
        item.put("position", n(t.position()));
        item.put("enteredAt", s(Rfc3339.format(t.enteredAt())));
        item.put("expiresAt", n(expiresAt.getEpochSecond()));
        try {
            db.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)")
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return new TicketPut(t, true);
        } catch (ConditionalCheckFailedException taken) {
            if (taken.hasItem() && !taken.item().isEmpty()) {
                return new TicketPut(ticket(taken.item()), false);
            }
            return new TicketPut(ticket(t.ticketId()).orElseThrow(), false);
        }
    }

    /**
     * When the admitter's serving position first reached {@code position} (the tick that admitted it),
     * if it has.
     */
    public Optional<Instant> admissionTime(String rolloutId, String cohortId, long position) {
        QueryResponse r = db.query(b -> b.tableName(table).consistentRead(true)
                .keyConditionExpression("pk = :pk AND sk >= :p")
                .expressionAttributeValues(Map.of(":pk", s(cohortPk(rolloutId, cohortId) + "#LOG"), ":p", s(pad(position))))
                .limit(1));
        return r.items().stream().findFirst().map(i -> Rfc3339.parse(i.get("at").s()));
    }

    /** Records a ticket's admission time once; returns the stored one. */
    public Instant markAdmitted(String ticketId, Instant at) {
        try {
            db.updateItem(b -> b.tableName(table).key(key("TICKET#" + ticketId, "TICKET"))
                    .updateExpression("SET admittedAt = :at")
                    .conditionExpression("attribute_exists(pk) AND attribute_not_exists(admittedAt)")
                    .expressionAttributeValues(Map.of(":at", s(Rfc3339.format(at)))));
            return at;
        } catch (ConditionalCheckFailedException already) {
            return ticket(ticketId).flatMap(Ticket::admittedAt).orElse(at);
        }
    }

    /**
     * One admitter tick of a rollout, all or nothing: its admission state, each cohort's new state and
     * the log entries of serving positions reached. Guarded by revisions, so overlapping admitter runs
     * cannot both apply a tick.
     *
     * @return false if another run changed the rollout or a cohort first (nothing was written)
     */
    public boolean tick(RolloutState before, int factorMilli, long carryMicro, Instant at, long verifierCalls,
                        long verifierErrors, String signal, List<CohortTick> cohorts) {
        List<TransactWriteItem> tx = new ArrayList<>();
        tx.add(TransactWriteItem.builder().update(u -> u.tableName(table)
                .key(key("ROLLOUT#" + before.rollout().rolloutId(), "ROLLOUT"))
                .updateExpression("SET factorMilli = :f, carryMicro = :c, lastTickAt = :at, verifierCalls = :vc, "
                        + "verifierErrors = :ve, #sig = :sig, revision = :next")
                .conditionExpression("revision = :rev")
                .expressionAttributeNames(Map.of("#sig", "signal"))
                .expressionAttributeValues(Map.of(":f", n(factorMilli), ":c", n(carryMicro),
                        ":at", s(Rfc3339.format(at)), ":vc", n(verifierCalls), ":ve", n(verifierErrors),
                        ":sig", s(signal), ":rev", n(before.revision()), ":next", n(before.revision() + 1)))).build());
        for (CohortTick c : cohorts) {
            String pk = cohortPk(c.before().rolloutId(), c.before().cohort().cohortId());
            tx.add(TransactWriteItem.builder().update(u -> u.tableName(table).key(key(pk, "STATE"))
                    .updateExpression("SET serving = :s, admitted = :a, counts = :c, rateNowMilli = :r, "
                            + "effectiveRateMilli = :e, revision = :next")
                    .conditionExpression("revision = :rev")
                    .expressionAttributeValues(Map.of(":s", n(c.serving()), ":a", n(c.admitted()),
                            ":c", s(countsText(c.counts())), ":r", n(c.rateNowMilli()), ":e", n(c.effectiveRateMilli()),
                            ":rev", n(c.before().revision()), ":next", n(c.before().revision() + 1)))).build());
            if (c.serving() > c.before().serving()) {
                Map<String, AttributeValue> log = key(pk + "#LOG", pad(c.serving()));
                log.put("at", s(Rfc3339.format(at)));
                log.put("from", n(c.before().serving()));
                tx.add(putNew(log));
            }
        }
        try {
            db.transactWriteItems(b -> b.transactItems(tx));
            return true;
        } catch (TransactionCanceledException raced) {
            if (Contention.anyConditionFailed(raced) || Contention.conflicted(raced)) {
                return false;
            }
            throw raced;
        }
    }

    private Ticket ticket(Map<String, AttributeValue> i) {
        return new Ticket(str(i, "ticketId"), str(i, "rolloutId"), str(i, "cohortId"), num(i, "position"),
                Rfc3339.parse(str(i, "enteredAt")),
                Optional.ofNullable(i.get("admittedAt")).map(v -> Rfc3339.parse(v.s())));
    }

    private TransactWriteItem putNew(Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(p -> p.tableName(table).item(item)
                .conditionExpression("attribute_not_exists(pk)")).build();
    }

    static String cohortPk(String rolloutId, String cohortId) {
        return "COHORT#" + rolloutId + "#" + cohortId;
    }

    static String pad(long position) {
        return String.format("%020d", position);
    }

    private static ArrayNode cohortsJson(List<Cohort> cohorts) {
        ArrayNode a = Json.array();
        for (Cohort c : cohorts) {
            ObjectNode o = a.addObject();
            o.put("cohortId", c.cohortId());
            o.put("label", c.label());
            o.put("opensAt", Rfc3339.format(c.opensAt()));
            o.put("closesAt", Rfc3339.format(c.closesAt()));
        }
        return a;
    }

    private static List<Cohort> cohorts(JsonNode a) {
        List<Cohort> out = new ArrayList<>();
        for (JsonNode o : a) {
            out.add(new Cohort(o.get("cohortId").asText(), o.get("label").asText(),
                    Rfc3339.parse(o.get("opensAt").asText()), Rfc3339.parse(o.get("closesAt").asText())));
        }
        return out;
    }

    static String countsText(long[] counts) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < counts.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(counts[i]);
        }
        return b.toString();
    }

    static long[] counts(String text) {
        String[] parts = text.split(",");
        long[] out = new long[STRIPES];
        for (int i = 0; i < Math.min(parts.length, STRIPES); i++) {
            out[i] = Long.parseLong(parts[i]);
        }
        return out;
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        Map<String, AttributeValue> k = new HashMap<>();
        k.put("pk", s(pk));
        k.put("sk", s(sk));
        return k;
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    private static String str(Map<String, AttributeValue> i, String f) {
        AttributeValue v = i.get(f);
        return v == null ? null : v.s();
    }

    private static long num(Map<String, AttributeValue> i, String f) {
        AttributeValue v = i.get(f);
        return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
    }
}
