package dev.holdfast.functions.reconciliation;

import dev.holdfast.persistence.reconciliation.ReconciliationStore;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.reconciliation.Mismatch;
/** The contract's reconciliation report body, plus the run's id, trigger, duration and mismatch count. */
public final class ReconciliationJson {
    private ReconciliationJson() {}

    public static ObjectNode report(ReconciliationStore.Run run) {
        ObjectNode n = Json.object();
        n.put("at", Rfc3339.format(run.report().at()));
        n.put("accountsChecked", run.report().accountsChecked());
        n.put("exposuresChecked", run.report().exposuresChecked());
        n.put("drift", run.report().drift());
        ArrayNode mismatches = n.putArray("mismatches");
        for (Mismatch m : run.report().mismatches()) {
            mismatches.addObject().put("kind", m.kind().name()).put("item", m.item())
                    .put("stored", m.stored().toPlainString()).put("rebuilt", m.rebuilt().toPlainString());
        }
        ArrayNode unverified = n.putArray("unverified");
        run.report().unverified().forEach(unverified::add);
        n.put("mismatchCount", run.mismatchCount());
        n.put("mismatchesTruncated", run.truncated());
        n.put("runId", run.runId());
        n.put("trigger", run.trigger());
        n.put("durationMs", run.durationMs());
        return n;
    }
}
