package io.innominatus.api.mapping;

import com.google.protobuf.Timestamp;
import io.innominatus.api.workflow.v1.ApprovalDecided;
import io.innominatus.api.workflow.v1.ApprovalRequested;
import io.innominatus.api.workflow.v1.Execution;
import io.innominatus.api.workflow.v1.ExecutionEvent;
import io.innominatus.api.workflow.v1.ExecutionKind;
import io.innominatus.api.workflow.v1.ExecutionState;
import io.innominatus.api.workflow.v1.PhaseFinished;
import io.innominatus.api.workflow.v1.PhaseStarted;
import io.innominatus.api.workflow.v1.StateChanged;
import io.innominatus.api.workflow.v1.StepErrorKind;
import io.innominatus.api.workflow.v1.StepExecution;
import io.innominatus.api.workflow.v1.StepFinished;
import io.innominatus.api.workflow.v1.StepLog;
import io.innominatus.api.workflow.v1.StepLogStream;
import io.innominatus.api.workflow.v1.StepProgress;
import io.innominatus.api.workflow.v1.StepStarted;
import io.innominatus.api.workflow.v1.StepState;
import io.innominatus.api.workflow.v1.WorkflowFinished;
import io.innominatus.api.workflow.v1.WorkflowStarted;
import io.innominatus.model.DomainException;
import io.innominatus.model.EventPayload;
import io.innominatus.model.StepRun;
import java.time.Instant;

/** Maps executions and their events to and from protobuf. */
public final class ExecutionMapper {

    private ExecutionMapper() {}

    /** The execution in the full view, or in the basic view (without the plan). */
    public static Execution toProto(io.innominatus.model.Execution e, boolean full) {
        Execution execution = toProto(e);
        return full ? execution : execution.toBuilder().clearPlan().build();
    }

    public static Execution toProto(io.innominatus.model.Execution e) {
        Execution.Builder builder = Execution.newBuilder()
                .setExecutionId(e.id())
                .setApplication(e.application())
                .setProduct(e.plan().product())
                .setEnvironment(e.environment())
                .setState(toProto(e.state()))
                .setPlan(PlanMapper.toProto(e.plan()))
                .setRequestedBy(e.requestedBy())
                .setApprovedBy(e.approvedBy())
                .setLastSequence(e.lastSequence())
                .setError(e.error())
                .setKind(toProto(e.kind()))
                .setDryRun(e.dryRun())
                .setRequestId(e.requestId())
                .setDecisionComment(e.decisionComment())
                .setNamespace(e.plan().context().namespace())
                .setTarget(PlanMapper.toProto(e.plan().context().target()));
        if (e.createTime() != null) {
            builder.setCreateTime(timestamp(e.createTime()));
        }
        if (e.startTime() != null) {
            builder.setStartTime(timestamp(e.startTime()));
        }
        if (e.endTime() != null) {
            builder.setEndTime(timestamp(e.endTime()));
        }
        for (StepRun step : e.steps()) {
            StepExecution.Builder s = StepExecution.newBuilder()
                    .setWorkflowId(step.workflowId())
                    .setStep(step.step())
                    .setState(toProto(step.state()))
                    .setAttempt(step.attempt())
                    .setError(step.error())
                    .putAllOutputs(step.outputs())
                    .setType(step.type())
                    .setPhase(CatalogMapper.toProto(step.phase()))
                    .setErrorKind(toProto(step.errorKind()));
            if (step.startTime() != null) {
                s.setStartTime(timestamp(step.startTime()));
            }
            if (step.endTime() != null) {
                s.setEndTime(timestamp(step.endTime()));
            }
            builder.addSteps(s);
        }
        return builder.build();
    }

    public static ExecutionState toProto(io.innominatus.model.ExecutionState state) {
        if (state == null) {
            return ExecutionState.EXECUTION_STATE_UNSPECIFIED;
        }
        return switch (state) {
            case QUEUED -> ExecutionState.EXECUTION_STATE_QUEUED;
            case AWAITING_APPROVAL -> ExecutionState.EXECUTION_STATE_AWAITING_APPROVAL;
            case RUNNING -> ExecutionState.EXECUTION_STATE_RUNNING;
            case SUCCEEDED -> ExecutionState.EXECUTION_STATE_SUCCEEDED;
            case FAILED -> ExecutionState.EXECUTION_STATE_FAILED;
            case CANCELLED -> ExecutionState.EXECUTION_STATE_CANCELLED;
            case REJECTED -> ExecutionState.EXECUTION_STATE_REJECTED;
        };
    }

    /** A state filter; UNSPECIFIED means any. */
    public static io.innominatus.model.ExecutionState stateFilter(ExecutionState state, String field) {
        return switch (state) {
            case EXECUTION_STATE_UNSPECIFIED -> null;
            case EXECUTION_STATE_QUEUED -> io.innominatus.model.ExecutionState.QUEUED;
            case EXECUTION_STATE_AWAITING_APPROVAL -> io.innominatus.model.ExecutionState.AWAITING_APPROVAL;
            case EXECUTION_STATE_RUNNING -> io.innominatus.model.ExecutionState.RUNNING;
            case EXECUTION_STATE_SUCCEEDED -> io.innominatus.model.ExecutionState.SUCCEEDED;
            case EXECUTION_STATE_FAILED -> io.innominatus.model.ExecutionState.FAILED;
            case EXECUTION_STATE_CANCELLED -> io.innominatus.model.ExecutionState.CANCELLED;
            case EXECUTION_STATE_REJECTED -> io.innominatus.model.ExecutionState.REJECTED;
            case UNRECOGNIZED -> throw DomainException.InvalidInput.field(field, "unknown state value");
        };
    }

    public static StepState toProto(io.innominatus.model.StepState state) {
        return switch (state) {
            case PENDING -> StepState.STEP_STATE_PENDING;
            case RUNNING -> StepState.STEP_STATE_RUNNING;
            case SUCCEEDED -> StepState.STEP_STATE_SUCCEEDED;
            case FAILED -> StepState.STEP_STATE_FAILED;
            case SKIPPED -> StepState.STEP_STATE_SKIPPED;
            case CANCELLED -> StepState.STEP_STATE_CANCELLED;
        };
    }

    public static ExecutionEvent toProto(io.innominatus.model.ExecutionEvent event) {
        ExecutionEvent.Builder builder = ExecutionEvent.newBuilder()
                .setExecutionId(event.executionId())
                .setSequence(event.sequence())
                .setEventTime(timestamp(event.time()));
        EventPayload p = event.payload();
        if (p instanceof EventPayload.StateChanged e) {
            builder.setStateChanged(StateChanged.newBuilder().setFrom(toProto(e.from())).setTo(toProto(e.to()))
                    .setReason(e.reason() == null ? "" : e.reason()));
        } else if (p instanceof EventPayload.PhaseStarted e) {
            builder.setPhaseStarted(PhaseStarted.newBuilder().setPhase(CatalogMapper.toProto(e.phase())));
        } else if (p instanceof EventPayload.PhaseFinished e) {
            builder.setPhaseFinished(PhaseFinished.newBuilder().setPhase(CatalogMapper.toProto(e.phase()))
                    .setSucceeded(e.succeeded()));
        } else if (p instanceof EventPayload.WorkflowStarted e) {
            builder.setWorkflowStarted(WorkflowStarted.newBuilder().setWorkflowId(e.workflowId())
                    .setPhase(CatalogMapper.toProto(e.phase())));
        } else if (p instanceof EventPayload.WorkflowFinished e) {
            builder.setWorkflowFinished(WorkflowFinished.newBuilder().setWorkflowId(e.workflowId())
                    .setSucceeded(e.succeeded()).setError(e.error() == null ? "" : e.error()));
        } else if (p instanceof EventPayload.StepStarted e) {
            builder.setStepStarted(StepStarted.newBuilder().setWorkflowId(e.workflowId()).setStep(e.step())
                    .setAttempt(e.attempt()).setIdempotencyKey(e.idempotencyKey()).setType(e.type()));
        } else if (p instanceof EventPayload.StepLog e) {
            builder.setStepLog(StepLog.newBuilder().setWorkflowId(e.workflowId()).setStep(e.step()).setLine(e.line())
                    .setStream(stream(e.stream())));
        } else if (p instanceof EventPayload.StepProgress e) {
            builder.setStepProgress(StepProgress.newBuilder().setWorkflowId(e.workflowId()).setStep(e.step())
                    .setPercent(e.percent()).setMessage(e.message()));
        } else if (p instanceof EventPayload.StepFinished e) {
            builder.setStepFinished(StepFinished.newBuilder().setWorkflowId(e.workflowId()).setStep(e.step())
                    .setState(toProto(e.state())).putAllOutputs(e.outputs()).setError(e.error()).setAttempt(e.attempt())
                    .setDuration(CatalogMapper.duration(java.time.Duration.ofMillis(e.durationMs())))
                    .setErrorKind(toProto(e.errorKind())));
        } else if (p instanceof EventPayload.ApprovalRequested e) {
            builder.setApprovalRequested(ApprovalRequested.newBuilder().setPlanDigest(e.planDigest())
                    .setEnvironment(e.environment()).setRequestedBy(e.requestedBy()));
        } else if (p instanceof EventPayload.ApprovalDecided e) {
            builder.setApprovalDecided(ApprovalDecided.newBuilder().setApproved(e.approved()).setDecidedBy(e.decidedBy())
                    .setComment(e.comment() == null ? "" : e.comment()).setPlanDigest(e.planDigest()));
        }
        return builder.build();
    }

    public static StepErrorKind toProto(io.innominatus.model.StepErrorKind kind) {
        if (kind == null) {
            return StepErrorKind.STEP_ERROR_KIND_UNSPECIFIED;
        }
        return switch (kind) {
            case STEP_FAILED -> StepErrorKind.STEP_ERROR_KIND_STEP_FAILED;
            case TRANSIENT -> StepErrorKind.STEP_ERROR_KIND_TRANSIENT;
            case TIMEOUT -> StepErrorKind.STEP_ERROR_KIND_TIMEOUT;
            case CONFIGURATION -> StepErrorKind.STEP_ERROR_KIND_CONFIGURATION;
            case CANCELLED -> StepErrorKind.STEP_ERROR_KIND_CANCELLED;
        };
    }

    public static ExecutionKind toProto(io.innominatus.model.DeploymentPlan.Kind kind) {
        return switch (kind) {
            case DEPLOYMENT -> ExecutionKind.EXECUTION_KIND_DEPLOYMENT;
            case WORKFLOW -> ExecutionKind.EXECUTION_KIND_WORKFLOW;
            case UNDEPLOYMENT -> ExecutionKind.EXECUTION_KIND_UNDEPLOYMENT;
        };
    }

    /** The engine names log streams {@code stdout}, {@code stderr} and {@code engine}. */
    static StepLogStream stream(String stream) {
        return switch (stream) {
            case "stdout" -> StepLogStream.STEP_LOG_STREAM_STDOUT;
            case "stderr" -> StepLogStream.STEP_LOG_STREAM_STDERR;
            case "engine" -> StepLogStream.STEP_LOG_STREAM_ENGINE;
            default -> StepLogStream.STEP_LOG_STREAM_UNSPECIFIED;
        };
    }

    public static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
