package dev.holdfast.persistence.waitingroom;

import dev.holdfast.persistence.Contention;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.ShardedCounters;
import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.persistence.waitingroom.WaitingRoomItems.CohortStateItem;
import dev.holdfast.persistence.waitingroom.WaitingRoomItems.LogItem;
import dev.holdfast.persistence.waitingroom.WaitingRoomItems.RolloutItem;
import dev.holdfast.persistence.waitingroom.WaitingRoomItems.TicketItem;
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
    private static final String ACTIVE = WaitingRoomItems.ACTIVE;

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
        tx.add(putNew(RolloutItem.SCHEMA.itemToMap(WaitingRoomItems.toItem(
                new RolloutState(r, 1000, 0, Optional.empty(), -1, 0, "HEALTHY", 0)), true)));
        tx.add(putNew(key(ACTIVE, r.rolloutId())));
        for (Cohort c : r.cohorts()) {
            tx.add(putNew(CohortStateItem.SCHEMA.itemToMap(WaitingRoomItems.toItem(new CohortState(r.rolloutId(), c,
                    r.admissionWindow(), 0, 0, new long[STRIPES], 0, r.admissionRatePerSecond() * 1000, 0)), true)));
        }
        tx.add(audit.lowLevelPut(record));
        db.transactWriteItems(b -> b.transactItems(tx));
    }

    public Optional<RolloutState> rollout(String rolloutId) {
        GetItemResponse r = db.getItem(b -> b.tableName(table)
                .key(key(WaitingRoomItems.rolloutPk(rolloutId), WaitingRoomItems.ROLLOUT_SK)).consistentRead(true));
        if (!r.hasItem() || r.item().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(WaitingRoomItems.fromItem(RolloutItem.SCHEMA.mapToItem(r.item())));
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
        GetItemResponse r = db.getItem(b -> b.tableName(table).key(key(WaitingRoomItems.cohortPk(rolloutId, cohortId), WaitingRoomItems.STATE_SK))
                .consistentRead(consistent));
        if (!r.hasItem() || r.item().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(WaitingRoomItems.fromItem(CohortStateItem.SCHEMA.mapToItem(r.item())));
    }

    /** Every stripe's count now (strongly consistent). */
    public long[] stripeCounts(String rolloutId, String cohortId) {
        long[] out = new long[STRIPES];
        stripes.byShard(WaitingRoomItems.cohortPk(rolloutId, cohortId) + "#POS").forEach((shard, values) -> {
            if (shard < STRIPES) {
                out[shard] = values.getOrDefault("n", 0L);
            }
        });
        return out;
    }

    /** Takes the next number on one stripe: one {@code ADD}, the only write an enter shares with others. */
    public long allocate(String rolloutId, String cohortId, int stripe) {
        return stripes.add(WaitingRoomItems.cohortPk(rolloutId, cohortId) + "#POS", stripe, Map.of("n", 1L)).get("n");
    }

    /** Accounts opened per cohort, as the signup worker counts them. */
    public long signedUp(String rolloutId, String cohortId) {
        return signups.sum(signupsCounter(rolloutId, cohortId)).getOrDefault("signedUp", 0L);
    }

    /** A ticket that holds its place; a bare claim (an enter still allocating its position) is not one yet. */
    public Optional<Ticket> ticket(String ticketId) {
        GetItemResponse r = db.getItem(b -> b.tableName(table).key(ticketKey(ticketId)).consistentRead(true));
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
        Map<String, AttributeValue> item = TicketItem.SCHEMA.itemToMap(
                WaitingRoomItems.claimItem(ticketId, rolloutId, cohortId, enteredAt, expiresAt), true);
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
            db.updateItem(b -> b.tableName(table).key(ticketKey(t.ticketId()))
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
        Map<String, AttributeValue> item = TicketItem.SCHEMA.itemToMap(WaitingRoomItems.toItem(t, expiresAt), true);
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
                .expressionAttributeValues(Map.of(":pk", s(WaitingRoomItems.logPk(rolloutId, cohortId)), ":p", s(WaitingRoomItems.pad(position))))
                .limit(1));
        return r.items().stream().findFirst().map(i -> Rfc3339.parse(LogItem.SCHEMA.mapToItem(i).at));
    }

    /** Records a ticket's admission time once; returns the stored one. */
    public Instant markAdmitted(String ticketId, Instant at) {
        try {
            db.updateItem(b -> b.tableName(table).key(ticketKey(ticketId))
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
                .key(key(WaitingRoomItems.rolloutPk(before.rollout().rolloutId()), WaitingRoomItems.ROLLOUT_SK))
                .updateExpression("SET factorMilli = :f, carryMicro = :c, lastTickAt = :at, verifierCalls = :vc, "
                        + "verifierErrors = :ve, #sig = :sig, revision = :next")
                .conditionExpression("revision = :rev")
                .expressionAttributeNames(Map.of("#sig", "signal"))
                .expressionAttributeValues(Map.of(":f", n(factorMilli), ":c", n(carryMicro),
                        ":at", s(Rfc3339.format(at)), ":vc", n(verifierCalls), ":ve", n(verifierErrors),
                        ":sig", s(signal), ":rev", n(before.revision()), ":next", n(before.revision() + 1)))).build());
        for (CohortTick c : cohorts) {
            String pk = WaitingRoomItems.cohortPk(c.before().rolloutId(), c.before().cohort().cohortId());
            tx.add(TransactWriteItem.builder().update(u -> u.tableName(table).key(key(pk, WaitingRoomItems.STATE_SK))
                    .updateExpression("SET serving = :s, admitted = :a, counts = :c, rateNowMilli = :r, "
                            + "effectiveRateMilli = :e, revision = :next")
                    .conditionExpression("revision = :rev")
                    .expressionAttributeValues(Map.of(":s", n(c.serving()), ":a", n(c.admitted()),
                            ":c", s(WaitingRoomItems.countsText(c.counts())), ":r", n(c.rateNowMilli()), ":e", n(c.effectiveRateMilli()),
                            ":rev", n(c.before().revision()), ":next", n(c.before().revision() + 1)))).build());
            if (c.serving() > c.before().serving()) {
                tx.add(putNew(LogItem.SCHEMA.itemToMap(WaitingRoomItems.logItem(c.before().rolloutId(),
                        c.before().cohort().cohortId(), c.serving(), c.before().serving(), at), true)));
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

    private static Ticket ticket(Map<String, AttributeValue> i) {
        return WaitingRoomItems.fromItem(TicketItem.SCHEMA.mapToItem(i));
    }

    private TransactWriteItem putNew(Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(p -> p.tableName(table).item(item)
                .conditionExpression("attribute_not_exists(pk)")).build();
    }

    private static Map<String, AttributeValue> ticketKey(String ticketId) {
        return key(WaitingRoomItems.ticketPk(ticketId), WaitingRoomItems.TICKET_SK);
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of("pk", s(pk), "sk", s(sk));
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }
}
