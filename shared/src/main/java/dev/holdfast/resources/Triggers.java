package dev.holdfast.resources;

import java.util.List;

/**
 * What invokes the non-HTTP functions: queues, table streams and schedules. Defined once for the
 * CDK app (event source mappings, EventBridge rules) and the local environment (pollers, timers).
 */
public final class Triggers {
    private Triggers() {}

    /** A function consuming a queue with partial batch responses. */
    public record QueueTrigger(QueueDef queue, FunctionDef function, int batchSize) {}

    /** A function consuming a table's stream with partial batch responses. */
    public record StreamTrigger(TableDef table, FunctionDef function, int batchSize, int maxRetries) {}

    /**
     * A function fired on a schedule. AWS's finest schedule is one minute; a function that needs a
     * finer cadence loops inside its invocation ({@code everySeconds} apart) until the minute is up.
     * A coarser cadence is a whole number of minutes ({@code everySeconds} a multiple of 60): the
     * rule fires every {@code everySeconds / 60} minutes, one tick per invocation.
     */
    public record ScheduleTrigger(FunctionDef function, int everySeconds) {}

    /**
     * Reconciliation every 15 minutes: each run reads every account, ledger entry, order and
     * bucket, so it is paced by read cost, not by how fast drift must be seen (drift can only come
     * from a bug or a hand edit; the order path keeps the views exact by construction).
     */
    public static final int RECONCILE_EVERY_SECONDS = 15 * 60;

    public static final List<QueueTrigger> QUEUES = List.of(
            new QueueTrigger(Queues.FEED, Functions.FEED_INGESTER, 10),
            new QueueTrigger(Queues.SETTLEMENT, Functions.SETTLER, 1),
            new QueueTrigger(Queues.WITHDRAWALS, Functions.WITHDRAWAL_WORKER, 10),
            new QueueTrigger(Queues.SIGNUPS, Functions.SIGNUP_WORKER, 10));
    public static final List<StreamTrigger> STREAMS = List.of(
            new StreamTrigger(Tables.ORDERS, Functions.RISK_PROCESSOR, 100, 5),
            new StreamTrigger(Tables.MARKETS, Functions.LIVE_PUBLISHER, 100, 3));
    /** How often the risk heartbeat passes through the orders stream (well under any sane {@code maxRiskLagSeconds}). */
    public static final int RISK_HEARTBEAT_SECONDS = 5;
    /**
     * How often the re-drives and the settlement watchdog look for work whose message never arrived
     * (each acts on work idle for 30 s, so such work resumes within about 40 s).
     */
    public static final int REDRIVE_EVERY_SECONDS = 10;
    public static final List<ScheduleTrigger> SCHEDULES = List.of(
            new ScheduleTrigger(Functions.FEED_WATCHDOG, 1),
            new ScheduleTrigger(Functions.WITHDRAWAL_REDRIVE, REDRIVE_EVERY_SECONDS),
            new ScheduleTrigger(Functions.SETTLEMENT_WATCHDOG, REDRIVE_EVERY_SECONDS),
            new ScheduleTrigger(Functions.RISK_HEARTBEAT, RISK_HEARTBEAT_SECONDS),
            new ScheduleTrigger(Functions.RECONCILER, RECONCILE_EVERY_SECONDS),
            new ScheduleTrigger(Functions.ADMITTER, 1),
            new ScheduleTrigger(Functions.SIGNUP_REDRIVE, REDRIVE_EVERY_SECONDS));

    /** How often the pre-scaling preparer runs (EventBridge Scheduler). */
    public static final int PREPARE_EVERY_SECONDS = 5 * 60;

    /**
     * Schedules run by EventBridge Scheduler in AWS and never locally: what they act on (warm
     * throughput, provisioned concurrency) exists only in AWS. One tick per invocation.
     */
    public static final List<ScheduleTrigger> AWS_ONLY_SCHEDULES = List.of(
            new ScheduleTrigger(Functions.PREPARER, PREPARE_EVERY_SECONDS));

    /** A set of triggers: the defined ones, or those plus extra consumers a test adds. */
    public record TriggerSet(List<QueueTrigger> queues, List<StreamTrigger> streams,
                             List<ScheduleTrigger> schedules) {

        public TriggerSet {
            queues = List.copyOf(queues);
            streams = List.copyOf(streams);
            schedules = List.copyOf(schedules);
        }

        public TriggerSet plus(QueueTrigger t) {
            return new TriggerSet(concat(queues, t), streams, schedules);
        }

        public TriggerSet plus(StreamTrigger t) {
            return new TriggerSet(queues, concat(streams, t), schedules);
        }

        public TriggerSet plus(ScheduleTrigger t) {
            return new TriggerSet(queues, streams, concat(schedules, t));
        }

        private static <T> List<T> concat(List<T> list, T t) {
            java.util.ArrayList<T> out = new java.util.ArrayList<>(list);
            out.add(t);
            return out;
        }
    }

    /** The triggers of the shared definition. */
    public static final TriggerSet DEFINED = new TriggerSet(QUEUES, STREAMS, SCHEDULES);
}
