package dev.holdfast.local;

import dev.holdfast.domain.Rfc3339;
import dev.holdfast.resources.Triggers;

import java.time.Instant;
import java.util.LinkedHashMap;
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

    /**
     * The EventBridge event as JSON would deliver it. Scheduled handlers take it as a map, not as
     * the events library's {@code ScheduledEvent}, whose Joda-Time field would pull Joda into every jar.
     */
    static Map<String, Object> event(Triggers.ScheduleTrigger s, String region) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("version", "0");
        e.put("id", UUID.randomUUID().toString());
        e.put("detail-type", "Scheduled Event");
        e.put("source", "aws.events");
        e.put("account", "000000000000");
        e.put("time", Rfc3339.format(Instant.now()));
        e.put("region", region);
        e.put("resources", List.of("arn:aws:events:" + region + ":000000000000:rule/holdfast-" + s.function().id()));
        e.put("detail", Map.of("ticks", 1, "everySeconds", s.everySeconds()));
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
