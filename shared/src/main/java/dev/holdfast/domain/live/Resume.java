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
    public sealed interface Plan {
        /** The changes after the client's sequence, in order (empty if it is up to date). */
        record Replay(List<LiveChange> changes) implements Plan {}

        /** A fresh snapshot: the held changes do not reach back far enough, or the sequence is not one this market had. */
        record Snapshot() implements Plan {}
    }

    /**
     * @param clientSequence  the newest sequence the client saw
     * @param currentSequence the market's newest published sequence
     * @param held            the changes the buffer holds with a sequence above {@code clientSequence}, any order
     * @param bound           the most changes a replay may carry
     */
    public static Plan plan(long clientSequence, long currentSequence, List<LiveChange> held, int bound) {
        Objects.requireNonNull(held);
        if (clientSequence < 0 || clientSequence > currentSequence) {
            return new Plan.Snapshot();
        }
        long missing = currentSequence - clientSequence;
        if (missing == 0) {
            return new Plan.Replay(List.of());
        }
        if (missing > bound) {
            return new Plan.Snapshot();
        }
        List<LiveChange> sorted = new ArrayList<>(held);
        sorted.removeIf(c -> c.sequence() <= clientSequence || c.sequence() > currentSequence);
        sorted.sort(java.util.Comparator.comparingLong(LiveChange::sequence));
        long expect = clientSequence + 1;
        List<LiveChange> out = new ArrayList<>();
        for (LiveChange c : sorted) {
            if (c.sequence() < expect) {
                continue; // the same change held twice
            }
            if (c.sequence() != expect) {
                return new Plan.Snapshot();
            }
            out.add(c);
            expect++;
        }
        return expect == currentSequence + 1 ? new Plan.Replay(List.copyOf(out)) : new Plan.Snapshot();
    }
}
