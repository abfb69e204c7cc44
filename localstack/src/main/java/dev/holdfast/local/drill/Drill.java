package dev.holdfast.local.drill;

/**
 * One incident drill: a story that sank someone else, replayed against an embedded local
 * environment the drill starts itself, ending with the invariants it checked. A new drill is one
 * class implementing this (its name, story and settings kept by {@link AbstractDrill}), added to
 * {@link Drills#all}.
 */
public interface Drill {

    /** The command-line name, e.g. {@code broadcast-surge}. */
    String name();

    /** One line: what happens and what must hold. */
    String story();

    /**
     * Runs the drill; reports progress at least every few seconds through {@code progress} and
     * returns every invariant checked with the numbers behind it. Throws only when the drill could
     * not run at all (setup failed), never to report a broken invariant.
     */
    DrillReport run(DrillProgress progress) throws Exception;
}
