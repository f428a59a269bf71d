package io.innominatus.model;

import java.time.Instant;

/**
 * One entry of the audit trail: who did (or was refused) what, to what, and why.
 *
 * @param sequence position in the trail, assigned by the store (0 before it is stored)
 * @param action the RPC, for example {@code ApproveExecution}
 * @param target what the action concerns, for example {@code execution/<id>} or {@code application/<app>/<environment>}
 * @param reason why it was allowed or denied: the comment given, or the rule that refused it (redacted)
 */
public record AuditEvent(long sequence, Instant time, String principal, String action, String target, Decision decision,
        String reason) {

    /** Whether the action went ahead. */
    public enum Decision {
        ALLOWED,
        DENIED
    }

    public AuditEvent {
        principal = principal == null ? "" : principal;
        target = target == null ? "" : target;
        reason = reason == null ? "" : reason;
    }

    public static AuditEvent allowed(Instant time, String principal, String action, String target, String reason) {
        return new AuditEvent(0, time, principal, action, target, Decision.ALLOWED, reason);
    }

    public static AuditEvent denied(Instant time, String principal, String action, String target, String reason) {
        return new AuditEvent(0, time, principal, action, target, Decision.DENIED, reason);
    }

    public AuditEvent withReason(String text) {
        return new AuditEvent(sequence, time, principal, action, target, decision, text);
    }
}
