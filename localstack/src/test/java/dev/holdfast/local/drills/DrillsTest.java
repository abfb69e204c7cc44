package dev.holdfast.local.drills;

import dev.holdfast.local.drill.BroadcastSurge;
import dev.holdfast.local.drill.Check;
import dev.holdfast.local.drill.Drill;
import dev.holdfast.local.drill.DrillCommand;
import dev.holdfast.local.drill.DrillReport;
import dev.holdfast.local.drill.DrillSettings;
import dev.holdfast.local.drill.Drills;
import dev.holdfast.local.drill.ListingSpike;
import dev.holdfast.local.drill.SignupSurge;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The drills notice what they are there to notice: each runs twice in a small configuration — as
 * is, where every invariant must hold, and sabotaged through its test hook, where the report must
 * FAIL and name the broken invariant. (The full-size runs are {@code ./localstack/drill all}.)
 */
class DrillsTest {
    @TempDir
    static Path work;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "listing-spike   | " + ListingSpike.COMPLETED_AFTER_BANK,
            "broadcast-surge | " + BroadcastSurge.BALANCES,
            "signup-surge    | " + SignupSurge.ONE_ACCOUNT_EACH,
    })
    void passesAsIsAndFailsLoudlyWhenItsInvariantIsBrokenOnPurpose(String name, String sabotagedInvariant) {
        DrillSettings small = DrillSettings.defaults().withSmall(true).withWorkDir(work);

        DrillReport clean = DrillCommand.run(drill(name, small), System.out);
        clean.print(System.out);
        assertTrue(clean.passed(), "every invariant holds: " + clean.failed());

        DrillReport broken = DrillCommand.run(drill(name, small.withSabotage(true)), System.out);
        broken.print(System.out);
        assertFalse(broken.passed(), "a sabotaged run fails");
        List<String> failed = broken.failed().stream().map(Check::invariant).toList();
        assertTrue(failed.contains(sabotagedInvariant), "the report names the broken invariant '" + sabotagedInvariant
                + "', failed: " + failed);
        assertFalse(failed.contains("the drill ran to the end"), "the sabotaged drill still ran to the end: " + failed);
    }

    private static Drill drill(String name, DrillSettings settings) {
        return Drills.named(name, settings).orElseThrow();
    }
}
