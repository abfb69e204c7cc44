package dev.holdfast.local.faithful;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * A DynamoDB endpoint that behaves like AWS where DynamoDB Local does not: an HTTP proxy in front
 * of DynamoDB Local (or any DynamoDB endpoint) that forwards every request unchanged and applies
 * two documented AWS rules on the way, answering as AWS answers, so that the real SDK and the real
 * handler code react as they would on AWS. Local code only: nothing of it is in the functions jar.
 *
 * <h2>Transaction conflicts</h2>
 * From the DynamoDB developer guide, <a href="https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html#transaction-conflict-handling">
 * "Transaction conflict handling"</a>: a {@code TransactWriteItems} is cancelled (reason
 * {@code TransactionConflict} on the item) when an item it names — {@code ConditionCheck} included —
 * is part of another ongoing {@code TransactWriteItems}; a {@code PutItem}, {@code UpdateItem} or
 * {@code DeleteItem} on an item an ongoing transaction includes fails with
 * {@code TransactionConflictException}; a {@code TransactGetItems} naming such an item is cancelled
 * with {@code TransactionConflict}. {@code GetItem}, {@code Query}, {@code Scan} and
 * {@code BatchGetItem} never conflict. Here a transaction holds every item it names from its start
 * until at least start + H × F (H = {@link Settings#holdMillis()}, an assumption, F = the dilation):
 * it is forwarded, then waits out the rest of the hold, releases its items, then answers. A plain
 * write marks its item while it is forwarded, so a transaction starting meanwhile conflicts with it.
 *
 * <h2>Partition throughput</h2>
 * One partition serves at most 1,000 write units and 3,000 read units per second, and an item is
 * never split across partitions (<a href="https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html">
 * Designing partition keys</a>, <a href="https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/burst-adaptive-capacity.html">
 * Burst and adaptive capacity</a>); a global secondary index partition without capacity throttles
 * the base-table write (<a href="https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.ThroughputConsiderations">
 * GSI throughput considerations</a>). Units as in <a href="https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html#transaction-capacity-handling">
 * "Capacity management for transactions"</a> and the item-size rules: every item of a transaction
 * (ConditionCheck included) 2 write units per started KB of the larger of its old and new image;
 * a plain write 1 per started KB; each affected index partition 1 per started KB (old and new
 * index key when the write moves the item); {@code GetItem} 0.5 (eventually consistent) or 1
 * (consistent) read unit per started 4 KB; {@code TransactGetItems} 2 per item per 4 KB;
 * {@code Query} by the total size it returns, rounded up to 4 KB; batch operations per item.
 * The limits are divided by the dilation F ({@link PartitionBuckets}), so a rate measured locally
 * × F is the AWS-equivalent rate. Throttled requests are answered
 * {@code ProvisionedThroughputExceededException}; a throttled transaction is cancelled with reason
 * {@code ThrottlingError} on the throttled items; throttled batch items come back unprocessed.
 *
 * <p>Sizes of existing items come from the target itself (consistent reads, unmetered). Key schemas
 * come from {@code DescribeTable} on the target, once per table. Everything counted goes to the
 * {@link FaithfulMeter}.
 */
public final class FaithfulDynamo implements AutoCloseable {
    /** Write units one partition serves per second on AWS. */
    public static final double PARTITION_WCU_PER_SECOND = 1_000;
    /** Read units one partition serves per second on AWS. */
    public static final double PARTITION_RCU_PER_SECOND = 3_000;
    static final String ERROR_PREFIX = "com.amazonaws.dynamodb.v20120810#";
    static final String CONFLICT_MESSAGE = "Transaction is ongoing for the item";
    static final String TABLE_THROTTLE_MESSAGE = "Throughput exceeds the current capacity of your table or index. "
            + "DynamoDB is automatically scaling your table or index so please try again shortly. If exceptions persist, "
            + "check if you have a hot key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html";
    static final String INDEX_THROTTLE_MESSAGE = "Throughput exceeds the current capacity for one or more global "
            + "secondary indexes. DynamoDB is automatically scaling your index so please try again shortly.";

    /**
     * @param dilation   F: limits are divided by it, hold times multiplied (25 lets 2 cores reach them)
     * @param holdMillis H: how long (AWS time) a transaction holds its items, at least; an assumption
     */
    public record Settings(double dilation, long holdMillis) {
        public static final double DEFAULT_DILATION = 25;
        public static final long DEFAULT_HOLD_MILLIS = 10;

        public Settings {
            if (!(dilation > 0)) {
                throw new IllegalArgumentException("dilation must be > 0, got " + dilation);
            }
            if (holdMillis < 0) {
                throw new IllegalArgumentException("holdMillis must be >= 0, got " + holdMillis);
            }
        }

        public static Settings defaults() {
            return new Settings(DEFAULT_DILATION, DEFAULT_HOLD_MILLIS);
        }

        /** The local hold: H × F. */
        public long holdNanos() {
            return Math.round(holdMillis * dilation * 1_000_000d);
        }

        public double writeUnitsPerSecond() {
            return PARTITION_WCU_PER_SECOND / dilation;
        }

        public double readUnitsPerSecond() {
            return PARTITION_RCU_PER_SECOND / dilation;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "content-length", "expect",
            "upgrade", "transfer-encoding", "keep-alive", "te", "trailer", "date", "via", "proxy-connection");
    private static final Set<String> NOT_RETURNED = Set.of("content-length", "transfer-encoding", "connection",
            "date", "keep-alive", "server");

    private final URI target;
    private final Settings settings;
    private final LoopbackHttp server;
    private final HttpClient http;
    private final FaithfulMeter meter = new FaithfulMeter();
    private final PartitionBuckets buckets;
    private final ConcurrentHashMap<String, Schema> schemas = new ConcurrentHashMap<>();
    private final AtomicLong transactionIds = new AtomicLong();
    /** Items held by ongoing transactions (item key → transaction id) and items being written plainly (count). */
    private final Object holdLock = new Object();
    private final HashMap<String, Long> transactionHolds = new HashMap<>();
    private final HashMap<String, Integer> plainWrites = new HashMap<>();

    private FaithfulDynamo(URI target, Settings settings, int port) throws IOException {
        this.target = target;
        this.settings = settings;
        this.buckets = new PartitionBuckets(settings.writeUnitsPerSecond(), settings.readUnitsPerSecond());
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        this.server = LoopbackHttp.start(port, "faithful-dynamo", this::handle);
    }

    /** Starts a proxy on a free loopback port in front of {@code target}. */
    public static FaithfulDynamo start(URI target, Settings settings) throws IOException {
        return new FaithfulDynamo(target, settings, 0);
    }

    /** The endpoint clients use instead of the target's. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    /** The DynamoDB endpoint requests are forwarded to. */
    public URI target() {
        return target;
    }

    public Settings settings() {
        return settings;
    }

    public FaithfulMeter meter() {
        return meter;
    }

    @Override
    public void close() {
        server.close();
    }

    // ---------------------------------------------------------------- request handling

    private record Incoming(String method, String path, Map<String, List<String>> headers, byte[] body) {}

    private record Answer(int status, Map<String, List<String>> headers, byte[] body) {
        boolean ok() {
            return status == 200;
        }
    }

    private LoopbackHttp.Response handle(LoopbackHttp.Request r) throws InterruptedException {
        Answer a;
        try {
            a = dispatch(new Incoming(r.method(), r.path(), r.headers(), r.body()));
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            a = error(500, "InternalServerError", "faithful proxy: " + e);
        }
        Map<String, List<String>> h = new LinkedHashMap<>();
        a.headers().forEach((k, v) -> {
            if (k != null && !NOT_RETURNED.contains(k.toLowerCase())) {
                h.put(k, v);
            }
        });
        return new LoopbackHttp.Response(a.status(), h, a.body());
    }

    private Answer dispatch(Incoming in) throws Exception {
        String amzTarget = header(in, "X-Amz-Target");
        String op = amzTarget == null ? "" : amzTarget.substring(amzTarget.indexOf('.') + 1);
        meter.request(op.isEmpty() ? "(none)" : op);
        ObjectNode req;
        try {
            JsonNode parsed = in.body().length == 0 ? null : JSON.readTree(in.body());
            req = parsed instanceof ObjectNode o ? o : null;
        } catch (IOException notJson) {
            req = null;
        }
        if (req == null) {
            return forward(in, in.body());
        }
        try {
            return switch (op) {
                case "TransactWriteItems" -> transactWrite(in, req);
                case "TransactGetItems" -> transactGet(in, req);
                case "PutItem", "UpdateItem", "DeleteItem" -> plainWrite(in, op, req);
                case "GetItem" -> getItem(in, req);
                case "Query" -> query(in, req);
                case "BatchGetItem" -> batchGet(in, req);
                case "BatchWriteItem" -> batchWrite(in, req);
                default -> forward(in, in.body());
            };
        } catch (UnknownTable e) {
            // not a table of the target (or a malformed request): the target answers as it does
            return forward(in, in.body());
        }
    }

    /** A request names a table the target cannot describe. */
    private static final class UnknownTable extends RuntimeException {
        UnknownTable(String message) {
            super(message, null, false, false);
        }
    }

    private static String header(Incoming in, String name) {
        for (Map.Entry<String, List<String>> e : in.headers().entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }

    /** A batch request forwarded as it came, or, when some of its items were throttled here, with only {@code forwarded}. */
    private Answer forwardBatch(Incoming in, ObjectNode req, ObjectNode forwarded, boolean trimmed)
            throws IOException, InterruptedException {
        if (!trimmed) {
            return forward(in, in.body());
        }
        ObjectNode copy = req.deepCopy();
        copy.set("RequestItems", forwarded);
        return forward(in, JSON.writeValueAsBytes(copy));
    }

    private Answer forward(Incoming in, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(target.resolve(in.path()))
                .timeout(Duration.ofSeconds(30))
                .method(in.method(), HttpRequest.BodyPublishers.ofByteArray(body));
        in.headers().forEach((k, vs) -> {
            if (!NOT_FORWARDED.contains(k.toLowerCase())) {
                for (String v : vs) {
                    try {
                        b.header(k, v);
                    } catch (IllegalArgumentException restricted) {
                        // a header the JDK client sets itself
                    }
                }
            }
        });
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(r.statusCode(), r.headers().map(), r.body());
    }

    /** A call of our own to the target (unmetered): schema and item sizes. */
    private JsonNode call(String op, ObjectNode body) throws IOException, InterruptedException {
        HttpRequest r = HttpRequest.newBuilder(target)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-amz-json-1.0")
                .header("X-Amz-Target", "DynamoDB_20120810." + op)
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=holdfast/20200101/us-east-1/dynamodb/aws4_request, "
                        + "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0")
                .header("X-Amz-Date", "20200101T000000Z")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build();
        HttpResponse<byte[]> a = http.send(r, HttpResponse.BodyHandlers.ofByteArray());
        if (a.statusCode() != 200) {
            throw new IOException(op + " on " + target + " answered " + a.statusCode() + ": "
                    + new String(a.body(), StandardCharsets.UTF_8));
        }
        return JSON.readTree(a.body());
    }

    // ---------------------------------------------------------------- answers as AWS gives them

    private static Answer json(int status, ObjectNode body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        CRC32 crc = new CRC32();
        crc.update(bytes);
        Map<String, List<String>> h = new LinkedHashMap<>();
        h.put("Content-Type", List.of("application/x-amz-json-1.0"));
        h.put("x-amzn-RequestId", List.of(UUID.randomUUID().toString()));
        h.put("x-amz-crc32", List.of(Long.toString(crc.getValue())));
        return new Answer(status, h, bytes);
    }

    static Answer error(int status, String type, String message) {
        ObjectNode b = JSON.createObjectNode();
        b.put("__type", ERROR_PREFIX + type);
        b.put("message", message);
        return json(status, b);
    }

    /** A 200 answer whose body we rewrote: the target's headers but a fresh checksum. */
    private static Answer rewritten(Answer original, ObjectNode body) {
        Answer a = json(200, body);
        Map<String, List<String>> h = new LinkedHashMap<>(original.headers());
        h.keySet().removeIf(k -> k.equalsIgnoreCase("x-amz-crc32") || k.equalsIgnoreCase("content-length"));
        h.putAll(a.headers());
        return new Answer(200, h, a.body());
    }

    /** One cancellation reason per action, in order: {@code null} = None. */
    static Answer cancelled(List<String[]> reasons) {
        ObjectNode b = JSON.createObjectNode();
        b.put("__type", ERROR_PREFIX + "TransactionCanceledException");
        StringBuilder codes = new StringBuilder();
        ArrayNode list = JSON.createArrayNode();
        for (String[] r : reasons) {
            ObjectNode o = list.addObject();
            if (r == null) {
                o.put("Code", "None");
            } else {
                o.put("Code", r[0]);
                o.put("Message", r[1]);
            }
            codes.append(codes.length() == 0 ? "" : ", ").append(r == null ? "None" : r[0]);
        }
        b.put("message", "Transaction cancelled, please refer cancellation reasons for specific reasons [" + codes + "]");
        b.set("CancellationReasons", list);
        return json(400, b);
    }

    private static Answer throttled() {
        return throttled(false);
    }

    /** {@code index}: the throttled partition is an index partition (AWS's message says so). */
    private static Answer throttled(boolean index) {
        return error(400, "ProvisionedThroughputExceededException", index ? INDEX_THROTTLE_MESSAGE : TABLE_THROTTLE_MESSAGE);
    }

    // ---------------------------------------------------------------- schemas and keys

    /** Key attributes of a table and its global secondary indexes. */
    record Schema(String table, String pk, String sk, Map<String, String[]> indexes) {}

    private Schema schema(String table) {
        Schema s = schemas.get(table);
        if (s != null) {
            return s;
        }
        try {
            ObjectNode req = JSON.createObjectNode().put("TableName", table);
            JsonNode t = call("DescribeTable", req).path("Table");
            String[] key = keys(t.path("KeySchema"));
            Map<String, String[]> ix = new LinkedHashMap<>();
            for (JsonNode g : t.path("GlobalSecondaryIndexes")) {
                ix.put(g.path("IndexName").asText(), keys(g.path("KeySchema")));
            }
            for (JsonNode g : t.path("LocalSecondaryIndexes")) {
                ix.put(g.path("IndexName").asText(), keys(g.path("KeySchema")));
            }
            s = new Schema(table, key[0], key[1], ix);
        } catch (IOException e) {
            throw new UnknownTable(table + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        schemas.put(table, s);
        return s;
    }

    private static String[] keys(JsonNode keySchema) {
        String[] k = new String[2];
        for (JsonNode e : keySchema) {
            if ("HASH".equals(e.path("KeyType").asText())) {
                k[0] = e.path("AttributeName").asText();
            } else {
                k[1] = e.path("AttributeName").asText();
            }
        }
        return k;
    }

    /** The text of a key value: a string as is, anything else as its JSON. */
    private static String keyText(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return null;
        }
        JsonNode s = value.get("S");
        if (s != null) {
            return s.asText();
        }
        JsonNode n = value.get("N");
        if (n != null) {
            return n.asText();
        }
        return value.toString();
    }

    /** One item named by a request. */
    private static final class Target {
        final Schema schema;
        final ObjectNode key;
        final String itemKey;
        final String partition;

        Target(Schema schema, JsonNode itemOrKey) {
            this.schema = schema;
            this.key = JSON.createObjectNode();
            key.set(schema.pk(), itemOrKey.get(schema.pk()));
            if (schema.sk() != null) {
                key.set(schema.sk(), itemOrKey.get(schema.sk()));
            }
            String pk = keyText(itemOrKey.get(schema.pk()));
            String sk = schema.sk() == null ? "" : keyText(itemOrKey.get(schema.sk()));
            this.itemKey = schema.table() + '\u0001' + pk + '\u0001' + sk;
            this.partition = schema.table() + "|" + pk;
        }
    }

    /** The index partition key of {@code item} in {@code index}, or null if the item is not in it. */
    private static String[] indexKey(Schema s, String index, JsonNode item) {
        if (item == null) {
            return null;
        }
        String[] k = s.indexes().get(index);
        String pk = keyText(item.get(k[0]));
        String sk = k[1] == null ? "" : keyText(item.get(k[1]));
        if (pk == null || sk == null) {
            return null;
        }
        return new String[]{s.table() + "/" + index + "|" + pk, sk};
    }

    /** Index partitions a write of {@code t} may touch, known before it runs (old image, and new image if given). */
    private static List<String> indexPartitions(Target t, JsonNode oldItem, JsonNode newItem) {
        List<String> out = new ArrayList<>();
        for (String index : t.schema.indexes().keySet()) {
            String[] o = indexKey(t.schema, index, oldItem);
            String[] n = indexKey(t.schema, index, newItem);
            if (o != null) {
                out.add(o[0]);
            }
            if (n != null && (o == null || !n[0].equals(o[0]))) {
                out.add(n[0]);
            }
        }
        return out;
    }

    /** Charges the index writes of a write that took {@code oldItem} to {@code newItem}: 1 unit per started KB. */
    private void chargeIndexes(Target t, JsonNode oldItem, JsonNode newItem) {
        for (String index : t.schema.indexes().keySet()) {
            String[] o = indexKey(t.schema, index, oldItem);
            String[] n = indexKey(t.schema, index, newItem);
            if (o != null && n != null && o[0].equals(n[0]) && o[1].equals(n[1])) {
                if (!oldItem.equals(newItem)) {
                    chargeWrite(n[0], ItemSizes.writeUnits(ItemSizes.item(newItem)));
                }
                continue;
            }
            if (o != null) {
                chargeWrite(o[0], ItemSizes.writeUnits(ItemSizes.item(oldItem)));
            }
            if (n != null) {
                chargeWrite(n[0], ItemSizes.writeUnits(ItemSizes.item(newItem)));
            }
        }
    }

    private void chargeWrite(String partition, double units) {
        buckets.chargeWrite(partition, units);
        meter.writeUnits(partition, units);
    }

    private void chargeRead(String partition, double units) {
        buckets.chargeRead(partition, units);
        meter.readUnits(partition, units);
    }

    /** Current images of {@code targets} read from the target, consistently and unmetered (item key → item). */
    private Map<String, JsonNode> current(List<Target> targets) throws IOException, InterruptedException {
        Map<String, JsonNode> found = new HashMap<>();
        if (targets.isEmpty()) {
            return found;
        }
        Map<String, Target> byKey = new LinkedHashMap<>();
        targets.forEach(t -> byKey.putIfAbsent(t.itemKey, t));
        List<Target> distinct = new ArrayList<>(byKey.values());
        for (int from = 0; from < distinct.size(); from += 100) {
            ObjectNode items = JSON.createObjectNode();
            for (Target t : distinct.subList(from, Math.min(distinct.size(), from + 100))) {
                ObjectNode perTable = (ObjectNode) items.get(t.schema.table());
                if (perTable == null) {
                    perTable = items.putObject(t.schema.table());
                    perTable.put("ConsistentRead", true);
                    perTable.putArray("Keys");
                }
                ((ArrayNode) perTable.get("Keys")).add(t.key);
            }
            for (int round = 0; items.size() > 0 && round < 20; round++) {
                ObjectNode req = JSON.createObjectNode();
                req.set("RequestItems", items);
                JsonNode r = call("BatchGetItem", req);
                for (Iterator<Map.Entry<String, JsonNode>> it = r.path("Responses").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    Schema s = schema(e.getKey());
                    for (JsonNode item : e.getValue()) {
                        found.put(new Target(s, item).itemKey, item);
                    }
                }
                JsonNode rest = r.path("UnprocessedKeys");
                items = rest instanceof ObjectNode o ? o : JSON.createObjectNode();
            }
        }
        return found;
    }

    // ---------------------------------------------------------------- holds

    /** Takes every item for transaction {@code id}, or none: the items another holds are flagged instead. */
    private boolean[] acquire(List<Target> targets, long id) {
        synchronized (holdLock) {
            boolean[] conflicts = new boolean[targets.size()];
            boolean any = false;
            for (int i = 0; i < targets.size(); i++) {
                String k = targets.get(i).itemKey;
                Long holder = transactionHolds.get(k);
                if ((holder != null && holder != id) || plainWrites.containsKey(k)) {
                    conflicts[i] = true;
                    any = true;
                }
            }
            if (any) {
                return conflicts;
            }
            targets.forEach(t -> transactionHolds.put(t.itemKey, id));
            return null;
        }
    }

    /** Items held by ongoing transactions right now (tests wait for a hold with it). */
    public int heldItems() {
        synchronized (holdLock) {
            return transactionHolds.size();
        }
    }

    private void release(List<Target> targets, long id) {
        synchronized (holdLock) {
            targets.forEach(t -> transactionHolds.remove(t.itemKey, id));
        }
    }

    private boolean beginPlainWrite(Target t) {
        synchronized (holdLock) {
            if (transactionHolds.containsKey(t.itemKey)) {
                return false;
            }
            plainWrites.merge(t.itemKey, 1, Integer::sum);
            return true;
        }
    }

    private void endPlainWrite(Target t) {
        synchronized (holdLock) {
            plainWrites.computeIfPresent(t.itemKey, (k, n) -> n == 1 ? null : n - 1);
        }
    }

    private boolean[] heldByWriters(List<Target> targets) {
        synchronized (holdLock) {
            boolean[] held = new boolean[targets.size()];
            boolean any = false;
            for (int i = 0; i < targets.size(); i++) {
                String k = targets.get(i).itemKey;
                held[i] = transactionHolds.containsKey(k) || plainWrites.containsKey(k);
                any |= held[i];
            }
            return any ? held : null;
        }
    }

    private Answer conflictCancellation(List<Target> targets, boolean[] conflicts) {
        meter.conflictCancellation();
        List<String[]> reasons = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            if (conflicts[i]) {
                meter.conflict(targets.get(i).partition);
                reasons.add(new String[]{"TransactionConflict", CONFLICT_MESSAGE});
            } else {
                reasons.add(null);
            }
        }
        return cancelled(reasons);
    }

    private static void sleepUntil(long deadlineNanos) throws InterruptedException {
        long left;
        while ((left = deadlineNanos - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    // ---------------------------------------------------------------- operations

    private enum Kind { PUT, UPDATE, DELETE, CONDITION_CHECK }

    private Answer transactWrite(Incoming in, ObjectNode req) throws Exception {
        long start = System.nanoTime();
        meter.transaction();
        List<Target> targets = new ArrayList<>();
        List<Kind> kinds = new ArrayList<>();
        List<JsonNode> putItems = new ArrayList<>();
        for (JsonNode action : req.path("TransactItems")) {
            Kind kind;
            JsonNode body;
            if (action.has("Put")) {
                kind = Kind.PUT;
                body = action.get("Put");
            } else if (action.has("Update")) {
                kind = Kind.UPDATE;
                body = action.get("Update");
            } else if (action.has("Delete")) {
                kind = Kind.DELETE;
                body = action.get("Delete");
            } else if (action.has("ConditionCheck")) {
                kind = Kind.CONDITION_CHECK;
                body = action.get("ConditionCheck");
            } else {
                return forward(in, in.body());
            }
            Schema s = schema(body.path("TableName").asText());
            JsonNode keySource = kind == Kind.PUT ? body.path("Item") : body.path("Key");
            targets.add(new Target(s, keySource));
            kinds.add(kind);
            putItems.add(kind == Kind.PUT ? body.path("Item") : null);
        }
        long id = transactionIds.incrementAndGet();
        boolean[] conflicts = acquire(targets, id);
        if (conflicts != null) {
            return conflictCancellation(targets, conflicts);
        }
        try {
            Map<String, JsonNode> before = current(targets);
            List<String[]> reasons = new ArrayList<>();
            boolean anyThrottled = false;
            for (int i = 0; i < targets.size(); i++) {
                Target t = targets.get(i);
                String[] reason = null;
                if (buckets.writeExhausted(t.partition)) {
                    meter.throttle(t.partition);
                    reason = new String[]{"ThrottlingError", TABLE_THROTTLE_MESSAGE};
                }
                if (kinds.get(i) != Kind.CONDITION_CHECK) {
                    for (String p : indexPartitions(t, before.get(t.itemKey), putItems.get(i))) {
                        if (buckets.writeExhausted(p)) {
                            meter.throttle(p);
                            if (reason == null) {
                                reason = new String[]{"ThrottlingError", INDEX_THROTTLE_MESSAGE};
                            }
                        }
                    }
                }
                anyThrottled |= reason != null;
                reasons.add(reason);
            }
            if (anyThrottled) {
                meter.throttledRequest(true);
                return cancelled(reasons);
            }
            Answer a = forward(in, in.body());
            boolean ok = a.ok();
            List<Target> updated = new ArrayList<>();
            for (int i = 0; i < targets.size(); i++) {
                if (kinds.get(i) == Kind.UPDATE) {
                    updated.add(targets.get(i));
                }
            }
            Map<String, JsonNode> after = ok && !updated.isEmpty() ? current(updated) : Map.of();
            for (int i = 0; i < targets.size(); i++) {
                Target t = targets.get(i);
                JsonNode oldItem = before.get(t.itemKey);
                JsonNode newItem = !ok ? oldItem : switch (kinds.get(i)) {
                    case PUT -> putItems.get(i);
                    case UPDATE -> after.get(t.itemKey);
                    case DELETE -> null;
                    case CONDITION_CHECK -> oldItem;
                };
                long size = Math.max(ItemSizes.item(oldItem), ItemSizes.item(newItem));
                chargeWrite(t.partition, 2 * ItemSizes.writeUnits(size));
                if (ok && kinds.get(i) != Kind.CONDITION_CHECK) {
                    chargeIndexes(t, oldItem, newItem);
                }
            }
            sleepUntil(start + settings.holdNanos());
            return a;
        } finally {
            release(targets, id);
        }
    }

    private Answer transactGet(Incoming in, ObjectNode req) throws Exception {
        meter.transaction();
        List<Target> targets = new ArrayList<>();
        for (JsonNode action : req.path("TransactItems")) {
            JsonNode get = action.path("Get");
            if (get.isMissingNode()) {
                return forward(in, in.body());
            }
            targets.add(new Target(schema(get.path("TableName").asText()), get.path("Key")));
        }
        boolean[] held = heldByWriters(targets);
        if (held != null) {
            return conflictCancellation(targets, held);
        }
        List<String[]> reasons = new ArrayList<>();
        boolean anyThrottled = false;
        for (Target t : targets) {
            boolean th = buckets.readExhausted(t.partition);
            if (th) {
                meter.throttle(t.partition);
            }
            anyThrottled |= th;
            reasons.add(th ? new String[]{"ThrottlingError", TABLE_THROTTLE_MESSAGE} : null);
        }
        if (anyThrottled) {
            meter.throttledRequest(true);
            return cancelled(reasons);
        }
        Answer a = forward(in, in.body());
        if (a.ok()) {
            JsonNode responses = JSON.readTree(a.body()).path("Responses");
            for (int i = 0; i < targets.size(); i++) {
                long size = ItemSizes.item(responses.path(i).get("Item"));
                chargeRead(targets.get(i).partition, 2.0 * ItemSizes.readBlocks(size));
            }
        }
        return a;
    }

    private Answer plainWrite(Incoming in, String op, ObjectNode req) throws Exception {
        Schema s = schema(req.path("TableName").asText());
        boolean put = op.equals("PutItem");
        Target t = new Target(s, put ? req.path("Item") : req.path("Key"));
        if (!beginPlainWrite(t)) {
            meter.plainWriteConflict();
            meter.conflict(t.partition);
            return error(400, "TransactionConflictException", CONFLICT_MESSAGE);
        }
        try {
            JsonNode oldItem = current(List.of(t)).get(t.itemKey);
            JsonNode putItem = put ? req.path("Item") : null;
            boolean tableThrottle = false;
            boolean indexThrottle = false;
            if (buckets.writeExhausted(t.partition)) {
                meter.throttle(t.partition);
                tableThrottle = true;
            }
            for (String p : indexPartitions(t, oldItem, putItem)) {
                if (buckets.writeExhausted(p)) {
                    meter.throttle(p);
                    indexThrottle = true;
                }
            }
            if (tableThrottle || indexThrottle) {
                meter.throttledRequest(false);
                return throttled(!tableThrottle);
            }
            Answer a = forward(in, in.body());
            boolean ok = a.ok();
            JsonNode newItem = !ok ? oldItem : switch (op) {
                case "PutItem" -> putItem;
                case "DeleteItem" -> null;
                default -> current(List.of(t)).get(t.itemKey);
            };
            chargeWrite(t.partition, ItemSizes.writeUnits(Math.max(ItemSizes.item(oldItem), ItemSizes.item(newItem))));
            if (ok) {
                chargeIndexes(t, oldItem, newItem);
            }
            return a;
        } finally {
            endPlainWrite(t);
        }
    }

    private static double readFactor(JsonNode req) {
        return req.path("ConsistentRead").asBoolean(false) ? 1.0 : 0.5;
    }

    private Answer getItem(Incoming in, ObjectNode req) throws Exception {
        Target t = new Target(schema(req.path("TableName").asText()), req.path("Key"));
        if (buckets.readExhausted(t.partition)) {
            meter.throttle(t.partition);
            meter.throttledRequest(false);
            return throttled();
        }
        Answer a = forward(in, in.body());
        if (a.ok()) {
            long size = ItemSizes.item(JSON.readTree(a.body()).get("Item"));
            chargeRead(t.partition, readFactor(req) * ItemSizes.readBlocks(size));
        }
        return a;
    }

    private static final Pattern EQUALS_NAME_FIRST = Pattern.compile("([#A-Za-z0-9_.]+)\\s*=\\s*(:[A-Za-z0-9_]+)");
    private static final Pattern EQUALS_VALUE_FIRST = Pattern.compile("(:[A-Za-z0-9_]+)\\s*=\\s*([#A-Za-z0-9_.]+)");

    /** The partition a Query reads: {@code table|pk} or {@code table/index|pk}; null if not found. */
    private String queriedPartition(ObjectNode req) {
        Schema s = schema(req.path("TableName").asText());
        String index = req.hasNonNull("IndexName") ? req.get("IndexName").asText() : null;
        String pkAttr = index == null ? s.pk() : s.indexes().getOrDefault(index, new String[]{null})[0];
        String prefix = index == null ? s.table() : s.table() + "/" + index;
        if (pkAttr == null) {
            return null;
        }
        String expr = req.path("KeyConditionExpression").asText(null);
        if (expr != null) {
            JsonNode names = req.path("ExpressionAttributeNames");
            JsonNode values = req.path("ExpressionAttributeValues");
            for (Pattern p : List.of(EQUALS_NAME_FIRST, EQUALS_VALUE_FIRST)) {
                Matcher m = p.matcher(expr);
                while (m.find()) {
                    String name = p == EQUALS_NAME_FIRST ? m.group(1) : m.group(2);
                    String value = p == EQUALS_NAME_FIRST ? m.group(2) : m.group(1);
                    String attr = name.startsWith("#") ? names.path(name).asText(name) : name;
                    if (attr.equals(pkAttr)) {
                        return prefix + "|" + keyText(values.get(value));
                    }
                }
            }
        }
        JsonNode legacy = req.path("KeyConditions").path(pkAttr).path("AttributeValueList").path(0);
        if (!legacy.isMissingNode()) {
            return prefix + "|" + keyText(legacy);
        }
        return null;
    }

    private Answer query(Incoming in, ObjectNode req) throws Exception {
        String partition = queriedPartition(req);
        if (partition != null && buckets.readExhausted(partition)) {
            meter.throttle(partition);
            meter.throttledRequest(false);
            return throttled();
        }
        Answer a = forward(in, in.body());
        if (a.ok() && partition != null) {
            long size = 0;
            for (JsonNode item : JSON.readTree(a.body()).path("Items")) {
                size += ItemSizes.item(item);
            }
            chargeRead(partition, readFactor(req) * ItemSizes.readBlocks(size));
        }
        return a;
    }

    private Answer batchGet(Incoming in, ObjectNode req) throws Exception {
        JsonNode requestItems = req.path("RequestItems");
        ObjectNode forwarded = JSON.createObjectNode();
        ObjectNode unprocessed = JSON.createObjectNode();
        int total = 0;
        int throttledCount = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = requestItems.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Schema s = schema(e.getKey());
            ObjectNode keep = e.getValue().deepCopy();
            ObjectNode rest = e.getValue().deepCopy();
            ArrayNode keepKeys = keep.putArray("Keys");
            ArrayNode restKeys = rest.putArray("Keys");
            for (JsonNode key : e.getValue().path("Keys")) {
                total++;
                Target t = new Target(s, key);
                if (buckets.readExhausted(t.partition)) {
                    meter.throttle(t.partition);
                    throttledCount++;
                    restKeys.add(key);
                } else {
                    keepKeys.add(key);
                }
            }
            if (!keepKeys.isEmpty()) {
                forwarded.set(e.getKey(), keep);
            }
            if (!restKeys.isEmpty()) {
                unprocessed.set(e.getKey(), rest);
            }
        }
        if (total > 0 && throttledCount == total) {
            meter.throttledRequest(false);
            return throttled();
        }
        Answer a = forwardBatch(in, req, forwarded, throttledCount > 0);
        if (!a.ok()) {
            return a;
        }
        ObjectNode answer = (ObjectNode) JSON.readTree(a.body());
        for (Iterator<Map.Entry<String, JsonNode>> it = answer.path("Responses").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Schema s = schema(e.getKey());
            double factor = readFactor(requestItems.path(e.getKey()));
            for (JsonNode item : e.getValue()) {
                if (item.has(s.pk())) {
                    chargeRead(new Target(s, item).partition, factor * ItemSizes.readBlocks(ItemSizes.item(item)));
                }
            }
        }
        if (throttledCount == 0) {
            return a;
        }
        ObjectNode merged = answer.has("UnprocessedKeys") && answer.get("UnprocessedKeys").isObject()
                ? (ObjectNode) answer.get("UnprocessedKeys") : answer.putObject("UnprocessedKeys");
        for (Iterator<Map.Entry<String, JsonNode>> it = unprocessed.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode existing = merged.get(e.getKey());
            if (existing instanceof ObjectNode o && o.get("Keys") instanceof ArrayNode keys) {
                keys.addAll((ArrayNode) e.getValue().get("Keys"));
            } else {
                merged.set(e.getKey(), e.getValue());
            }
        }
        return rewritten(a, answer);
    }

    private Answer batchWrite(Incoming in, ObjectNode req) throws Exception {
        JsonNode requestItems = req.path("RequestItems");
        List<Target> targets = new ArrayList<>();
        List<JsonNode> entries = new ArrayList<>();
        List<String> tables = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = requestItems.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Schema s = schema(e.getKey());
            for (JsonNode w : e.getValue()) {
                JsonNode source = w.has("PutRequest") ? w.path("PutRequest").path("Item") : w.path("DeleteRequest").path("Key");
                targets.add(new Target(s, source));
                entries.add(w);
                tables.add(e.getKey());
            }
        }
        Map<String, JsonNode> before = current(targets);
        ObjectNode forwarded = JSON.createObjectNode();
        ObjectNode unprocessed = JSON.createObjectNode();
        List<Integer> applied = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            Target t = targets.get(i);
            JsonNode putItem = entries.get(i).has("PutRequest") ? entries.get(i).path("PutRequest").path("Item") : null;
            boolean throttle = false;
            if (buckets.writeExhausted(t.partition)) {
                meter.throttle(t.partition);
                throttle = true;
            }
            for (String p : indexPartitions(t, before.get(t.itemKey), putItem)) {
                if (buckets.writeExhausted(p)) {
                    meter.throttle(p);
                    throttle = true;
                }
            }
            ObjectNode into = throttle ? unprocessed : forwarded;
            ArrayNode list = into.has(tables.get(i)) ? (ArrayNode) into.get(tables.get(i)) : into.putArray(tables.get(i));
            list.add(entries.get(i));
            if (!throttle) {
                applied.add(i);
            }
        }
        if (!targets.isEmpty() && applied.isEmpty()) {
            meter.throttledRequest(false);
            return throttled();
        }
        boolean anyThrottled = applied.size() < targets.size();
        Answer a = forwardBatch(in, req, forwarded, anyThrottled);
        if (!a.ok()) {
            return a;
        }
        for (int i : applied) {
            Target t = targets.get(i);
            JsonNode oldItem = before.get(t.itemKey);
            JsonNode newItem = entries.get(i).has("PutRequest") ? entries.get(i).path("PutRequest").path("Item") : null;
            chargeWrite(t.partition, ItemSizes.writeUnits(Math.max(ItemSizes.item(oldItem), ItemSizes.item(newItem))));
            chargeIndexes(t, oldItem, newItem);
        }
        if (!anyThrottled) {
            return a;
        }
        ObjectNode answer = (ObjectNode) JSON.readTree(a.body());
        ObjectNode merged = answer.get("UnprocessedItems") instanceof ObjectNode o ? o : answer.putObject("UnprocessedItems");
        for (Iterator<Map.Entry<String, JsonNode>> it = unprocessed.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (merged.get(e.getKey()) instanceof ArrayNode list) {
                list.addAll((ArrayNode) e.getValue());
            } else {
                merged.set(e.getKey(), e.getValue());
            }
        }
        return rewritten(a, answer);
    }
}
