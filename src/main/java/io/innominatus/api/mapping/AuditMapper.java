package io.innominatus.api.mapping;

import com.google.protobuf.Timestamp;
import io.innominatus.api.audit.v1.AuditDecision;
import io.innominatus.model.AuditEvent;
import io.innominatus.model.DomainException;

/** Audit entries to and from the API. */
public final class AuditMapper {

    private AuditMapper() {}

    public static io.innominatus.api.audit.v1.AuditEvent toProto(AuditEvent event) {
        return io.innominatus.api.audit.v1.AuditEvent.newBuilder()
                .setSequence(event.sequence())
                .setEventTime(Timestamp.newBuilder().setSeconds(event.time().getEpochSecond()).setNanos(event.time().getNano()))
                .setPrincipal(event.principal())
                .setAction(event.action())
                .setTarget(event.target())
                .setDecision(event.decision() == AuditEvent.Decision.ALLOWED ? AuditDecision.AUDIT_DECISION_ALLOWED
                        : AuditDecision.AUDIT_DECISION_DENIED)
                .setReason(event.reason())
                .build();
    }

    /** A decision filter: null for every decision. */
    public static AuditEvent.Decision decisionFilter(AuditDecision decision) {
        return switch (decision) {
            case AUDIT_DECISION_UNSPECIFIED -> null;
            case AUDIT_DECISION_ALLOWED -> AuditEvent.Decision.ALLOWED;
            case AUDIT_DECISION_DENIED -> AuditEvent.Decision.DENIED;
            default -> throw DomainException.InvalidInput.field("decision", "unknown decision " + decision);
        };
    }
}
