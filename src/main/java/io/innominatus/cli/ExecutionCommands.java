package io.innominatus.cli;

import com.google.protobuf.MessageOrBuilder;
import io.innominatus.api.workflow.v1.ApproveExecutionRequest;
import io.innominatus.api.workflow.v1.CancelExecutionRequest;
import io.innominatus.api.workflow.v1.Execution;
import io.innominatus.api.workflow.v1.ExecutionEvent;
import io.innominatus.api.workflow.v1.ExecutionState;
import io.innominatus.api.workflow.v1.GetExecutionRequest;
import io.innominatus.api.workflow.v1.GetExecutionResponse;
import io.innominatus.api.workflow.v1.ListExecutionEventsRequest;
import io.innominatus.api.workflow.v1.ListExecutionEventsResponse;
import io.innominatus.api.workflow.v1.ListExecutionsRequest;
import io.innominatus.api.workflow.v1.ListExecutionsResponse;
import io.innominatus.api.workflow.v1.RejectExecutionRequest;
import io.innominatus.api.workflow.v1.RetryExecutionRequest;
import io.innominatus.api.workflow.v1.StepExecution;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Following and steering executions. */
final class ExecutionCommands {

    private ExecutionCommands() {}

    static Execution get(Connection connection, String id) {
        return connection.workflows().getExecution(GetExecutionRequest.newBuilder().setExecutionId(id).build()).getExecution();
    }

    /** Reports the execution after a decision and, with {@code watch}, follows it from {@code after}. */
    static int decided(BaseCommand command, String verb, MessageOrBuilder response, Execution execution, boolean watch, long after) {
        if (command.structured()) {
            command.printer().streamedOrDocument(response, watch);
        } else {
            command.out().println(verb + " " + execution.getExecutionId() + ": "
                    + command.style().state(Text.state(execution.getState())));
            command.out().flush();
        }
        if (!watch) {
            return ExitCodes.OK;
        }
        Execution done = new ExecutionWatcher(command.connection(), command.env()).follow(execution.getExecutionId(), after,
                command.root.renderer());
        return ExecutionWatcher.exitCode(done);
    }

    @Command(name = "watch", header = "Follow an execution live until it ends.",
            description = {
        "Follow an execution's events until it ends: live progress per phase on a terminal, one line per event "
                + "otherwise (step log lines with --verbose). A broken stream resumes from the last event seen.",
        "Exits 0 when the execution SUCCEEDED, 1 when it FAILED, was CANCELLED or REJECTED."})
    static final class Watch extends BaseCommand {

        @Parameters(paramLabel = "EXECUTION", description = "Execution id.")
        String executionId;

        @Option(names = "--from", paramLabel = "N", defaultValue = "1",
                description = "First event to show, by sequence number (default: ${DEFAULT-VALUE}, the whole history).")
        long from;

        @Override
        protected int run() {
            if (from < 1) {
                throw new CliException(ExitCodes.USAGE, "--from must be 1 or more");
            }
            Execution done = new ExecutionWatcher(connection(), env()).follow(executionId, from - 1, root.renderer());
            return ExecutionWatcher.exitCode(done);
        }
    }

    /** Accepts {@code failed}, {@code FAILED}, {@code awaiting-approval} or {@code EXECUTION_STATE_FAILED}. */
    static final class StateConverter implements CommandLine.ITypeConverter<ExecutionState> {
        @Override
        public ExecutionState convert(String value) {
            String name = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            if (!name.startsWith("EXECUTION_STATE_")) {
                name = "EXECUTION_STATE_" + name;
            }
            try {
                ExecutionState state = ExecutionState.valueOf(name);
                if (state != ExecutionState.EXECUTION_STATE_UNSPECIFIED && state != ExecutionState.UNRECOGNIZED) {
                    return state;
                }
            } catch (IllegalArgumentException e) {
                // reported below
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a state; expected one of "
                    + Arrays.stream(ExecutionState.values()).filter(s -> s != ExecutionState.EXECUTION_STATE_UNSPECIFIED
                            && s != ExecutionState.UNRECOGNIZED).map(Text::state).map(s -> s.toLowerCase(Locale.ROOT))
                            .collect(Collectors.joining(", ")));
        }
    }

    @Command(name = "executions", header = "List executions.",
            description = "List executions, newest first, optionally filtered; fetches every page "
            + "unless --limit is given.")
    static final class Executions extends BaseCommand {

        @Option(names = "--app", paramLabel = "APPLICATION", description = "Only this application's executions.")
        String application;

        @Option(names = {"-e", "--env"}, paramLabel = "ENVIRONMENT", description = "Only executions in this environment.")
        String environment;

        @Option(names = "--state", paramLabel = "STATE", converter = StateConverter.class,
                description = "Only executions in this state: queued, awaiting-approval, running, succeeded, failed, "
                        + "cancelled, rejected.")
        ExecutionState state;

        @Option(names = "--limit", paramLabel = "N", description = "At most N executions.")
        Integer limit;

        @Override
        protected int run() {
            if (limit != null && limit < 1) {
                throw new CliException(ExitCodes.USAGE, "--limit must be 1 or more");
            }
            ListExecutionsResponse.Builder all = ListExecutionsResponse.newBuilder();
            String token = "";
            do {
                int wanted = limit == null ? 500 : Math.min(500, limit - all.getExecutionsCount());
                ListExecutionsRequest.Builder request = ListExecutionsRequest.newBuilder().setPageSize(wanted).setPageToken(token);
                if (application != null) {
                    request.setApplication(application);
                }
                if (environment != null) {
                    request.setEnvironment(environment);
                }
                if (state != null) {
                    request.setState(state);
                }
                ListExecutionsResponse page = connection().workflows().listExecutions(request.build());
                page.getExecutionsList().stream().limit(wanted).forEach(all::addExecutions);
                token = page.getNextPageToken();
            } while (!token.isEmpty() && (limit == null || all.getExecutionsCount() < limit));
            if (structured()) {
                printer().document(all.build());
                return ExitCodes.OK;
            }
            if (all.getExecutionsCount() == 0) {
                out().println("No executions.");
                return ExitCodes.OK;
            }
            Table table = new Table("EXECUTION", "KIND", "APPLICATION", "ENVIRONMENT", "STATE", "CREATED", "DURATION");
            for (Execution e : all.getExecutionsList()) {
                table.row(e.getExecutionId(), Text.kind(e.getKind()) + (e.getDryRun() ? " (dry run)" : ""), e.getApplication(),
                        e.getEnvironment(), style().state(Text.state(e.getState())), Text.time(e.getCreateTime()),
                        Text.duration(e.getStartTime(), e.getEndTime()));
            }
            table.print(out(), style());
            return ExitCodes.OK;
        }
    }

    @Command(name = "get", header = "Show an execution and its steps.",
            description = "Show an execution: state, timing, who requested and approved it, and every "
            + "step with state, attempts, duration, error and outputs.")
    static final class Get extends BaseCommand {

        @Parameters(paramLabel = "EXECUTION", description = "Execution id.")
        String executionId;

        @Override
        protected int run() {
            Execution e = get(connection(), executionId);
            if (structured()) {
                printer().document(GetExecutionResponse.newBuilder().setExecution(e));
                return ExitCodes.OK;
            }
            Style s = style();
            field("Execution", e.getExecutionId());
            field("Kind", Text.kind(e.getKind()) + (e.getDryRun() ? " (dry run)" : ""));
            field("Application", e.getApplication() + (e.getProduct().isEmpty() ? "" : " (product " + e.getProduct() + ")"));
            field("Environment", e.getEnvironment());
            if (!e.getTarget().getDescription().isEmpty()) {
                field("Delivers to", e.getTarget().getDescription() + ", namespace " + e.getNamespace());
            }
            field("State", s.state(Text.state(e.getState())));
            field("Requested by", e.getRequestedBy() + " at " + Text.time(e.getCreateTime())
                    + (e.getRequestId().isEmpty() ? "" : " (request id " + e.getRequestId() + ")"));
            if (!e.getApprovedBy().isEmpty()) {
                field("Approved by", e.getApprovedBy());
            }
            if (!e.getDecisionComment().isEmpty()) {
                field("Comment", e.getDecisionComment());
            }
            field("Started", Text.time(e.getStartTime()));
            field("Ended", Text.time(e.getEndTime()) + (Text.set(e.getEndTime()) && Text.set(e.getStartTime())
                    ? " (took " + Text.duration(e.getStartTime(), e.getEndTime()) + ")" : ""));
            if (!e.getError().isEmpty()) {
                field("Error", s.red(e.getError()));
            }
            field("Plan digest", Text.orDash(e.getPlan().getPlanDigest()));
            field("Events", Long.toString(e.getLastSequence()));
            out().println();
            Table table = new Table("PHASE", "WORKFLOW", "STEP", "TYPE", "STATE", "ATTEMPT", "DURATION", "ERROR");
            for (StepExecution step : e.getStepsList()) {
                table.row(Text.phase(step.getPhase()), step.getWorkflowId(), step.getStep(), step.getType(),
                        s.state(Text.state(step.getState())), step.getAttempt(), Text.duration(step.getStartTime(), step.getEndTime()),
                        step.getError());
            }
            table.print(out(), s);
            Map<String, String> outputs = Events.outputs(e);
            if (!outputs.isEmpty()) {
                out().println();
                out().println("Outputs:");
                outputs.forEach((k, v) -> out().println("  " + k + " = " + v));
            }
            return ExitCodes.OK;
        }

        private void field(String name, String value) {
            out().println(String.format("%-14s%s", name, value));
        }
    }

    @Command(name = "logs", header = "Print an execution's step log lines.",
            description = "Print an execution's step log lines as '[workflow/step] line' (all steps, or "
            + "one).")
    static final class Logs extends BaseCommand {

        @Parameters(paramLabel = "EXECUTION", description = "Execution id.")
        String executionId;

        @Option(names = "--step", paramLabel = "NAME", description = "Only this step's lines (in any workflow).")
        String step;

        @Override
        protected int run() {
            ListExecutionEventsResponse.Builder all = ListExecutionEventsResponse.newBuilder();
            String token = "";
            do {
                ListExecutionEventsRequest.Builder request = ListExecutionEventsRequest.newBuilder().setExecutionId(executionId)
                        .setPageSize(5000).setPageToken(token);
                if (step != null) {
                    request.setStep(step);
                }
                ListExecutionEventsResponse page = connection().workflows().listExecutionEvents(request.build());
                if (structured()) {
                    all.addAllEvents(page.getEventsList());
                } else {
                    for (ExecutionEvent event : page.getEventsList()) {
                        if (event.hasStepLog()) {
                            out().println(Events.logLine(event));
                        }
                    }
                }
                token = page.getNextPageToken();
            } while (!token.isEmpty());
            if (structured()) {
                printer().document(all.build());
            }
            out().flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "approve", header = "Approve an execution waiting for approval.",
            description = "Approve an execution waiting for approval. The approval binds to the plan "
            + "digest, fetched from the execution unless --plan-digest names the one you reviewed.")
    static final class Approve extends BaseCommand {

        @Parameters(paramLabel = "EXECUTION", description = "Execution id.")
        String executionId;

        @Option(names = {"-m", "--comment"}, paramLabel = "TEXT", description = "Recorded with the approval.")
        String comment;

        @Option(names = "--plan-digest", paramLabel = "SHA256", description = "The plan digest you reviewed.")
        String planDigest;

        @Option(names = {"-w", "--watch"}, description = "Follow the execution until it ends.")
        boolean watch;

        @Override
        protected int run() {
            Execution waiting = get(connection(), executionId);
            String digest = planDigest != null ? planDigest : waiting.getPlan().getPlanDigest();
            ApproveExecutionRequest.Builder request = ApproveExecutionRequest.newBuilder().setExecutionId(executionId)
                    .setPlanDigest(digest);
            if (comment != null) {
                request.setComment(comment);
            }
            if (!structured()) {
                out().println("Approving " + Text.kind(waiting.getKind()) + " of " + waiting.getApplication() + " in "
                        + waiting.getEnvironment() + " (plan digest " + Text.shortDigest(digest) + ", "
                        + PlanPrinter.stepCount(waiting.getPlan()) + " steps)");
            }
            var approvedResponse = connection().workflows().approveExecution(request.build());
            Execution approved = approvedResponse.getExecution();
            return decided(this, "Approved", approvedResponse, approved, watch, waiting.getLastSequence());
        }
    }

    @Command(name = "reject", header = "Reject an execution waiting for approval.",
            description = "Reject an execution waiting for approval; it ends as REJECTED.")
    static final class Reject extends BaseCommand {

        @Parameters(paramLabel = "EXECUTION", description = "Execution id.")
        String executionId;

        @Option(names = {"-m", "--comment"}, paramLabel = "TEXT", description = "Recorded with the rejection.")
        String comment;

        @Override
        protected int run() {
            Execution waiting = get(connection(), executionId);
            RejectExecutionRequest.Builder request = RejectExecutionRequest.newBuilder().setExecutionId(executionId)
                    .setPlanDigest(waiting.getPlan().getPlanDigest());
            if (comment != null) {
                request.setComment(comment);
            }
            var rejectedResponse = connection().workflows().rejectExecution(request.build());
            Execution rejected = rejectedResponse.getExecution();
            return decided(this, "Rejected", rejectedResponse, rejected, false, 0);
        }
    }

    @Command(name = "cancel", header = "Cancel an execution.",
            description = "Cancel a queued, waiting or running execution; its running steps are "
            + "stopped.")
    static final class Cancel extends BaseCommand {

        @Parameters(paramLabel = "EXECUTION", description = "Execution id.")
        String executionId;

        @Option(names = {"-m", "--comment"}, paramLabel = "TEXT", description = "Why; recorded in the events.")
        String comment;

        @Override
        protected int run() {
            CancelExecutionRequest.Builder request = CancelExecutionRequest.newBuilder().setExecutionId(executionId);
            if (comment != null) {
                request.setComment(comment);
            }
            var cancelledResponse = connection().workflows().cancelExecution(request.build());
            Execution cancelled = cancelledResponse.getExecution();
            return decided(this, "Cancelled", cancelledResponse, cancelled, false, 0);
        }
    }

    @Command(name = "retry", header = "Resume a failed or cancelled execution.",
            description = "Resume a FAILED or CANCELLED execution from its first step that did not "
            + "succeed, keeping the steps that did.")
    static final class Retry extends BaseCommand {

        @Parameters(paramLabel = "EXECUTION", description = "Execution id.")
        String executionId;

        @Option(names = {"-m", "--comment"}, paramLabel = "TEXT", description = "Recorded in the events.")
        String comment;

        @Option(names = {"-w", "--watch"}, description = "Follow the execution until it ends.")
        boolean watch;

        @Override
        protected int run() {
            long before = watch ? get(connection(), executionId).getLastSequence() : 0;
            RetryExecutionRequest.Builder request = RetryExecutionRequest.newBuilder().setExecutionId(executionId);
            if (comment != null) {
                request.setComment(comment);
            }
            var retriedResponse = connection().workflows().retryExecution(request.build());
            Execution retried = retriedResponse.getExecution();
            return decided(this, "Retrying", retriedResponse, retried, watch, before);
        }
    }
}
