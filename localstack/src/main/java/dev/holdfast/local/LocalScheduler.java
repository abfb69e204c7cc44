package dev.holdfast.local;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import dev.holdfast.resources.Triggers;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * EventBridge schedules, locally. In AWS a rule fires once a minute with
 * {@code {"ticks": 60/N, "everySeconds": N}} and the function runs its ticks N seconds apart;
 * locally each tick is its own event, {@code {"ticks": 1, "everySeconds": N}}, fired every N seconds.
 */
final class LocalScheduler implements AutoCloseable {
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1, r -> {
        Thread t = new Thread(r, "local-scheduler");
        t.setDaemon(true);
        return t;
    });

    LocalScheduler(List<Triggers.ScheduleTrigger> schedules, FunctionHost host, String region) {
        for (Triggers.ScheduleTrigger s : schedules) {
            timer.scheduleAtFixedRate(() -> fire(s, host, region), s.everySeconds(), s.everySeconds(), TimeUnit.SECONDS);
        }
    }

    static ScheduledEvent event(Triggers.ScheduleTrigger s, String region) {
        ScheduledEvent e = new ScheduledEvent();
        e.setId(UUID.randomUUID().toString());
        e.setSource("aws.events");
        e.setDetailType("Scheduled Event");
        e.setRegion(region);
        e.setAccount("000000000000");
        e.setResources(List.of("arn:aws:events:" + region + ":000000000000:rule/holdfast-" + s.function().id()));
        e.setDetail(Map.of("ticks", 1, "everySeconds", s.everySeconds()));
        return e;
    }

    private static void fire(Triggers.ScheduleTrigger s, FunctionHost host, String region) {
        try {
            host.invoke(s.function(), event(s, region), UUID.randomUUID().toString());
        } catch (RuntimeException e) {
            System.err.println("{\"level\":\"ERROR\",\"logger\":\"local-scheduler\",\"function\":\"" + s.function().id()
                    + "\",\"message\":\"scheduled invocation failed: " + e.getClass().getSimpleName() + "\"}");
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
