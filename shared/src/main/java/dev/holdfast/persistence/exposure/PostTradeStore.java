package dev.holdfast.persistence.exposure;

import dev.holdfast.persistence.Contention;
import dev.holdfast.persistence.Cursors;
import dev.holdfast.runtime.Deployment;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.risk.FlagRules;
import dev.holdfast.domain.risk.RiskFlag;
import dev.holdfast.resources.Tables;
import dev.holdfast.retry.Retry;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the post-trade risk processor keeps, in the platform table:
 *
 * <ul>
 *   <li>open liability per market and selection: pk {@code RISKEXP#<marketId>}, sk
 *       {@code <selectionId>}, {@code liability} (a DynamoDB number, exact decimal). Changed only
 *       by {@link #apply}, which adds each stream record's effect <b>exactly once</b>: every
 *       effect commits in one transaction with its marker (pk {@code RISKDONE#<orderId>}, sk
 *       {@code ORDER} or {@code SETTLEMENT}, put only if absent, expiring after
 *       {@value #MARKER_DAYS} days — longer than a stream keeps a record), so a redelivered record
 *       finds its marker and adds nothing;</li>
 *   <li>pattern windows: pk {@code RISKWIN#<pattern>#<key>}, sk {@code <start>/<seconds>}, with the
 *       string sets {@code members} and {@code accounts} (adding a member twice changes nothing),
 *       {@code raised} once its flag is raised (then it stops growing), expiring a day after the
 *       window ends;</li>
 *   <li>flags: pk {@code RISKFLAG}, sk {@code <raisedAt>#<flagId>}, append-only, raised in one
 *       transaction with the window's {@code raised} mark, so each window raises at most one.</li>
 * </ul>
 */
public final class PostTradeStore {
    /** How long an applied-record marker is kept (a stream keeps records for 24 hours). */
    public static final int MARKER_DAYS = 3;
    /** Effects per transaction: a marker each plus at most one counter each stays within 100 actions. */
    static final int EFFECTS_PER_TRANSACTION = 50;
    /** Conflicting counter updates are tried again, up to 12 tries. */
    private static final Retry RETRY = Retry.attempts(12);
    private static final String FLAG_PK = PostTradeItems.FLAG_PK;

    private final DynamoDbClient dynamo;
    private final String table;

    public PostTradeStore(Deployment deployment) {
        this.dynamo = deployment.clients().dynamo();
        this.table = deployment.names().table(Tables.PLATFORM);
    }

    /** What a record of the orders stream does to open liability. */
    public enum Kind { ORDER, SETTLEMENT }

    /**
     * One record's effect: {@code delta} (the order's liability, or its negation for its
     * settlement) on the market's selection.
     */
    public record Effect(String orderId, Kind kind, String marketId, String selectionId, BigDecimal delta) {
        public Effect {
            Objects.requireNonNull(orderId);
            Objects.requireNonNull(kind);
            Objects.requireNonNull(marketId);
            Objects.requireNonNull(selectionId);
            Objects.requireNonNull(delta);
        }
    }

    /**
     * Adds each effect to its selection's open liability exactly once, however often it is
     * applied. Effects are committed in transactions of up to {@value #EFFECTS_PER_TRANSACTION};
     * an effect whose marker exists is dropped and the rest committed again.
     *
     * @return how many effects were new (not applied before)
     */
    public int apply(List<Effect> effects, Instant now) {
        Map<String, Effect> unique = new LinkedHashMap<>();
        effects.forEach(e -> unique.putIfAbsent(e.orderId() + "/" + e.kind(), e));
        List<Effect> all = new ArrayList<>(unique.values());
        int applied = 0;
        for (int from = 0; from < all.size(); from += EFFECTS_PER_TRANSACTION) {
            applied += applyChunk(new ArrayList<>(all.subList(from, Math.min(all.size(), from + EFFECTS_PER_TRANSACTION))), now);
        }
        return applied;
    }

    private int applyChunk(List<Effect> pending, Instant now) {
        long expires = now.plusSeconds(MARKER_DAYS * 86_400L).getEpochSecond();
        Retry.Turns turns = RETRY.start();
        while (turns.next()) {
            if (pending.isEmpty()) {
                return 0;
            }
            List<TransactWriteItem> actions = new ArrayList<>();
            for (Effect e : pending) {
                actions.add(TransactWriteItem.builder().put(Put.builder().tableName(table)
                        .item(PostTradeItems.MarkerItem.SCHEMA.itemToMap(PostTradeItems.toItem(e, expires), true))
                        .conditionExpression("attribute_not_exists(pk)").build()).build());
            }
            Map<List<String>, BigDecimal> sums = new LinkedHashMap<>();
            for (Effect e : pending) {
                sums.merge(List.of(e.marketId(), e.selectionId()), e.delta(), BigDecimal::add);
            }
            sums.forEach((k, d) -> actions.add(TransactWriteItem.builder().update(Update.builder().tableName(table)
                    .key(Map.of("pk", AttributeValue.fromS(exposurePk(k.get(0))), "sk", AttributeValue.fromS(k.get(1))))
                    .updateExpression("ADD liability :d")
                    .expressionAttributeValues(Map.of(":d", AttributeValue.fromN(d.toPlainString()))).build()).build()));
            try {
                dynamo.transactWriteItems(b -> b.transactItems(actions));
                return pending.size();
            } catch (TransactionCanceledException e) {
                if (Contention.anyConditionFailed(e)) {
                    List<Effect> rest = new ArrayList<>();
                    for (int i = 0; i < pending.size(); i++) {
                        if (!Contention.conditionFailed(e, i)) {
                            rest.add(pending.get(i));
                        }
                    }
                    pending = rest; // the failed ones were applied before: a redelivery
                } else if (Contention.conflicted(e)) {
                    turns.backOff();
                } else {
                    throw e;
                }
            }
        }
        throw new IllegalStateException("exposure counters stayed contended after " + turns.tries() + " attempts");
    }

    private static String exposurePk(String marketId) {
        return "RISKEXP#" + marketId;
    }

    /** The open liability on each selection of a market that has any (strongly consistent). */
    public Map<String, BigDecimal> liabilities(String marketId) {
        Map<String, BigDecimal> out = new LinkedHashMap<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder q = QueryRequest.builder().tableName(table).consistentRead(true)
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(exposurePk(marketId))));
            if (start != null) {
                q.exclusiveStartKey(start);
            }
            QueryResponse r = dynamo.query(q.build());
            r.items().forEach(i -> out.put(i.get("sk").s(), i.containsKey("liability") ? new BigDecimal(i.get("liability").n()) : BigDecimal.ZERO));
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    // ---- pattern windows and flags ----

    /** A window's members and accounts after a count, while its flag is not raised. */
    public record WindowState(Set<String> members, Set<String> accounts) {}

    /**
     * Adds {@code c}'s member and account to its window. Empty when the window already raised its
     * flag (it no longer grows).
     */
    public Optional<WindowState> count(FlagRules.Count c) {
        String expires = Long.toString(c.window().end().plusSeconds(86_400).getEpochSecond());
        try {
            UpdateItemResponse r = dynamo.updateItem(b -> b.tableName(table).key(windowKey(c))
                    .updateExpression("ADD members :m, accounts :a SET expiresAt = :e")
                    .conditionExpression("attribute_not_exists(raised)")
                    .expressionAttributeValues(Map.of(":m", AttributeValue.fromSs(List.of(c.member())),
                            ":a", AttributeValue.fromSs(List.of(c.account())), ":e", AttributeValue.fromN(expires)))
                    .returnValues(ReturnValue.ALL_NEW));
            return Optional.of(new WindowState(new TreeSet<>(r.attributes().get("members").ss()),
                    new TreeSet<>(r.attributes().get("accounts").ss())));
        } catch (ConditionalCheckFailedException raised) {
            return Optional.empty();
        }
    }

    /**
     * Raises {@code flag} for {@code c}'s window, unless the window raised one already.
     *
     * @return whether this call raised it
     */
    public boolean raise(FlagRules.Count c, RiskFlag flag) {
        try {
            dynamo.transactWriteItems(b -> b.transactItems(
                    TransactWriteItem.builder().update(Update.builder().tableName(table).key(windowKey(c))
                            .updateExpression("SET raised = :id")
                            .conditionExpression("attribute_not_exists(raised)")
                            .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(flag.flagId()))).build()).build(),
                    TransactWriteItem.builder().put(Put.builder().tableName(table)
                            .item(PostTradeItems.FlagItem.SCHEMA.itemToMap(PostTradeItems.toItem(flag), true))
                            .conditionExpression("attribute_not_exists(pk)").build()).build()));
            return true;
        } catch (TransactionCanceledException e) {
            if (Contention.anyConditionFailed(e)) {
                return false;
            }
            throw e;
        }
    }

    private static Map<String, AttributeValue> windowKey(FlagRules.Count c) {
        return Map.of("pk", AttributeValue.fromS("RISKWIN#" + c.pattern().name() + "#" + c.key()),
                "sk", AttributeValue.fromS(c.window().start().getEpochSecond() + "/" + c.window().seconds()));
    }

    /** The contract's JSON of a flag. */
    public static ObjectNode flagJson(RiskFlag f) {
        ObjectNode n = Json.object();
        n.put("flagId", f.flagId());
        n.put("pattern", f.pattern().name());
        var accounts = n.putArray("accounts");
        f.accounts().forEach(accounts::add);
        f.marketId().ifPresent(m -> n.put("marketId", m));
        n.put("detail", f.detail());
        n.put("raisedAt", Rfc3339.format(f.raisedAt()));
        return n;
    }

    /** One page of flags, newest first. */
    public record FlagPage(List<RiskFlag> flags, Optional<String> nextCursor) {}

    public FlagPage flags(int limit, Optional<String> cursor) {
        QueryRequest.Builder q = QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(FLAG_PK)))
                .scanIndexForward(false).limit(limit);
        cursor.ifPresent(c -> q.exclusiveStartKey(Map.of("pk", AttributeValue.fromS(FLAG_PK),
                "sk", AttributeValue.fromS(Cursors.decode(c, sk -> sk.matches("\\d{4}-[^#]+#f-[0-9a-f]+"))))));
        QueryResponse r = dynamo.query(q.build());
        List<RiskFlag> out = new ArrayList<>();
        r.items().forEach(i -> out.add(PostTradeItems.fromItem(PostTradeItems.FlagItem.SCHEMA.mapToItem(i))));
        Optional<String> next = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() && out.size() == limit
                ? Optional.of(Cursors.encode(r.lastEvaluatedKey().get("sk").s()))
                : Optional.empty();
        return new FlagPage(out, next);
    }

    /** Every flag, newest first, all pages (tests and ops). */
    public List<RiskFlag> allFlags() {
        List<RiskFlag> out = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        do {
            FlagPage p = flags(200, cursor);
            out.addAll(p.flags());
            cursor = p.nextCursor();
        } while (cursor.isPresent());
        return out;
    }
}
