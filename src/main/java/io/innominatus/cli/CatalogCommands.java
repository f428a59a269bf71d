package io.innominatus.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.innominatus.api.workflow.v1.DeploymentPlan;
import io.innominatus.api.workflow.v1.Diagnostic;
import io.innominatus.api.workflow.v1.ExcludedWorkflow;
import io.innominatus.api.workflow.v1.Execution;
import io.innominatus.api.workflow.v1.GetWorkflowRequest;
import io.innominatus.api.workflow.v1.ListProductsRequest;
import io.innominatus.api.workflow.v1.ListProductsResponse;
import io.innominatus.api.workflow.v1.ListWorkflowsRequest;
import io.innominatus.api.workflow.v1.ListWorkflowsResponse;
import io.innominatus.api.workflow.v1.PlanDeploymentRequest;
import io.innominatus.api.workflow.v1.PlanDeploymentResponse;
import io.innominatus.api.workflow.v1.PlannedPhase;
import io.innominatus.api.workflow.v1.PlannedWorkflow;
import io.innominatus.api.workflow.v1.Product;
import io.innominatus.api.workflow.v1.Severity;
import io.innominatus.api.workflow.v1.StartDeploymentRequest;
import io.innominatus.api.workflow.v1.Tier;
import io.innominatus.api.workflow.v1.ValidateWorkflowRequest;
import io.innominatus.api.workflow.v1.ValidateWorkflowResponse;
import io.innominatus.api.workflow.v1.Workflow;
import io.innominatus.api.workflow.v1.WorkflowFile;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The product team's commands: browse products and their workflows, validate and test a candidate workflow. */
final class CatalogCommands {

    private CatalogCommands() {}

    static ListProductsResponse allProducts(Connection connection) {
        ListProductsResponse.Builder all = ListProductsResponse.newBuilder();
        String token = "";
        do {
            ListProductsResponse page = connection.workflows().listProducts(ListProductsRequest.newBuilder().setPageSize(500)
                    .setPageToken(token).build());
            all.addAllProducts(page.getProductsList());
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        return all.build();
    }

    @Command(name = "list-products", header = "List products with their workflow counts and owners.",
            description = "List the products (directories under workflows/products/) with "
            + "their workflow counts and owners.")
    static final class ListProducts extends BaseCommand {

        @Override
        protected int run() {
            ListProductsResponse products = allProducts(connection());
            if (structured()) {
                printer().document(products);
                return ExitCodes.OK;
            }
            if (products.getProductsCount() == 0) {
                out().println("No products: the catalog has no directories under workflows/products/.");
                return ExitCodes.OK;
            }
            Table table = new Table("PRODUCT", "WORKFLOWS", "ALLOWED", "OWNERS");
            for (Product p : products.getProductsList()) {
                table.row(p.getName(), p.getWorkflowCount(), p.getAllowedWorkflowCount(), String.join(", ", p.getOwnersList()));
            }
            table.print(out(), style());
            return ExitCodes.OK;
        }
    }

    @Command(name = "list-product-workflows", header = "List product workflows: phase, steps, owner, allowed.",
            description = "List product workflows (all products, or one) with "
            + "phase, steps, owner and whether policy allows them to run.")
    static final class ListProductWorkflows extends BaseCommand {

        @Parameters(arity = "0..1", paramLabel = "PRODUCT", description = "Only this product's workflows.")
        String product;

        @Override
        protected int run() {
            ListWorkflowsResponse.Builder all = ListWorkflowsResponse.newBuilder();
            String token = "";
            do {
                ListWorkflowsRequest.Builder request = ListWorkflowsRequest.newBuilder().setTier(Tier.TIER_PRODUCT)
                        .setPageSize(500).setPageToken(token);
                if (product != null) {
                    request.setProduct(product);
                }
                ListWorkflowsResponse page = connection().workflows().listWorkflows(request.build());
                all.addAllWorkflows(page.getWorkflowsList());
                token = page.getNextPageToken();
            } while (!token.isEmpty());
            if (product != null && all.getWorkflowsCount() == 0
                    && allProducts(connection()).getProductsList().stream().noneMatch(p -> p.getName().equals(product))) {
                throw new CliException(ExitCodes.NOT_FOUND, "no product '" + product + "' in the catalog (list them with "
                        + "'innominatus-ctl list-products')");
            }
            if (structured()) {
                printer().document(all.build());
                return ExitCodes.OK;
            }
            if (all.getWorkflowsCount() == 0) {
                out().println("No product workflows" + (product == null ? "." : " for product " + product + "."));
                return ExitCodes.OK;
            }
            Table table = new Table("WORKFLOW", "PHASE", "STEPS", "OWNER", "ALLOWED");
            for (Workflow w : all.getWorkflowsList()) {
                table.row(w.getWorkflowId(), Text.phase(w.getPhase()), w.getStepsCount(), Text.orDash(w.getOwner()),
                        style().yesNo(w.getAllowed()));
            }
            table.print(out(), style());
            if (all.getWorkflowsList().stream().anyMatch(w -> !w.getAllowed())) {
                out().println();
                out().println("Not allowed to run:");
                for (Workflow w : all.getWorkflowsList()) {
                    for (String reason : w.getDisallowedReasonsList()) {
                        out().println("  " + w.getWorkflowId() + ": " + reason);
                    }
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "validate-product-workflow", header = "Validate a product workflow file.",
            description = {
        "Validate a product workflow file as if it were in the catalog at products/<product>/<file name> "
                + "(the product comes from --product, the file's metadata.product, or its directory).",
        "Prints each problem as 'file:line:column: SEVERITY CODE message'; exits 3 when there is an error."})
    static final class ValidateProductWorkflow extends BaseCommand {

        @Parameters(paramLabel = "FILE", description = "The workflow YAML file.")
        String file;

        @Option(names = "--product", paramLabel = "PRODUCT", description = "The product (default: metadata.product, "
                + "else the file's directory name).")
        String product;

        @Override
        protected int run() {
            LocalFiles.InputFile input = LocalFiles.read(env(), file);
            LocalFiles.ProductFile target = LocalFiles.productFile(input, product);
            target.warning().ifPresent(this::warn);
            ValidateWorkflowResponse response = connection().workflows().validateWorkflow(ValidateWorkflowRequest.newBuilder()
                    .setYaml(input.text()).setFileName(target.catalogPath()).build());
            if (structured()) {
                printer().document(response);
                return response.getValid() ? ExitCodes.OK : ExitCodes.INVALID;
            }
            long errors = 0;
            long warnings = 0;
            for (Diagnostic d : response.getDiagnosticsList()) {
                out().println(diagnostic(style(), d, target.catalogPath(), input.argument()));
                if (d.getSeverity() == Severity.SEVERITY_ERROR) {
                    errors++;
                } else if (d.getSeverity() == Severity.SEVERITY_WARNING) {
                    warnings++;
                }
            }
            String counts = (errors == 0 ? "" : errors + (errors == 1 ? " error" : " errors"))
                    + (errors > 0 && warnings > 0 ? ", " : "") + (warnings == 0 ? "" : warnings + (warnings == 1 ? " warning" : " warnings"));
            if (response.getValid()) {
                out().println(input.argument() + ": " + style().green("valid") + (counts.isEmpty() ? "" : " (" + counts + ")")
                        + " as " + target.catalogPath());
                return ExitCodes.OK;
            }
            out().println(input.argument() + ": " + style().red("invalid") + ", " + counts + " (checked as "
                    + target.catalogPath() + ")");
            return ExitCodes.INVALID;
        }
    }

    /** {@code file:line:column: SEVERITY CODE message}, naming the user's file rather than its catalog path. */
    static String diagnostic(Style style, Diagnostic d, String catalogPath, String localName) {
        String file = d.getFile().isEmpty() || d.getFile().equals(catalogPath) ? localName : d.getFile();
        String position = d.getLine() > 0 ? file + ":" + d.getLine() + ":" + d.getColumn() + ":" : file + ":";
        String severity = Text.severity(d.getSeverity());
        String coloured = switch (d.getSeverity()) {
            case SEVERITY_ERROR -> style.red(severity);
            case SEVERITY_WARNING -> style.yellow(severity);
            default -> style.cyan(severity);
        };
        return position + " " + coloured + " " + d.getCode() + " " + d.getMessage();
    }

    @Command(name = "test-product-workflow", header = "Plan a deployment with a candidate workflow; dry-run it.",
            description = {
        "Show the deployment plan of a Score file with a candidate product workflow added as if it were in the catalog: "
                + "per phase the numbered steps grouped by workflow, the excluded workflows and the violations. Exits 4 "
                + "when policy blocks the plan.",
        "--dry-run then runs every step's dry-run path (nothing changes) with the candidate; --execute starts a real "
                + "deployment, which runs catalog workflows only."})
    static final class TestProductWorkflow extends BaseCommand {

        @Parameters(index = "0", paramLabel = "WORKFLOW", description = "The candidate workflow YAML file.")
        String workflowFile;

        @Parameters(index = "1", paramLabel = "SCORE", description = "The application's Score file.")
        String scoreFile;

        @Option(names = {"-e", "--env"}, paramLabel = "ENVIRONMENT", defaultValue = "development",
                description = "Target environment (default: ${DEFAULT-VALUE}).")
        String environment;

        @Option(names = "--product", paramLabel = "PRODUCT", description = "The candidate's product (default: its "
                + "metadata.product, else its directory name).")
        String product;

        @ArgGroup(exclusive = true)
        Mode mode;

        static final class Mode {
            @Option(names = "--dry-run", required = true, description = "Also start a dry run with the candidate and watch it.")
            boolean dryRun;

            @Option(names = "--execute", required = true, description = "Also start a real deployment (catalog workflows "
                    + "only) and watch it.")
            boolean execute;
        }

        @Override
        protected int run() {
            LocalFiles.InputFile candidate = LocalFiles.read(env(), workflowFile);
            LocalFiles.InputFile score = LocalFiles.read(env(), scoreFile);
            LocalFiles.ProductFile target = LocalFiles.productFile(candidate, product);
            target.warning().ifPresent(this::warn);
            WorkflowFile extra = WorkflowFile.newBuilder().setFileName(target.catalogPath()).setYaml(candidate.text()).build();
            PlanDeploymentResponse planned = connection().workflows().planDeployment(PlanDeploymentRequest.newBuilder()
                    .setScoreYaml(score.text()).setScoreFileName(score.fileName()).setEnvironment(environment).addExtraWorkflows(extra).build());
            DeploymentPlan plan = planned.getPlan();
            if (structured()) {
                printer().streamedOrDocument(planned, mode != null);
            } else {
                PlanPrinter.print(out(), style(), plan, planned.getDiagnosticsList(), target.workflowId());
                out().println();
                out().println(candidateStatus(plan, target));
                out().flush();
            }
            if (planned.getDiagnosticsList().stream().anyMatch(PlanPrinter::isError)) {
                // An excluded candidate is not planned, but its errors are still errors.
                err().println("error: the candidate " + workflowFile + " has errors (see the errors" + (structured() ? ""
                        : " above") + "); nothing was started");
                return ExitCodes.INVALID;
            }
            if (!plan.getAllowed()) {
                err().println("error: policy blocks this deployment (see the violations" + (structured() ? "" : " above") + ")");
                return ExitCodes.BLOCKED;
            }
            if (mode == null) {
                return ExitCodes.OK;
            }
            StartDeploymentRequest.Builder start = StartDeploymentRequest.newBuilder().setScoreYaml(score.text()).setScoreFileName(score.fileName())
                    .setEnvironment(environment);
            if (mode.dryRun) {
                start.setDryRun(true).addExtraWorkflows(extra);
            } else {
                catalogNote(target, candidate.text()).ifPresent(note -> {
                    if (structured()) {
                        warn(note);
                    } else {
                        out().println(style().yellow("note: ") + note);
                    }
                });
            }
            var executionResponse = connection().workflows().startDeployment(start.build());
            Execution execution = executionResponse.getExecution();
            return DeploymentCommands.started(this, executionResponse, execution, true);
        }

        private String candidateStatus(DeploymentPlan plan, LocalFiles.ProductFile target) {
            String id = target.workflowId();
            for (PlannedPhase phase : plan.getPhasesList()) {
                for (PlannedWorkflow w : phase.getWorkflowsList()) {
                    if (w.getWorkflowId().equals(id)) {
                        return "Candidate " + id + " runs in the " + Text.phase(phase.getPhase()) + " phase (" + w.getStepsCount()
                                + (w.getStepsCount() == 1 ? " step)." : " steps).");
                    }
                }
            }
            for (ExcludedWorkflow e : plan.getExcludedList()) {
                if (e.getWorkflowId().equals(id)) {
                    if (e.getRuleId().equals("PRODUCT_WORKFLOW_NOT_ALLOWED")) {
                        return "Candidate " + id + " is excluded by PRODUCT_WORKFLOW_NOT_ALLOWED: "
                                + e.getMessage().replaceFirst("; it does not run$", "") + ". It does not run, not even "
                                + "in a dry run, until the platform team adds '" + id.substring("products/".length())
                                + "' to each list named.";
                    }
                    return "Candidate " + id + " is excluded by " + e.getRuleId() + ": " + e.getMessage();
                }
            }
            return "Candidate " + id + " is not triggered by this deployment: check its spec.triggers and the Score "
                    + "file's metadata.product (" + (plan.getProduct().isEmpty() ? "not set" : "'" + plan.getProduct() + "'")
                    + ").";
        }

        /** Why a real deployment may not run the local file: the server runs catalog workflows only. */
        private Optional<String> catalogNote(LocalFiles.ProductFile target, String yaml) {
            try {
                Workflow inCatalog = connection().workflows().getWorkflow(GetWorkflowRequest.newBuilder()
                        .setWorkflowId(target.workflowId()).build()).getWorkflow();
                if (!inCatalog.getYaml().strip().equals(yaml.strip())) {
                    return Optional.of(target.workflowId() + " in the catalog differs from " + workflowFile + "; a real "
                            + "deployment runs the catalog's version. Get your change merged and reloaded first.");
                }
                return Optional.empty();
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                    throw e;
                }
                return Optional.of(target.workflowId() + " is not in the catalog yet. The server runs catalog workflows "
                        + "only, so this deployment runs without your candidate. Add the file to workflows/"
                        + target.catalogPath() + ", get it allow-listed, and reload the catalog; use --dry-run to try the "
                        + "candidate before that.");
            }
        }
    }
}
