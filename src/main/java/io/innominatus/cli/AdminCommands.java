package io.innominatus.cli;

import io.innominatus.api.policy.v1.EffectivePolicies;
import io.innominatus.api.policy.v1.Environment;
import io.innominatus.api.policy.v1.ListEnvironmentsRequest;
import io.innominatus.api.policy.v1.ListEnvironmentsResponse;
import io.innominatus.api.policy.v1.GetPoliciesRequest;
import io.innominatus.api.policy.v1.GetPoliciesResponse;
import io.innominatus.api.policy.v1.ListStepTypesRequest;
import io.innominatus.api.policy.v1.ListStepTypesResponse;
import io.innominatus.api.policy.v1.PolicySource;
import io.innominatus.api.policy.v1.ReloadCatalogRequest;
import io.innominatus.api.policy.v1.ReloadCatalogResponse;
import io.innominatus.api.policy.v1.StepType;
import io.innominatus.api.workflow.v1.Diagnostic;
import java.util.List;
import picocli.CommandLine.Command;

/** The platform engineer's view: policies, step types and reloading the catalog. */
final class AdminCommands {

    private AdminCommands() {}

    @Command(name = "policies", header = "Show the effective policies.",
            description = "Show the effective policies (merged from every source, the most "
            + "restrictive value winning) and the files they came from.")
    static final class Policies extends BaseCommand {

        @Override
        protected int run() {
            GetPoliciesResponse response = connection().policies().getPolicies(GetPoliciesRequest.getDefaultInstance());
            if (structured()) {
                printer().document(response);
                return ExitCodes.OK;
            }
            EffectivePolicies p = response.getPolicies();
            field("Required platform workflows", list(p.getRequiredPlatformWorkflowsList(), "none"));
            field("Allowed product workflows", allowed(p.getAllowedProductWorkflowsList(), "any"));
            field("Workflow overrides", "platform " + (p.getWorkflowOverrides().getPlatform() ? "yes" : "no") + ", product "
                    + (p.getWorkflowOverrides().getProduct() ? "yes" : "no"));
            field("Max workflow duration", p.hasMaxWorkflowDuration() ? Text.duration(p.getMaxWorkflowDuration()) : "unlimited");
            field("Max concurrent workflows", p.getMaxConcurrentWorkflows() == 0 ? "unlimited"
                    : Integer.toString(p.getMaxConcurrentWorkflows()));
            field("Max steps per workflow", p.getMaxStepsPerWorkflow() == 0 ? "unlimited"
                    : Integer.toString(p.getMaxStepsPerWorkflow()));
            field("Allowed step types", allowed(p.getAllowedStepTypesList(), "any"));
            field("Allowed environments", allowed(p.getAllowedEnvironmentsList(), "any"));
            field("Require approval in", list(p.getRequireApprovalList(), "none"));
            field("Allowed executors", allowed(p.getAllowedExecutorsList(), "anyone"));
            field("Secrets access", "vault " + Text.vaultAccess(p.getSecretsAccess().getVault()) + ", kubernetes "
                    + Text.kubernetesAccess(p.getSecretsAccess().getKubernetes()));
            out().println();
            out().println("Sources:");
            for (PolicySource source : response.getSourcesList()) {
                out().println("  " + source.getFile() + " (" + Text.kind(source.getKind()) + (source.getName().isEmpty() ? "" : " "
                        + source.getName()) + ")");
            }
            return ExitCodes.OK;
        }

        private void field(String name, String value) {
            out().println(String.format("%-29s%s", name, value));
        }

        private static String list(List<String> values, String empty) {
            return values.isEmpty() ? empty : String.join(", ", values);
        }

        /** An allow-list in force: {@code *} allows everything, no entry allows nothing. */
        private static String allowed(List<String> entries, String everything) {
            if (entries.equals(List.of("*"))) {
                return everything;
            }
            return entries.isEmpty() ? "none (the sources' lists have no entry in common)" : String.join(", ", entries);
        }
    }

    @Command(name = "step-types", header = "List step types and whether they can run.",
            description = "List the step types the service knows, whether policy allows them and "
            + "whether an executor can run them.")
    static final class StepTypes extends BaseCommand {

        @Override
        protected int run() {
            ListStepTypesResponse.Builder all = ListStepTypesResponse.newBuilder();
            String token = "";
            do {
                ListStepTypesResponse page = connection().policies().listStepTypes(ListStepTypesRequest.newBuilder()
                        .setPageSize(500).setPageToken(token).build());
                all.addAllStepTypes(page.getStepTypesList());
                token = page.getNextPageToken();
            } while (!token.isEmpty());
            if (structured()) {
                printer().document(all.build());
                return ExitCodes.OK;
            }
            Table table = new Table("TYPE", "ALLOWED", "EXECUTOR", "SOURCE", "DESCRIPTION");
            for (StepType t : all.getStepTypesList()) {
                table.row(t.getType(), style().yesNo(t.getAllowed()), style().yesNo(t.getRegistered()), Text.source(t.getSource()),
                        t.getDescription());
            }
            table.print(out(), style());
            return ExitCodes.OK;
        }
    }

    @Command(name = "environments", header = "List environments and where they deliver.",
            description = "List the environments deployments may name, each with its delivery target (a Kubernetes "
            + "API, a kubeconfig context or a Git repository), its namespace pattern and whether it needs approval.")
    static final class Environments extends BaseCommand {

        @Override
        protected int run() {
            ListEnvironmentsResponse.Builder all = ListEnvironmentsResponse.newBuilder();
            String token = "";
            do {
                ListEnvironmentsResponse page = connection().policies().listEnvironments(ListEnvironmentsRequest.newBuilder()
                        .setPageSize(500).setPageToken(token).build());
                all.addAllEnvironments(page.getEnvironmentsList());
                token = page.getNextPageToken();
            } while (!token.isEmpty());
            if (structured()) {
                printer().document(all.build());
                return ExitCodes.OK;
            }
            if (all.getEnvironmentsCount() == 0) {
                out().println("Any environment may be named: admin-config lists none (environments: or "
                        + "policies.allowedEnvironments); each deploys through the service's Kubernetes client.");
                return ExitCodes.OK;
            }
            Table table = new Table("ENVIRONMENT", "ALLOWED", "APPROVAL", "KIND", "NAMESPACE", "TARGET");
            for (Environment e : all.getEnvironmentsList()) {
                String kind = switch (e.getTargetKind()) {
                    case TARGET_KIND_GITOPS -> "gitops";
                    case TARGET_KIND_KUBERNETES -> "kubernetes";
                    default -> "-";
                };
                table.row(e.getName(), style().yesNo(e.getAllowed()), e.getRequiresApproval() ? "required" : "-", kind,
                        e.getNamespacePattern(), e.getTarget() + (e.getUnsetVariablesCount() == 0 ? ""
                        : " (unset: " + String.join(", ", e.getUnsetVariablesList()) + ")"));
            }
            table.print(out(), style());
            return ExitCodes.OK;
        }
    }

    @Command(name = "reload", header = "Reload the admin config and the workflow catalog.",
            description = "Reload admin-config.yaml and the workflow catalog from disk. A catalog with "
            + "errors is not activated (the previous one keeps serving); then the errors are printed and the exit code is 3.")
    static final class Reload extends BaseCommand {

        @Override
        protected int run() {
            ReloadCatalogResponse response = connection().policies().reloadCatalog(ReloadCatalogRequest.getDefaultInstance());
            if (structured()) {
                printer().document(response);
                return response.getActivated() ? ExitCodes.OK : ExitCodes.INVALID;
            }
            for (Diagnostic d : response.getDiagnosticsList()) {
                out().println(CatalogCommands.diagnostic(style(), d, "", Text.orDash(d.getFile())));
            }
            String counts = count(response.getPlatformWorkflowCount(), "platform workflow") + ", "
                    + count(response.getProductWorkflowCount(), "product workflow") + " in "
                    + count(response.getProductCount(), "product") + ", " + count(response.getPolicyDocumentCount(), "policy document")
                    + " (catalog digest " + Text.shortDigest(response.getCatalogDigest()) + ")";
            if (response.getActivated()) {
                out().println(style().green("Reloaded") + ": " + counts);
                return ExitCodes.OK;
            }
            out().println(style().red("Not reloaded") + ": the new catalog has errors; the previous one stays active with "
                    + counts);
            return ExitCodes.INVALID;
        }

        private static String count(int n, String noun) {
            return n + " " + noun + (n == 1 ? "" : "s");
        }
    }
}
