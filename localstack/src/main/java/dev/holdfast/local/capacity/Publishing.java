package dev.holdfast.local.capacity;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The publishing path's capacity: live prices pushed over API Gateway's WebSocket API to W
 * watchers. Pure arithmetic from AWS's published limits ({@link Limits#published()}, sources in
 * {@code docs/capacity.md}) and this design's costs: each change is one {@code PostToConnection}
 * per watcher of its market, the publisher reads a market's subscribers with
 * {@value #SHARDS} queries (items of ~{@value #SUBSCRIPTION_ITEM_BYTES} bytes, eventually
 * consistent: 0.5 RCU per 4 KB), claims the change's sequence and holds it for resume (2 WCU), and
 * a connection costs a {@code $connect} put (1 WCU) and a subscribe transaction of 1 + k items.
 *
 * @param watchers           people watching at once
 * @param marketsPerWatcher  markets each watches (k)
 * @param markets            open markets being watched
 * @param changesPerSecond   changes per market per second (the feed's ticks: new prices and refreshed ages)
 * @param connectSeconds     the window in which everyone connects (e.g. the 10 minutes before kick-off)
 * @param pingSeconds        how often a client pings (at most API Gateway's 10-minute idle timeout)
 * @param sendMillis         one {@code PostToConnection} round trip from Lambda
 * @param parallelSends      sends in flight per publisher invocation
 * @param publisherInvocations concurrent publisher invocations (stream shards × parallelization factor)
 */
public record Publishing(long watchers, int marketsPerWatcher, int markets, double changesPerSecond,
                         double connectSeconds, double pingSeconds, double sendMillis, int parallelSends,
                         int publisherInvocations) {
    static final int SHARDS = 8;
    static final int SUBSCRIPTION_ITEM_BYTES = 60;

    /**
     * AWS's published figures the publishing path meets.
     *
     * @param newConnectionsPerSecond WebSocket new connections per second per account and region (500, raisable)
     * @param accountRps              API Gateway's account throttle, shared by every API, client messages and
     *                                {@code @connections} posts alike (10,000 req/s, raisable)
     * @param maxConnectionSeconds    WebSocket connection duration (2 hours, fixed)
     * @param lambdaConcurrency       Lambda concurrent executions per account and region (1,000, raisable)
     * @param tableRcu                a new on-demand table's instant read units (12,000)
     * @param partitionRcu            one partition's read units (3,000)
     */
    public record Limits(double newConnectionsPerSecond, double accountRps, double maxConnectionSeconds,
                         double lambdaConcurrency, double tableRcu, double partitionRcu) {
        public static Limits published() {
            return new Limits(500, 10_000, 7_200, 1_000, 12_000, 3_000);
        }
    }

    /** A broadcast: everyone watches the match's one market, 20 markets open, one feed tick a second, 10 minutes to connect. */
    public static Publishing broadcast(long watchers) {
        return new Publishing(watchers, 1, 20, 1, 600, 300, 20, 32, 10);
    }

    /** What the load asks of each limit: demand, limit, and the share of the limit it takes. */
    public record Load(String what, double demand, double limit, String arithmetic) {
        public double share() {
            return demand / limit;
        }
    }

    public double watchersPerMarket() {
        return (double) watchers * marketsPerWatcher / markets;
    }

    /** PostToConnection calls per second: every change to every watcher of its market. */
    public double sendsPerSecond() {
        return markets * changesPerSecond * watchersPerMarket();
    }

    /** Read units one change costs: its market's subscription items, eventually consistent. */
    public double rcuPerChange() {
        double bytes = watchersPerMarket() * SUBSCRIPTION_ITEM_BYTES;
        double pages = Math.max(SHARDS, Math.ceil(bytes / 4096.0));
        return pages * 0.5;
    }

    /** Changes per second per market that the account throttle lets reach every watcher. */
    public double deliverableChangesPerSecond(Limits l) {
        return l.accountRps() / ((double) watchers * marketsPerWatcher);
    }

    public List<Load> loads(Limits l) {
        List<Load> out = new ArrayList<>();
        double connects = watchers / connectSeconds;
        out.add(new Load("new WebSocket connections/s", connects, l.newConnectionsPerSecond(),
                fmt(watchers) + " watchers / " + fmt(connectSeconds) + " s"));
        double apiRequests = sendsPerSecond() + watchers / pingSeconds + connects * 2;
        out.add(new Load("API Gateway requests/s (posts + pings + connects and subscribes)", apiRequests, l.accountRps(),
                fmt(sendsPerSecond()) + " posts + " + fmt(watchers / pingSeconds) + " pings + " + fmt(connects * 2)
                        + " connects/subscribes"));
        out.add(new Load("concurrent connections", watchers, l.newConnectionsPerSecond() * l.maxConnectionSeconds(),
                "at most new connections/s × 2 h alive"));
        double publisherCapacity = publisherInvocations * parallelSends * 1000.0 / sendMillis;
        out.add(new Load("publisher sends/s", sendsPerSecond(), publisherCapacity,
                publisherInvocations + " invocations × " + parallelSends + " sends in flight / " + fmt(sendMillis) + " ms"));
        double lambda = sendsPerSecond() * sendMillis / 1000.0 / parallelSends + connects * 3 * 0.02 + watchers / pingSeconds * 0.02;
        out.add(new Load("Lambda concurrency", lambda, l.lambdaConcurrency(),
                "publisher + live function (3 invocations per connection, 20 ms) + pings"));
        double rcu = markets * changesPerSecond * rcuPerChange();
        out.add(new Load("subscriber reads, RCU/s (table)", rcu, l.tableRcu(),
                fmt(markets * changesPerSecond) + " changes/s × " + fmt(rcuPerChange()) + " RCU"));
        out.add(new Load("subscriber reads, RCU/s (one shard's partition)", changesPerSecond * rcuPerChange() / SHARDS,
                l.partitionRcu(), "a market's " + SHARDS + " shards each on its own partition"));
        return out;
    }

    /** The limit taken most, first. */
    public List<Load> binding(Limits l) {
        return loads(l).stream().sorted(Comparator.comparingDouble(Load::share).reversed()).toList();
    }

    static String fmt(double v) {
        if (v >= 100 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, "%,.2f", v);
    }

    public static void report(PrintStream out, Limits l, long... watcherCounts) {
        out.println("Publishing (live prices over API Gateway WebSocket): what binds first");
        for (long w : watcherCounts) {
            Publishing p = broadcast(w);
            out.println();
            out.println(fmt(w) + " watchers, " + p.marketsPerWatcher() + " market each, " + p.markets() + " markets, "
                    + fmt(p.changesPerSecond()) + " change/s per market, connecting within " + fmt(p.connectSeconds()) + " s:");
            out.println("| limit | demand | limit | share |");
            out.println("| --- | --- | --- | --- |");
            for (Load x : p.binding(l)) {
                out.println("| " + x.what() + " | " + fmt(x.demand()) + " | " + fmt(x.limit()) + " | "
                        + String.format(Locale.ROOT, "%.0f%%", 100 * x.share()) + " |");
            }
            Load first = p.binding(l).get(0);
            out.println("binds first: " + first.what() + " (" + first.arithmetic() + ")");
            out.println("time to connect everyone at the connection quota: "
                    + fmt(Math.max(p.connectSeconds(), w / l.newConnectionsPerSecond())) + " s");
            out.println("changes per second deliverable to all watchers within the account throttle: "
                    + fmt(p.deliverableChangesPerSecond(l)) + " per watched market");
        }
    }

    public static void main(String[] args) {
        long[] counts = args.length == 0 ? new long[]{100_000, 1_000_000}
                : java.util.Arrays.stream(args).mapToLong(Long::parseLong).toArray();
        report(System.out, Limits.published(), counts);
    }
}
