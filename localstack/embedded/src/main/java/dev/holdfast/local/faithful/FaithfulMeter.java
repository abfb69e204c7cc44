package dev.holdfast.local.faithful;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * What {@link FaithfulDynamo} counted: per partition key ({@code "table|pkValue"} for a table
 * partition, {@code "table/index|gsiPkValue"} for an index partition) the write and read units
 * charged, the requests (or batch items) throttled on it, and the conflicts on it (items named in a
 * conflict cancellation or a {@code TransactionConflictException}, attributed to the held item's
 * partition); plus totals per operation. Thread-safe and cheap: adders in concurrent maps.
 */
public final class FaithfulMeter {
    private final ConcurrentHashMap<String, Partition> partitions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final LongAdder transactions = new LongAdder();
    private final LongAdder conflictCancellations = new LongAdder();
    private final LongAdder plainWriteConflicts = new LongAdder();
    private final LongAdder throttledRequests = new LongAdder();
    private final LongAdder throttleCancellations = new LongAdder();

    private static final class Partition {
        final DoubleAdder wcu = new DoubleAdder();
        final DoubleAdder rcu = new DoubleAdder();
        final LongAdder throttles = new LongAdder();
        final LongAdder conflicts = new LongAdder();
    }

    /** One partition key's figures at the time of a {@link #snapshot()}. */
    public record PartitionStats(String key, double wcu, double rcu, long throttles, long conflicts) {
        /** Write plus read units. */
        public double units() {
            return wcu + rcu;
        }
    }

    /**
     * Everything counted, at one moment.
     *
     * @param partitions            per partition key, sorted by key
     * @param requests              requests that reached the proxy, by operation name (e.g. {@code TransactWriteItems})
     * @param transactions          {@code TransactWriteItems} and {@code TransactGetItems} requests
     * @param conflictCancellations transactions cancelled with a {@code TransactionConflict} reason
     * @param plainWriteConflicts   plain writes answered {@code TransactionConflictException}
     * @param throttledRequests     requests answered {@code ProvisionedThroughputExceededException}
     *                              (batches: all items throttled) or cancelled with {@code ThrottlingError}
     * @param throttleCancellations transactions among {@code throttledRequests}
     */
    public record Snapshot(Map<String, PartitionStats> partitions, Map<String, Long> requests, long transactions,
                           long conflictCancellations, long plainWriteConflicts, long throttledRequests,
                           long throttleCancellations) {
        public long requests(String operation) {
            return requests.getOrDefault(operation, 0L);
        }

        public long totalRequests() {
            return requests.values().stream().mapToLong(Long::longValue).sum();
        }

        public double totalWcu() {
            return partitions.values().stream().mapToDouble(PartitionStats::wcu).sum();
        }

        public double totalRcu() {
            return partitions.values().stream().mapToDouble(PartitionStats::rcu).sum();
        }

        /** Conflicts counted on all partitions (items named in conflict answers). */
        public long totalConflicts() {
            return partitions.values().stream().mapToLong(PartitionStats::conflicts).sum();
        }

        public PartitionStats partition(String key) {
            return partitions.getOrDefault(key, new PartitionStats(key, 0, 0, 0, 0));
        }

        /**
         * A few lines for a report: the totals, then the {@code n} hottest partition keys with their
         * units, throttles and conflicts.
         */
        public String summary(int n) {
            StringBuilder b = new StringBuilder();
            b.append(String.format(java.util.Locale.ROOT,
                    "requests %d (%s); transactions %d; conflict cancellations %d; plain-write conflicts %d; "
                            + "throttled %d (in transactions %d); WCU %.1f; RCU %.1f%n",
                    totalRequests(), requests, transactions, conflictCancellations, plainWriteConflicts,
                    throttledRequests, throttleCancellations, totalWcu(), totalRcu()));
            for (PartitionStats p : hottest(n)) {
                b.append(String.format(java.util.Locale.ROOT, "  %-60s WCU %10.1f  RCU %10.1f  throttles %6d  conflicts %6d%n",
                        p.key(), p.wcu(), p.rcu(), p.throttles(), p.conflicts()));
            }
            return b.toString();
        }

        /** The {@code n} partition keys with the most units (write + read), most first. */
        public List<PartitionStats> hottest(int n) {
            List<PartitionStats> all = new ArrayList<>(partitions.values());
            all.sort(Comparator.comparingDouble(PartitionStats::units).reversed()
                    .thenComparing(PartitionStats::key));
            return List.copyOf(all.subList(0, Math.min(n, all.size())));
        }
    }

    private Partition partition(String key) {
        return partitions.computeIfAbsent(key, k -> new Partition());
    }

    void request(String operation) {
        requests.computeIfAbsent(operation, k -> new LongAdder()).increment();
    }

    void transaction() {
        transactions.increment();
    }

    void writeUnits(String partitionKey, double units) {
        partition(partitionKey).wcu.add(units);
    }

    void readUnits(String partitionKey, double units) {
        partition(partitionKey).rcu.add(units);
    }

    void throttle(String partitionKey) {
        partition(partitionKey).throttles.increment();
    }

    void conflict(String partitionKey) {
        partition(partitionKey).conflicts.increment();
    }

    void conflictCancellation() {
        conflictCancellations.increment();
    }

    void plainWriteConflict() {
        plainWriteConflicts.increment();
    }

    void throttledRequest(boolean transaction) {
        throttledRequests.increment();
        if (transaction) {
            throttleCancellations.increment();
        }
    }

    public Snapshot snapshot() {
        Map<String, PartitionStats> p = new TreeMap<>();
        partitions.forEach((k, v) -> p.put(k, new PartitionStats(k, v.wcu.sum(), v.rcu.sum(),
                v.throttles.sum(), v.conflicts.sum())));
        Map<String, Long> r = new TreeMap<>();
        requests.forEach((k, v) -> r.put(k, v.sum()));
        return new Snapshot(java.util.Collections.unmodifiableMap(new LinkedHashMap<>(p)),
                java.util.Collections.unmodifiableMap(new LinkedHashMap<>(r)), transactions.sum(),
                conflictCancellations.sum(), plainWriteConflicts.sum(), throttledRequests.sum(),
                throttleCancellations.sum());
    }

    /** The {@code n} partition keys with the most units so far, most first. */
    public List<PartitionStats> hottest(int n) {
        return snapshot().hottest(n);
    }

    /** Forgets everything counted (a bench resets between phases). Not atomic with ongoing requests. */
    public void reset() {
        partitions.clear();
        requests.clear();
        transactions.reset();
        conflictCancellations.reset();
        plainWriteConflicts.reset();
        throttledRequests.reset();
        throttleCancellations.reset();
    }
}
