package dev.holdfast.local;

import dev.holdfast.resources.Triggers;

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
     * What the function receives: in AWS its rule has a constant input, so EventBridge delivers
     * exactly {@code {"ticks": n, "everySeconds": s}} (not the event envelope); locally each tick is
     * its own event, {@code {"ticks": 1, "everySeconds": s}}. See {@code Ticks}.
     */
    static Map<String, Object> event(Triggers.ScheduleTrigger s, String region) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("ticks", 1);
        e.put("everySeconds", s.everySeconds());
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
