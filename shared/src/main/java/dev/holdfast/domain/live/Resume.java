package dev.holdfast.domain.live;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The answer to {@code resume} with the last sequence a client saw: the changes after it, if the
 * market's bounded change buffer still holds every one of them; otherwise a fresh snapshot (sent
 * with {@code "resumed": false}), because a client must never be handed a history with a hole.
 */
public final class Resume {
    /** How many recent changes per market are held for resume (older ones give a snapshot). */
    public static final int BUFFER = 64;

    private Resume() {}

    /** What to send. */
    public sealed interface Plan<T> {
        /** The changes after the client's sequence, in order (empty if it is up to date). */
        record Replay<T>(List<T> changes) implements Plan<T> {}

        /** A fresh snapshot: the held changes do not reach back far enough, or the sequence is not one this market had. */
        record Snapshot<T>() implements Plan<T> {}
    }

    /**
     * @param clientSequence  the newest sequence the client saw
     * @param currentSequence the market's newest published sequence
     * @param held            the changes the buffer holds with a sequence above {@code clientSequence}, any order
     * @param sequenceOf      a held change's sequence
     * @param bound           the most changes a replay may carry
     */
    public static <T> Plan<T> plan(long clientSequence, long currentSequence, List<T> held,
                                   java.util.function.ToLongFunction<T> sequenceOf, int bound) {
        Objects.requireNonNull(held);
        if (clientSequence < 0 || clientSequence > currentSequence) {
            return new Plan.Snapshot<>();
        }
        long missing = currentSequence - clientSequence;
        if (missing == 0) {
            return new Plan.Replay<>(List.of());
        }
        if (missing > bound) {
            return new Plan.Snapshot<>();
        }
        List<T> sorted = new ArrayList<>(held);
        sorted.removeIf(c -> sequenceOf.applyAsLong(c) <= clientSequence || sequenceOf.applyAsLong(c) > currentSequence);
        sorted.sort(java.util.Comparator.comparingLong(sequenceOf));
        long expect = clientSequence + 1;
        List<T> out = new ArrayList<>();
        for (T c : sorted) {
            long seq = sequenceOf.applyAsLong(c);
            if (seq < expect) {
                continue; // the same change held twice
            }
            if (seq != expect) {
                return new Plan.Snapshot<>();
            }
            out.add(c);
            expect++;
        }
        return expect == currentSequence + 1 ? new Plan.Replay<>(List.copyOf(out)) : new Plan.Snapshot<>();
    }
}
