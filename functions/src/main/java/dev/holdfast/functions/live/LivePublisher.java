package dev.holdfast.functions.live;

import dev.holdfast.domain.live.LiveSender;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.functions.runtime.Invocation;
import dev.holdfast.persistence.live.LiveStore;
import dev.holdfast.persistence.markets.MarketStore;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.domain.live.LiveChange;
import dev.holdfast.domain.live.MarketChanges;
import dev.holdfast.domain.market.Market;
import dev.holdfast.functions.runtime.JsonLog;
import dev.holdfast.functions.risk.StreamImages;
import dev.holdfast.functions.runtime.Priming;
import dev.holdfast.resources.Functions;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishing: the markets table's stream, turned into live-price messages. Each market write that
 * changes a state or a price ({@link MarketChanges}) gets its per-market sequences once (a counter
 * advanced conditionally on the market's revision, so a redelivered record is sent again with the
 * same sequences and never numbered twice), is held for resume, and is sent to every subscriber.
 *
 * <p>The work per change does not grow with the watchers but for the subscriber list itself: the
 * message is built once from the stream image (no market read), the subscribers of a market are
 * read once per batch with {@link LiveStore#SHARDS} queries (a page holds ~10,000 subscribers), and
 * the sends run in parallel, every connection's messages in sequence order. The order path never
 * publishes: it reads the snapshot at commit, and what a client displays is never checked.
 */
public final class LivePublisher implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
    private final LiveStore store;
    private final LiveSender sender;
    private final Clock clock;
    private final ExecutorService sends;
    /** Markets of one batch are published side by side (each market's changes stay in order). */
    private final ExecutorService marketWork;
    /** A market's subscriber shards are read side by side. */
    private final ExecutorService shardReads;
    private final JsonLog log = new JsonLog("live-publisher");
    private final Stats stats = new Stats();

    /** Work counters since start (the publish bench reads them). */
    public static final class Stats {
        public final AtomicLong records = new AtomicLong();
        public final AtomicLong changes = new AtomicLong();
        public final AtomicLong subscriberQueries = new AtomicLong();
        public final AtomicLong sends = new AtomicLong();
        public final AtomicLong gone = new AtomicLong();
        public final AtomicLong writes = new AtomicLong();
    }

    public LivePublisher() {
        this(Deployment.fromEnvironment(), System.getenv());
        Priming.register(Functions.LIVE_PUBLISHER, Deployment.fromEnvironment(), this::prime);
    }

    public LivePublisher(Deployment deployment, Map<String, String> environment) {
        this(deployment, ManagementApiSender.fromEnvironment(environment), 32);
    }

    /** @param parallelSends sends in flight at once per invocation */
    public LivePublisher(Deployment deployment, LiveSender sender, int parallelSends) {
        this.store = new LiveStore(deployment);
        this.sender = sender;
        this.clock = deployment.clock();
        this.sends = Executors.newFixedThreadPool(parallelSends, r -> daemon(r, "live-send"));
        this.marketWork = Executors.newFixedThreadPool(8, r -> daemon(r, "live-market"));
        this.shardReads = Executors.newFixedThreadPool(LiveStore.SHARDS, r -> daemon(r, "live-shard"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public Stats stats() {
        return stats;
    }

    /** SnapStart priming: a non-market record parsed and skipped; nothing is claimed or sent. */
    private void prime() {
        DynamodbEvent.DynamodbStreamRecord r = new DynamodbEvent.DynamodbStreamRecord();
        var image = Map.of("pk", new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue().withS(Priming.ABSENT_KEY),
                "sk", new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue().withS("PRIMING"));
        r.setDynamodb(new com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord()
                .withSequenceNumber("1").withNewImage(image).withKeys(image));
        DynamodbEvent e = new DynamodbEvent();
        e.setRecords(List.of(r));
        handleRequest(e, null);
        LiveJson.message(new LiveChange.State("m-priming", 1, dev.holdfast.domain.market.MarketState.OPEN, null));
        store.subscribers(Priming.ABSENT_KEY);
    }

    private record Write(String sequenceNumber, Optional<Market> before, Market after) {}

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        try (Invocation.Scope invocation = Invocation.begin(getClass(), context)) {
            return handle(event, context);
        }
    }

    private StreamsEventResponse handle(DynamodbEvent event, Context context) {
        Map<String, List<Write>> byMarket = new LinkedHashMap<>();
        List<DynamodbEvent.DynamodbStreamRecord> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
        for (DynamodbEvent.DynamodbStreamRecord r : records) {
            var d = r.getDynamodb();
            if (d == null || d.getNewImage() == null || d.getNewImage().get("sk") == null
                    || !"MARKET".equals(d.getNewImage().get("sk").getS())) {
                continue;
            }
            stats.records.incrementAndGet();
            Market after = MarketStore.fromAttributes(StreamImages.toSdk(d.getNewImage()));
            Optional<Market> before = d.getOldImage() == null ? Optional.empty()
                    : Optional.of(MarketStore.fromAttributes(StreamImages.toSdk(d.getOldImage())));
            byMarket.computeIfAbsent(after.marketId(), k -> new ArrayList<>()).add(new Write(d.getSequenceNumber(), before, after));
        }
        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
        Map<String, Future<?>> work = new LinkedHashMap<>();
        byMarket.forEach((marketId, writes) -> work.put(marketId, marketWork.submit(() -> publish(marketId, writes))));
        work.forEach((marketId, f) -> {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.add(new StreamsEventResponse.BatchItemFailure(byMarket.get(marketId).get(0).sequenceNumber()));
            } catch (java.util.concurrent.ExecutionException e) {
                ObjectNode line = log.line("ERROR", context == null ? null : context.getAwsRequestId(), "publish failed");
                line.put("marketId", marketId);
                line.put("error", String.valueOf(e.getCause()));
                log.write(line);
                failures.add(new StreamsEventResponse.BatchItemFailure(byMarket.get(marketId).get(0).sequenceNumber()));
            }
        });
        return new StreamsEventResponse(failures);
    }

    private void publish(String marketId, List<Write> writes) {
        List<LiveStore.Held> out = new ArrayList<>();
        for (Write w : writes) {
            int count = MarketChanges.count(w.before(), w.after());
            if (count == 0) {
                continue;
            }
            Optional<LiveStore.Claim> claim = store.claim(marketId, w.after().revision(), count);
            stats.writes.incrementAndGet();
            if (claim.isEmpty()) {
                continue; // published before (a replayed stream)
            }
            for (LiveChange c : MarketChanges.between(w.before(), w.after(), claim.get().first())) {
                out.add(new LiveStore.Held(c.sequence(), LiveJson.message(c)));
            }
        }
        if (out.isEmpty()) {
            return;
        }
        stats.changes.addAndGet(out.size());
        store.hold(marketId, out, clock.instant());
        stats.writes.addAndGet((out.size() + 24) / 25);
        List<Future<LiveStore.Subscribers>> shards = new ArrayList<>();
        for (int s = 0; s < LiveStore.SHARDS; s++) {
            int shard = s;
            shards.add(shardReads.submit(() -> store.subscribers(marketId, shard)));
        }
        List<String> subscribers = new ArrayList<>();
        for (Future<LiveStore.Subscribers> f : shards) {
            LiveStore.Subscribers one = join(f);
            subscribers.addAll(one.connectionIds());
            stats.subscriberQueries.addAndGet(one.pages());
        }
        List<Future<?>> inFlight = new ArrayList<>(subscribers.size());
        for (String connectionId : subscribers) {
            inFlight.add(sends.submit(() -> sendAll(connectionId, out)));
        }
        RuntimeException failed = null;
        for (Future<?> f : inFlight) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while sending", e);
            } catch (java.util.concurrent.ExecutionException e) {
                failed = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            }
        }
        if (failed != null) {
            throw failed; // the batch is retried: the same sequences are sent again, clients drop what they have
        }
    }

    private static <T> T join(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }

    private void sendAll(String connectionId, List<LiveStore.Held> messages) {
        for (LiveStore.Held h : messages) {
            stats.sends.incrementAndGet();
            if (sender.send(connectionId, h.message()) == LiveSender.Delivery.GONE) {
                stats.gone.incrementAndGet();
                store.disconnect(connectionId);
                return;
            }
        }
    }
}
