package dev.holdfast.local.drill;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * How far a waiting room's positions stray from arrival order: for each device, the largest number of
 * places by which it was overtaken by a device that started entering after it had its answer.
 */
public final class ArrivalOrder {
    private ArrivalOrder() {}

    /** One enter as a client saw it: when it was sent, when it was answered, and the position it got. */
    public record Arrival(long sentNanos, long answeredNanos, long position) {}

    /**
     * The largest number of places by which a device that started entering after another had finished
     * got ahead of it (0 = strict arrival order), within one cohort.
     */
    public static long maxInversion(List<Arrival> cohort) {
        List<Arrival> bySent = new ArrayList<>(cohort);
        bySent.sort(Comparator.comparingLong(Arrival::sentNanos));
        List<Arrival> byAnswered = new ArrayList<>(cohort);
        byAnswered.sort(Comparator.comparingLong(Arrival::answeredNanos));
        long worst = 0;
        long maxFinishedPosition = 0;
        int j = 0;
        for (Arrival b : bySent) {
            while (j < byAnswered.size() && byAnswered.get(j).answeredNanos() < b.sentNanos()) {
                maxFinishedPosition = Math.max(maxFinishedPosition, byAnswered.get(j).position());
                j++;
            }
            worst = Math.max(worst, maxFinishedPosition - b.position());
        }
        return worst;
    }
}
