package dev.holdfast.domain.waitingroom;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PositionStripesTest {
    private final PositionStripes stripes = new PositionStripes(8);

    @Test
    void stripesInterleave() {
        assertEquals(1, stripes.position(0, 1));
        assertEquals(8, stripes.position(7, 1));
        assertEquals(9, stripes.position(0, 2));
        assertEquals(3, stripes.stripeOf(stripes.position(3, 17)));
    }

    @Test
    void roundRobinDealingGivesConsecutivePositions() {
        long[] counts = new long[8];
        for (int k = 0; k < 100; k++) {
            int s = k % 8;
            counts[s]++;
            assertEquals(k + 1, stripes.position(s, counts[s]));
        }
    }

    @Property(tries = 300)
    void everyAllocationIsAUniquePositionAndCountsAddUp(@ForAll @Size(8) List<@IntRange(min = 0, max = 60) Integer> raw) {
        long[] counts = raw.stream().mapToLong(Integer::longValue).toArray();
        Set<Long> seen = new HashSet<>();
        for (int s = 0; s < 8; s++) {
            for (long n = 1; n <= counts[s]; n++) {
                assertTrue(seen.add(stripes.position(s, n)), "unique");
                assertTrue(stripes.allocated(stripes.position(s, n), counts));
            }
        }
        assertEquals(seen.size(), stripes.total(counts));
        assertEquals(stripes.total(counts), stripes.countUpTo(stripes.highest(counts), counts));
        for (long p = 0; p <= stripes.highest(counts) + 3; p++) {
            long upTo = p;
            assertEquals(seen.stream().filter(x -> x <= upTo).count(), stripes.countUpTo(p, counts));
        }
    }

    @Property(tries = 300)
    void advancingAdmitsExactlyThePeopleAskedForOrEveryoneLeft(
            @ForAll @Size(8) List<@IntRange(min = 0, max = 60) Integer> raw,
            @ForAll @LongRange(min = 0, max = 500) long serving, @ForAll @LongRange(min = 0, max = 200) long people) {
        long[] counts = raw.stream().mapToLong(Integer::longValue).toArray();
        long before = stripes.countUpTo(serving, counts);
        long after = stripes.advance(serving, people, counts);
        assertTrue(after >= serving);
        long admitted = stripes.countUpTo(after, counts) - before;
        assertEquals(Math.min(people, stripes.total(counts) - before), admitted);
        if (admitted > 0) {
            assertTrue(stripes.allocated(after, counts), "serving stops on a person, not a gap");
        }
    }

    @Property(tries = 200)
    void aheadCountsEveryPlaceBelowOnesOwnThatIsNotServed(
            @ForAll @Size(8) List<@IntRange(min = 0, max = 40) Integer> raw,
            @ForAll @LongRange(min = 1, max = 400) long position, @ForAll @LongRange(min = 0, max = 400) long serving) {
        long[] counts = raw.stream().mapToLong(Integer::longValue).toArray();
        long ahead = QueueView.ahead(stripes, position, serving, counts);
        assertTrue(ahead >= 0 && ahead <= Math.max(0, position - 1));
        if (serving >= position - 1) {
            assertEquals(0, ahead);
        }
    }
}
