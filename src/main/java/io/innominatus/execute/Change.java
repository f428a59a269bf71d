package io.innominatus.execute;

import io.innominatus.model.AuditEvent;
import io.innominatus.model.EventPayload;
import io.innominatus.model.Execution;
import io.innominatus.model.ExecutionState;
import io.innominatus.model.StepRun;
import io.innominatus.model.WorkflowRun;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One transition of an execution: rows that change, the events that say so, and the header fields after
 * it. Built against the run's current state and handed to the {@link Journal}, which applies and commits it.
 */
final class Change {

    private final RunState run;
    final List<EventPayload> events = new ArrayList<>();
    final Map<StepKey, StepRun> steps = new LinkedHashMap<>();
    final Map<String, WorkflowRun> workflows = new LinkedHashMap<>();
    ExecutionState state;
    String approvedBy;
    String comment;
    String error;
    Instant startTime;
    Instant endTime;
    /** The audit entry of the command that makes this change, committed in the same transaction. */
    AuditEvent audit;

    Change(RunState run) {
        this.run = run;
        Execution header = run.header;
        state = header.state();
        approvedBy = header.approvedBy();
        comment = header.decisionComment();
        error = header.error();
        startTime = header.startTime();
        endTime = header.endTime();
    }

    Change event(EventPayload event) {
        events.add(event);
        return this;
    }

    Change step(StepRun step) {
        steps.put(new StepKey(step.workflowId(), step.step()), step);
        return this;
    }

    /** Records a step that ended (or was settled without an attempt), with its StepFinished event. */
    Change finished(StepRun step, Instant now) {
        return step(step).event(finishedEvent(step, now));
    }

    Change workflow(WorkflowRun workflow) {
        workflows.put(workflow.workflowId(), workflow);
        return this;
    }

    WorkflowRun current(String workflowId) {
        return workflows.getOrDefault(workflowId, run.workflows.get(workflowId));
    }

    /**
     * The header after this change. The change may move the execution only along the lifecycle's transition
     * table, and every state change it reports must start where the execution is: anything else is a defect
     * of the engine, stopped here before it reaches the store.
     *
     * @throws IllegalStateException for an illegal transition
     */
    Execution header() {
        Execution header = run.header;
        ExecutionState from = header.state();
        if (state != from && !from.canMoveTo(state)) {
            throw new IllegalStateException("execution " + run.id + ": illegal transition " + from + " -> " + state);
        }
        for (EventPayload event : events) {
            if (event instanceof EventPayload.StateChanged moved && (moved.from() != from || moved.to() != state)) {
                throw new IllegalStateException("execution " + run.id + ": event reports " + moved.from() + " -> "
                        + moved.to() + " but the change moves " + from + " -> " + state);
            }
        }
        return new Execution(run.id, header.kind(), state, run.plan, header.scoreYaml(), List.of(), List.of(),
                header.requestedBy(), approvedBy, comment, header.requestId(), header.dryRun(), error, run.sequence,
                header.createTime(), startTime, endTime, header.requestedBySubject());
    }

    static EventPayload.StepFinished finishedEvent(StepRun step, Instant now) {
        long duration = step.startTime() == null ? 0 : Math.max(0, Duration.between(step.startTime(), now).toMillis());
        return new EventPayload.StepFinished(step.workflowId(), step.step(), step.state(), step.outputs(), step.error(),
                step.attempt(), duration, step.errorKind());
    }
}
