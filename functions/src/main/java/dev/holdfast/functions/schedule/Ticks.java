package dev.holdfast.functions.schedule;

import com.amazonaws.services.lambda.runtime.Context;

import java.util.Map;

/**
 * What a scheduled function is fired with: {@code {"ticks": n, "everySeconds": s}} at the top level
 * of the event — the constant input of its EventBridge rule in AWS (one rule per minute, so a
 * function that must act every few seconds runs {@code ticks} rounds inside one invocation), and
 * exactly the same map from the local scheduler (one tick per event).
 *
 * @param ticks        rounds in this invocation
 * @param everySeconds seconds between rounds
 */
public record Ticks(int ticks, int everySeconds) {

    public Ticks {
        ticks = Math.max(1, ticks);
        everySeconds = Math.max(1, everySeconds);
    }

    /** The ticks of {@code event}; a missing or odd value means one round. */
    public static Ticks of(Map<String, Object> event, int defaultEverySeconds) {
        return new Ticks(number(event, "ticks", 1), number(event, "everySeconds", defaultEverySeconds));
    }

    /** A whole number from the event, or {@code fallback}. */
    public static int number(Map<String, Object> event, String name, int fallback) {
        Object v = event == null ? null : event.get(name);
        return v instanceof Number n ? n.intValue() : fallback;
    }

    /**
     * Runs {@code round} {@link #ticks} times, {@link #everySeconds} apart, stopping early when the
     * invocation would not have 5 s left after the next wait.
     */
    public void run(Context context, Runnable round) {
        for (int tick = 0; tick < ticks; tick++) {
            long started = System.currentTimeMillis();
            round.run();
            if (tick + 1 < ticks) {
                long wait = started + everySeconds * 1000L - System.currentTimeMillis();
                if (context != null && context.getRemainingTimeInMillis() < wait + 5_000) {
                    return;
                }
                if (wait > 0) {
                    try {
                        Thread.sleep(wait);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }
}
