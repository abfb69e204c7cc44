package dev.holdfast.local.drills;

import dev.holdfast.local.drill.Check;
import dev.holdfast.local.drill.CrashDrill;
import dev.holdfast.local.drill.DrillCommand;
import dev.holdfast.local.drill.DrillReport;
import dev.holdfast.local.drill.DrillSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The crash drill, small, once: the environment (its own JVM) is killed with SIGKILL twice in the
 * middle of a settlement, withdrawals and signups, and restarted on its data. The run is sabotaged
 * after everything drained (one winning order's payout booked a second time), so one run shows
 * both halves of the drill's worth: every other invariant held — every pipeline resumed within
 * 60 s of the last restart and drained, withdrawals, signups, queues — and the exactly-once check names exactly the
 * one order that was paid twice. ({@code ./localstack/drill crash} is the full run at AWS's timing.)
 */
class CrashDrillTest {
    @TempDir
    static Path work;

    @Test
    void everyPipelineResumesAfterKillsAndADoublePaymentIsNamed() {
        DrillSettings small = DrillSettings.defaults().withSmall(true).withSabotage(true).withWorkDir(work);
        DrillReport report = DrillCommand.run(new CrashDrill(small), System.out);
        report.print(System.out);

        List<String> failed = report.failed().stream().map(Check::invariant).toList();
        assertTrue(failed.contains(CrashDrill.SETTLED_ONCE), "the sabotage is named: " + failed);
        assertTrue(failed.stream().allMatch(f -> f.equals(CrashDrill.SETTLED_ONCE) || f.equals("zero drift")),
                "nothing but the sabotaged invariant (and the drift it makes) failed: " + failed);
        String numbers = report.check(CrashDrill.SETTLED_ONCE).orElseThrow().numbers();
        assertTrue(numbers.contains("; 1 without exactly their one PAYOUT/REFUND; 0 of "),
                "exactly the one sabotaged order is off, every wallet exact: " + numbers);
        assertEquals(true, report.check(CrashDrill.RESUMED).orElseThrow().passed());
        assertEquals(true, report.check(CrashDrill.DRAINED).orElseThrow().passed());
    }
}
