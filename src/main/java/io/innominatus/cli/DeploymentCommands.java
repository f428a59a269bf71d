package io.innominatus.cli;

import com.google.protobuf.MessageOrBuilder;
import io.innominatus.api.workflow.v1.DeploymentPlan;
import io.innominatus.api.workflow.v1.Execution;
import io.innominatus.api.workflow.v1.ExecutionKind;
import io.innominatus.api.workflow.v1.ExecutionState;
import io.innominatus.api.workflow.v1.PlanDeploymentRequest;
import io.innominatus.api.workflow.v1.PlanDeploymentResponse;
import io.innominatus.api.workflow.v1.RunWorkflowRequest;
import io.innominatus.api.workflow.v1.StartDeploymentRequest;
import io.innominatus.api.workflow.v1.UndeployRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Planning, deploying and running workflows. */
final class DeploymentCommands {

    private DeploymentCommands() {}

    /** Reports a started execution and, with {@code watch}, follows it to its end. */
    static int started(BaseCommand command, MessageOrBuilder response, Execution execution, boolean watch) {
        if (command.structured()) {
            command.printer().streamedOrDocument(response, watch);
        } else {
            String what = execution.getKind() == ExecutionKind.EXECUTION_KIND_WORKFLOW && execution.getPlan().getPhasesCount() > 0
                    ? "run of " + execution.getPlan().getPhases(0).getWorkflows(0).getWorkflowId() : Text.kind(execution.getKind());
            command.out().println("Started " + what + (execution.getDryRun() ? " (dry run)" : "") + " "
                    + execution.getExecutionId() + " of " + execution.getApplication() + " in " + execution.getEnvironment()
                    + ": " + command.style().state(Text.state(execution.getState())));
            if (execution.getState() == ExecutionState.EXECUTION_STATE_AWAITING_APPROVAL) {
                command.out().println("It waits for approval: innominatus-ctl approve " + execution.getExecutionId());
            }
            if (!watch) {
                command.out().println("Follow it with: innominatus-ctl watch " + execution.getExecutionId());
            }
            command.out().flush();
        }
        if (!watch) {
            return ExitCodes.OK;
        }
        Execution done = new ExecutionWatcher(command.connection(), command.env()).follow(execution.getExecutionId(), 0,
                command.root.renderer());
        return ExecutionWatcher.exitCode(done);
    }

    @Command(name = "plan", header = "Show what a deployment would run.",
            description = "Show what a deployment would run: per phase the numbered steps grouped by "
            + "workflow, the excluded workflows and the violations. Exits 4 when policy blocks it.")
    static final class Plan extends BaseCommand {

        @Parameters(paramLabel = "SCORE", description = "The application's Score file.")
        String scoreFile;

        @Option(names = {"-e", "--env"}, required = true, paramLabel = "ENVIRONMENT", description = "Target environment.")
        String environment;

        @Override
        protected int run() {
            LocalFiles.InputFile score = LocalFiles.read(env(), scoreFile);
            PlanDeploymentResponse planned = connection().workflows().planDeployment(PlanDeploymentRequest.newBuilder()
                    .setScoreYaml(score.text()).setScoreFileName(score.fileName()).setEnvironment(environment).build());
            DeploymentPlan plan = planned.getPlan();
            if (structured()) {
                printer().document(planned);
            } else {
                PlanPrinter.print(out(), style(), plan, planned.getDiagnosticsList(), "");
            }
            if (!plan.getAllowed()) {
                err().println("error: policy blocks this deployment (see the violations" + (structured() ? "" : " above") + ")");
                return ExitCodes.BLOCKED;
            }
            return ExitCodes.OK;
        }
    }

    /** The options every command that starts an execution shares. */
    static final class StartOptions {

        @Option(names = {"-e", "--env"}, required = true, paramLabel = "ENVIRONMENT", description = "Target environment.")
        String environment;

        @Option(names = {"-w", "--watch"}, description = "Follow the execution until it ends.")
        boolean watch;

        @Option(names = "--request-id", paramLabel = "ID", description = "Idempotency key: the same request again returns "
                + "the same execution.")
        String requestId;

        @Option(names = "--dry-run", description = "Run every step's dry-run path: describe, change nothing.")
        boolean dryRun;

        /** The request id, or empty (the API's "none"). */
        String requestIdOrEmpty() {
            return requestId == null ? "" : requestId;
        }
    }

    @Command(name = "deploy", header = "Start a deployment (and watch it).",
            description = "Deploy an application: plan it, check policy and start it. With --watch, "
            + "follow it to the end and exit 1 unless it succeeds.")
    static final class Deploy extends BaseCommand {

        @Parameters(paramLabel = "SCORE", description = "The application's Score file.")
        String scoreFile;

        @Mixin
        StartOptions options;

        @Override
        protected int run() {
            LocalFiles.InputFile score = LocalFiles.read(env(), scoreFile);
            var executionResponse = connection().workflows().startDeployment(StartDeploymentRequest.newBuilder()
                    .setScoreYaml(score.text()).setScoreFileName(score.fileName()).setEnvironment(options.environment).setDryRun(options.dryRun)
                    .setRequestId(options.requestIdOrEmpty()).build());
            Execution execution = executionResponse.getExecution();
            return started(this, executionResponse, execution, options.watch);
        }
    }

    @Command(name = "undeploy", header = "Remove an application from an environment (and watch it).",
            description = "Remove an application from an environment: its workload, the resources only it used, and "
            + "its namespace. With --watch, follow it to the end and exit 1 unless it succeeds.")
    static final class Undeploy extends BaseCommand {

        @Parameters(paramLabel = "APPLICATION", description = "The application (the Score file's metadata.name).")
        String application;

        @Mixin
        StartOptions options;

        @Override
        protected int run() {
            var executionResponse = connection().workflows().undeploy(UndeployRequest.newBuilder().setApplication(application)
                    .setEnvironment(options.environment).setDryRun(options.dryRun).setRequestId(options.requestIdOrEmpty())
                    .build());
            Execution execution = executionResponse.getExecution();
            return started(this, executionResponse, execution, options.watch);
        }
    }

    @Command(name = "run", header = "Run one catalog workflow (and watch it).",
            description = "Run one catalog workflow (typically a manual one) for an application. With "
            + "--watch, follow it to the end and exit 1 unless it succeeds.")
    static final class Run extends BaseCommand {

        @Parameters(index = "0", paramLabel = "WORKFLOW-ID", description = "For example platform/diagnostics.")
        String workflowId;

        @Parameters(index = "1", paramLabel = "SCORE", description = "The application's Score file.")
        String scoreFile;

        @Mixin
        StartOptions options;

        @Override
        protected int run() {
            LocalFiles.InputFile score = LocalFiles.read(env(), scoreFile);
            var executionResponse = connection().workflows().runWorkflow(RunWorkflowRequest.newBuilder().setWorkflowId(workflowId)
                    .setScoreYaml(score.text()).setScoreFileName(score.fileName()).setEnvironment(options.environment).setDryRun(options.dryRun)
                    .setRequestId(options.requestIdOrEmpty()).build());
            Execution execution = executionResponse.getExecution();
            return started(this, executionResponse, execution, options.watch);
        }
    }
}
