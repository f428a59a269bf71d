package io.innominatus.model;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An execution: one run of a deployment plan or of a single workflow.
 *
 * @param requestedBy principal that started it ({@code anonymous} without authentication)
 * @param requestedBySubject the stable identity (token {@code sub}) of whoever started it; empty when unknown
 * @param scoreYaml the Score file it was planned from
 * @param lastSequence sequence of the last recorded event
 */
public record Execution(
        String id,
        DeploymentPlan.Kind kind,
        ExecutionState state,
        DeploymentPlan plan,
        String scoreYaml,
        List<StepRun> steps,
        List<WorkflowRun> workflows,
        String requestedBy,
        String approvedBy,
        String decisionComment,
        String requestId,
        boolean dryRun,
        String error,
        long lastSequence,
        Instant createTime,
        Instant startTime,
        Instant endTime,
        String requestedBySubject) {

    /** An execution whose requester's stable identity is not known. */
    public Execution(String id, DeploymentPlan.Kind kind, ExecutionState state, DeploymentPlan plan, String scoreYaml,
            List<StepRun> steps, List<WorkflowRun> workflows, String requestedBy, String approvedBy, String decisionComment,
            String requestId, boolean dryRun, String error, long lastSequence, Instant createTime, Instant startTime,
            Instant endTime) {
        this(id, kind, state, plan, scoreYaml, steps, workflows, requestedBy, approvedBy, decisionComment, requestId, dryRun,
                error, lastSequence, createTime, startTime, endTime, "");
    }

    /**
     * Whether a caller is the one who started this execution: by stable identity when both are known,
     * by principal otherwise.
     */
    public boolean requestedBy(String principal, String subject) {
        if (!requestedBySubject.isEmpty() && subject != null && !subject.isEmpty()) {
            return requestedBySubject.equals(subject);
        }
        return requestedBy.equals(principal);
    }

    public Execution {
        steps = List.copyOf(steps);
        workflows = List.copyOf(workflows);
        approvedBy = approvedBy == null ? "" : approvedBy;
        decisionComment = decisionComment == null ? "" : decisionComment;
        requestId = requestId == null ? "" : requestId;
        error = error == null ? "" : error;
        requestedBySubject = requestedBySubject == null ? "" : requestedBySubject;
    }

    public String application() {
        return plan.application();
    }

    public String environment() {
        return plan.environment();
    }

    public Optional<StepRun> step(String workflowId, String step) {
        return steps.stream().filter(s -> s.workflowId().equals(workflowId) && s.step().equals(step)).findFirst();
    }
}
