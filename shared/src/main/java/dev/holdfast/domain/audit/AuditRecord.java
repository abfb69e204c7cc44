package dev.holdfast.domain.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * One append-only audit record of an admin action. {@code before} and {@code after} are JSON
 * documents (or {@code null} JSON) of the target's state.
 */
public record AuditRecord(String auditId, String actor, String action, String target,
                          String beforeJson, String afterJson, Instant at) {

    public AuditRecord {
        Objects.requireNonNull(auditId);
        Objects.requireNonNull(actor);
        Objects.requireNonNull(action);
        Objects.requireNonNull(target);
        Objects.requireNonNull(beforeJson);
        Objects.requireNonNull(afterJson);
        Objects.requireNonNull(at);
    }
}
