package io.innominatus.app;

import io.innominatus.model.DeploymentPlan;
import io.innominatus.model.Diagnostic;
import io.innominatus.model.DomainException;
import io.innominatus.model.PlanAssembly;
import io.innominatus.model.PolicyDecision;
import io.innominatus.model.ResolvedDeployment;
import io.innominatus.model.ScoreWorkload;
import io.innominatus.model.Tier;
import io.innominatus.model.WorkflowDefinition;
import io.innominatus.parse.WorkflowParser;
import io.innominatus.policy.PolicyEvaluator;
import io.innominatus.resolve.Resolver;
import io.innominatus.score.ScoreParser;
import io.innominatus.store.DeploymentHistory;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Plans deployments and single workflow runs: Score → resolution → policy → plan. */
@ApplicationScoped
@StoreBoundary
public class PlanningService {

    private static final Pattern SCORE_FILE_NAME = Pattern.compile("[\\p{L}\\p{N}._/ +@=,-]+");
    private static final Pattern ENVIRONMENT = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    /** A candidate workflow supplied with a request, placed in the catalog at {@code fileName}. */
    public record CandidateWorkflow(String fileName, String yaml) {}

    /** A plan, the workload it was made for, and notes about the inputs. */
    public record PlanOutcome(DeploymentPlan plan, ScoreWorkload workload, List<Diagnostic> diagnostics) {}

    private final CatalogService catalogs;
    private final DeploymentHistory history;
    private final Authorization authorization;

    public PlanningService(CatalogService catalogs, DeploymentHistory history, Authorization authorization) {
        this.catalogs = catalogs;
        this.history = history;
        this.authorization = authorization;
    }

    /**
     * Plans a deployment for a caller who only reads the plan ({@code action} PlanDeployment or
     * EvaluateDeployment): viewers, or members of the team of the application's product and of every
     * candidate's product.
     */
    public PlanOutcome planDeployment(String scoreYaml, String scoreFileName, String environment,
            List<CandidateWorkflow> candidates, Caller caller, String action) {
        PlanOutcome outcome = planDeployment(scoreYaml, scoreFileName, environment, candidates);
        String target = "application/" + outcome.workload().name() + "/" + environment;
        authorization.checkProductAccess(caller, action, outcome.workload().product(), target);
        for (int i = 0; i < candidates.size(); i++) {
            String product = catalogs.placement(candidates.get(i).fileName(), "extra_workflows[" + i + "].file_name")
                    .productDirectory();
            authorization.checkProductAccess(caller, action, product, target);
        }
        return outcome;
    }

    /**
     * Candidate files one request may carry, and workflows they may define in all: each is parsed, checked and
     * planned with the catalog, so their number bounds the work a single request can ask for.
     */
    public static final int MAX_CANDIDATE_FILES = 32;
    public static final int MAX_CANDIDATE_WORKFLOWS = 100;

    /** Plans a deployment with the catalog, optionally with candidate workflows in place. */
    public PlanOutcome planDeployment(String scoreYaml, String scoreFileName, String environment,
            List<CandidateWorkflow> candidates) {
        ActiveCatalog active = catalogs.active();
        checkEnvironment(environment);
        if (candidates.size() > MAX_CANDIDATE_FILES) {
            throw DomainException.InvalidInput.field("extra_workflows", "at most " + MAX_CANDIDATE_FILES
                    + " candidate files per request (" + candidates.size() + " given)");
        }
        List<Diagnostic> diagnostics = new ArrayList<>();
        ScoreWorkload workload = parseScore(scoreYaml, scoreFileName, diagnostics);
        Map<String, WorkflowDefinition> workflows = new LinkedHashMap<>();
        active.catalog().workflows().forEach(w -> workflows.put(w.id(), w));
        int candidateWorkflows = 0;
        for (int i = 0; i < candidates.size(); i++) {
            for (WorkflowDefinition candidate : parseCandidate(candidates.get(i), i, active, diagnostics)) {
                if (++candidateWorkflows > MAX_CANDIDATE_WORKFLOWS) {
                    throw DomainException.InvalidInput.field("extra_workflows[" + i + "]", "the candidate files define more "
                            + "than " + MAX_CANDIDATE_WORKFLOWS + " workflows in all");
                }
                workflows.values().removeIf(w -> w.sourceFile().equals(candidate.sourceFile()));
                workflows.put(candidate.id(), candidate);
            }
        }
        String product = workload.product();
        if (!product.isEmpty() && !active.catalog().products().contains(product)) {
            diagnostics.add(Diagnostic.note("PRODUCT_NOT_FOUND", "metadata.product '" + product + "' is not a product of the "
                    + "catalog, so no product workflows run; products: " + (active.catalog().products().isEmpty() ? "none"
                    : String.join(", ", active.catalog().products())), io.innominatus.model.SourceLocation.ofFile(workload.fileName()), "metadata.product"));
        }
        List<WorkflowDefinition> platform = workflows.values().stream().filter(w -> w.tier() == Tier.PLATFORM).toList();
        List<WorkflowDefinition> productWorkflows = workflows.values().stream()
                .filter(w -> w.tier() == Tier.PRODUCT && !product.isEmpty() && w.product().equals(product)).toList();
        ResolvedDeployment resolved = Resolver.resolveDeployment(new Resolver.DeploymentRequest(workload, environment,
                platform, productWorkflows, active.admin().admin(), active.catalog().provisioners(),
                history.hasSucceeded(workload.name(), environment), active.admin().environment(environment)));
        return new PlanOutcome(assemble(resolved, active), workload, diagnostics);
    }

    /** Plans a run of exactly one catalog workflow. */
    public PlanOutcome planWorkflowRun(String workflowId, String scoreYaml, String scoreFileName, String environment) {
        ActiveCatalog active = catalogs.active();
        if (workflowId == null || workflowId.isBlank()) {
            throw DomainException.InvalidInput.field("workflow_id", "required, for example platform/security-scan");
        }
        checkEnvironment(environment);
        List<Diagnostic> diagnostics = new ArrayList<>();
        ScoreWorkload workload = parseScore(scoreYaml, scoreFileName, diagnostics);
        WorkflowDefinition workflow = active.catalog().workflow(workflowId)
                .or(() -> workload.workflows().stream().filter(w -> w.id().equals(workflowId)).findFirst())
                .orElseThrow(() -> new DomainException.NotFound("workflow", workflowId));
        if (workflow.tier() == Tier.PRODUCT && !workflow.product().equals(workload.product())) {
            throw DomainException.InvalidInput.field("workflow_id", "'" + workflowId + "' belongs to product '"
                    + workflow.product() + "' but the application's metadata.product is '" + workload.product() + "'");
        }
        ResolvedDeployment resolved = Resolver.resolveSingle(workflow, workload, active.admin().environment(environment),
                active.admin().admin());
        DeploymentPlan plan = assemble(resolved, active);
        // A run of one workflow that policy leaves out would run nothing and still report success.
        for (var exclusion : plan.excluded()) {
            if (exclusion.workflowId().equals(workflowId)) {
                throw new DomainException.FailedPrecondition(exclusion.ruleId(), exclusion.message(),
                        Map.of("workflow_id", workflowId));
            }
        }
        return new PlanOutcome(plan, workload, diagnostics);
    }

    /**
     * Plans the removal of an application from an environment.
     *
     * @param scoreYaml the Score file of the application's latest deployment there
     * @param resources the resources recorded for it there
     */
    public DeploymentPlan planUndeployment(String scoreYaml, String environment, List<String> resources) {
        ActiveCatalog active = catalogs.active();
        ScoreWorkload workload = parseScore(scoreYaml, null, new ArrayList<>());
        return assemble(Resolver.resolveUndeployment(workload, resources, active.admin().environment(environment),
                active.admin().admin()), active);
    }

    private DeploymentPlan assemble(ResolvedDeployment resolved, ActiveCatalog active) {
        PolicyDecision decision = PolicyEvaluator.evaluate(resolved, active.policies(), active.knownStepTypes(),
                active.hostProgramStepTypes());
        var policies = active.policies();
        return PlanAssembly.assemble(resolved, decision, active.catalog().digest(), new DeploymentPlan.ExecutionLimits(
                policies.maxWorkflowDuration(), policies.vaultAccess(), policies.kubernetesAccess()));
    }

    private ScoreWorkload parseScore(String scoreYaml, String scoreFileName, List<Diagnostic> diagnostics) {
        if (scoreYaml == null || scoreYaml.isBlank()) {
            throw DomainException.InvalidInput.field("score_yaml", "required: the application's Score file");
        }
        String file = scoreFileName(scoreFileName);
        ScoreParser.Result parsed = ScoreParser.parse(scoreYaml, file, catalogs.limits());
        if (parsed.workload().isEmpty()) {
            throw DomainException.InvalidInput.document("score_yaml", "the Score file " + file, parsed.diagnostics());
        }
        diagnostics.addAll(parsed.diagnostics());
        return parsed.workload().get();
    }

    private List<WorkflowDefinition> parseCandidate(CandidateWorkflow candidate, int index, ActiveCatalog active,
            List<Diagnostic> diagnostics) {
        String field = "extra_workflows[" + index + "]";
        if (candidate.yaml() == null || candidate.yaml().isBlank()) {
            throw DomainException.InvalidInput.field(field + ".yaml", "required: the workflow document");
        }
        CatalogService.CandidatePlacement placement = catalogs.placement(candidate.fileName(), field + ".file_name");
        WorkflowParser.Source source = new WorkflowParser.Source(placement.file(), placement.expectedKind(),
                placement.productDirectory(), placement.baseDirectory(), active.admin().admin());
        List<WorkflowDefinition> workflows = new ArrayList<>();
        List<Diagnostic> unidentified = new ArrayList<>();
        for (WorkflowParser.ParsedDocument document : WorkflowParser.parse(candidate.yaml(), source, catalogs.limits())) {
            diagnostics.addAll(document.diagnostics());
            if (document.workflow().isPresent()) {
                workflows.add(document.workflow().get());
            } else if (document.policy().isEmpty()) {
                unidentified.addAll(document.diagnostics());
            }
        }
        if (workflows.isEmpty()) {
            throw DomainException.InvalidInput.document(field + ".yaml", "candidate workflow " + placement.file(),
                    unidentified.isEmpty() ? List.of(Diagnostic.error("NOT_A_WORKFLOW", "the document is not a workflow",
                            io.innominatus.model.SourceLocation.ofFile(placement.file()), "kind")) : unidentified);
        }
        return workflows;
    }

    /** The name the caller gave its Score file, for positions in diagnostics and plans; {@code score.yaml} if none. */
    static String scoreFileName(String name) {
        if (name == null || name.isBlank()) {
            return ScoreWorkload.DEFAULT_FILE_NAME;
        }
        if (name.length() > 255 || !SCORE_FILE_NAME.matcher(name).matches()) {
            throw DomainException.InvalidInput.field("score_file_name", "must be a file name or relative path of at most 255 "
                    + "printable characters, such as score.yaml or apps/billing-api.yaml");
        }
        return name;
    }

    /** A request value quoted back to the caller: long ones are cut, so that no answer grows with the input. */
    static String echoed(String value) {
        return value.length() <= 80 ? value : value.substring(0, 64) + "… (" + value.length() + " characters)";
    }

    static void checkEnvironment(String environment) {
        if (environment == null || environment.isBlank()) {
            throw DomainException.InvalidInput.field("environment", "required, for example development or production");
        }
        if (!ENVIRONMENT.matcher(environment).matches()) {
            throw DomainException.InvalidInput.field("environment", "'" + echoed(environment) + "' must be a lowercase name "
                    + "(a-z, 0-9, '-', at most 63 characters)");
        }
    }
}
