package io.innominatus.app;

import io.innominatus.app.ActiveCatalog.WorkflowView;
import io.innominatus.catalog.Catalog;
import io.innominatus.catalog.CatalogHolder;
import io.innominatus.model.Diagnostic;
import io.innominatus.model.DomainException;
import io.innominatus.model.Phase;
import io.innominatus.model.RuleIds;
import io.innominatus.model.SourceLocation;
import io.innominatus.model.StepTypeRegistration;
import io.innominatus.model.StepTypes;
import io.innominatus.model.Tier;
import io.innominatus.model.Violation;
import io.innominatus.model.WorkflowDefinition;
import io.innominatus.parse.WorkflowParser;
import io.innominatus.policy.PolicyEvaluator;
import io.innominatus.steps.StepExecutorRegistry;
import io.innominatus.support.EnvironmentReferences;
import io.innominatus.support.PathRules;
import io.innominatus.support.YamlLoader;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Catalog use cases: browse products and workflows, validate candidate workflows, reload. */
@ApplicationScoped
@StoreBoundary
public class CatalogService {

    /** A product directory and its workflows. */
    public record ProductView(String name, int workflowCount, List<String> owners, int allowedWorkflowCount) {}

    /** The outcome of validating one document. */
    public record ValidationResult(boolean valid, List<Diagnostic> diagnostics, Optional<WorkflowView> workflow) {}

    /** A step type and whether it may and can run. */
    public record StepTypeView(String type, boolean allowed, boolean registered, String description, String source) {}

    /** An environment with its delivery target and whether policy allows deployments to it. */
    public record EnvironmentView(io.innominatus.model.EnvironmentDefinition definition, boolean allowed,
            boolean requiresApproval, List<String> unsetVariables) {}

    /** A reload: whether it was activated, its problems, and the catalog now active. */
    public record ReloadResult(boolean activated, List<Diagnostic> diagnostics, CatalogSummary active) {}

    /** What the active catalog holds, counted. */
    public record CatalogSummary(int platformWorkflowCount, int productWorkflowCount, int productCount,
            int policyDocumentCount, String digest) {

        static CatalogSummary of(Catalog catalog) {
            return new CatalogSummary(catalog.platformWorkflows().size(),
                    (int) catalog.workflows().stream().filter(w -> w.tier() == Tier.PRODUCT).count(),
                    catalog.products().size(), catalog.policyDocuments().size(), catalog.digest());
        }
    }

    /** Where a candidate file would sit in the catalog. */
    record CandidatePlacement(String file, String expectedKind, String productDirectory, Path baseDirectory) {}

    private final CatalogHolder holder;
    private final StepExecutorRegistry executors;
    private final Authorization authorization;
    private final AuditTrail audit;
    private volatile ActiveCatalog cached;

    public CatalogService(CatalogHolder holder, StepExecutorRegistry executors, Authorization authorization,
            AuditTrail audit) {
        this.holder = holder;
        this.executors = executors;
        this.authorization = authorization;
        this.audit = audit;
    }

    /**
     * The active catalog with its derived policies.
     *
     * @throws DomainException.Unavailable when no usable catalog is loaded
     */
    public ActiveCatalog active() {
        Catalog catalog = holder.usable();
        ActiveCatalog current = cached;
        if (current == null || current.catalog() != catalog) {
            current = new ActiveCatalog(catalog);
            cached = current;
        }
        return current;
    }

    public PageRequest.Page<ProductView> listProducts(PageRequest page) {
        ActiveCatalog active = active();
        List<ProductView> products = new ArrayList<>();
        for (String product : active.catalog().products()) {
            List<WorkflowDefinition> workflows = active.catalog().productWorkflows(product);
            Set<String> owners = active.owners(product);
            int allowed = (int) workflows.stream().filter(w -> active.view(w.id()).map(WorkflowView::allowed).orElse(false)).count();
            products.add(new ProductView(product, workflows.size(), List.copyOf(owners), allowed));
        }
        return page.apply(products);
    }

    public PageRequest.Page<WorkflowView> listWorkflows(Tier tier, String product, Phase phase, PageRequest page) {
        List<WorkflowView> views = active().views().stream()
                .filter(v -> tier == null || v.definition().tier() == tier)
                .filter(v -> product == null || product.isEmpty() || v.definition().product().equals(product))
                .filter(v -> phase == null || v.definition().phase() == phase)
                .toList();
        return page.apply(views);
    }

    public WorkflowView getWorkflow(String workflowId) {
        if (workflowId == null || workflowId.isBlank()) {
            throw DomainException.InvalidInput.field("workflow_id", "required, for example platform/security-scan");
        }
        return active().view(workflowId).orElseThrow(() -> new DomainException.NotFound("workflow", workflowId));
    }

    /**
     * Validates a workflow document as if it were in the catalog at {@code fileName}: its structure
     * and references, then the policies (step types, step limit, product allow-list).
     */
    public ValidationResult validate(String yaml, String fileName, Caller caller) {
        if (yaml == null || yaml.isBlank()) {
            throw DomainException.InvalidInput.field("yaml", "required: the workflow document");
        }
        ActiveCatalog active = active();
        CandidatePlacement placement = placement(fileName, "file_name");
        authorization.checkProductAccess(caller, "ValidateWorkflow", placement.productDirectory(), placement.file());
        WorkflowParser.Source source = new WorkflowParser.Source(placement.file(), placement.expectedKind(),
                placement.productDirectory(), placement.baseDirectory(), active.admin().admin());
        List<Diagnostic> diagnostics = new ArrayList<>();
        Optional<WorkflowView> view = Optional.empty();
        for (WorkflowParser.ParsedDocument document : WorkflowParser.parse(yaml, source, holder.limits())) {
            diagnostics.addAll(document.diagnostics());
            if (document.workflow().isPresent()) {
                WorkflowDefinition workflow = document.workflow().get();
                diagnostics.addAll(policyDiagnostics(workflow, active));
                Optional<WorkflowDefinition> existing = active.catalog().workflow(workflow.id());
                if (existing.isPresent() && !existing.get().sourceFile().equals(workflow.sourceFile())) {
                    diagnostics.add(Diagnostic.warning("WORKFLOW_EXISTS", "the catalog already has '" + workflow.id()
                            + "' in " + existing.get().sourceFile(), workflow.location(), "metadata.name"));
                }
                view = Optional.of(active.view(workflow));
            }
        }
        return new ValidationResult(!Diagnostic.anyError(diagnostics), diagnostics, view);
    }

    private static List<Diagnostic> policyDiagnostics(WorkflowDefinition workflow, ActiveCatalog active) {
        List<Diagnostic> diagnostics = new ArrayList<>();
        for (Violation violation : PolicyEvaluator.workflowViolations(workflow, List.of(), active.policies(),
                active.knownStepTypes(), active.hostProgramStepTypes())) {
            diagnostics.add(Diagnostic.error(violation.ruleId(), violation.message(), locationOf(violation, workflow),
                    violation.step().isEmpty() ? "spec.steps" : "spec.steps[" + stepIndex(workflow, violation.step()) + "].type"));
        }
        if (workflow.tier() == Tier.PRODUCT
                && !active.policies().productWorkflowAllowed(workflow.product(), workflow.name())) {
            diagnostics.add(Diagnostic.warning(RuleIds.PRODUCT_WORKFLOW_NOT_ALLOWED,
                    active.policies().productWorkflowNotAllowed(workflow.product(), workflow.name())
                    + ": it is excluded from every plan until the platform team adds it there", workflow.location(),
                    "metadata.name"));
        }
        return diagnostics;
    }

    private static SourceLocation locationOf(Violation violation, WorkflowDefinition workflow) {
        if (!violation.step().isEmpty()) {
            return workflow.steps().stream().filter(s -> s.name().equals(violation.step())).findFirst()
                    .map(s -> s.location()).orElse(workflow.location());
        }
        return workflow.location();
    }

    private static int stepIndex(WorkflowDefinition workflow, String step) {
        for (int i = 0; i < workflow.steps().size(); i++) {
            if (workflow.steps().get(i).name().equals(step)) {
                return i;
            }
        }
        return 0;
    }

    /**
     * Where a caller-supplied file would sit: {@code platform/x.yaml}, {@code products/<p>/x.yaml},
     * {@code policies/x.yaml}, or elsewhere (any kind, no product directory check).
     *
     * @throws DomainException.InvalidInput for absolute names, names leaving the catalog, or non-YAML names
     */
    CandidatePlacement placement(String fileName, String field) {
        String name = fileName == null || fileName.isBlank() ? "workflow.yaml" : fileName.trim();
        String decoded = PathRules.decode(name);
        if (PathRules.isAbsolute(decoded) || PathRules.escapes(decoded) || decoded.indexOf('\0') >= 0) {
            throw DomainException.InvalidInput.field(field, "must be a relative path inside the catalog, such as "
                    + "products/<product>/<workflow>.yaml");
        }
        if (!decoded.endsWith(".yaml") && !decoded.endsWith(".yml")) {
            throw DomainException.InvalidInput.field(field, "must end in .yaml or .yml");
        }
        String normalized = PathRules.normalized(decoded).toString().replace('\\', '/');
        String[] parts = normalized.split("/");
        String kind = null;
        String product = null;
        if (parts.length == 2 && parts[0].equals("platform")) {
            kind = WorkflowParser.PLATFORM_KIND;
        } else if (parts.length == 3 && parts[0].equals("products")) {
            kind = WorkflowParser.PRODUCT_KIND;
            product = parts[1];
        } else if (parts.length == 2 && parts[0].equals("policies")) {
            kind = WorkflowParser.POLICIES_KIND;
        }
        Path root = active().admin().workflowsRoot();
        Path parent = root.resolve(normalized).getParent();
        Path base = parent != null && Files.isDirectory(parent) && PathRules.staysInside(root, parent) ? parent : null;
        return new CandidatePlacement(normalized, kind, product, base);
    }

    public PageRequest.Page<StepTypeView> listStepTypes(PageRequest page) {
        ActiveCatalog active = active();
        List<StepTypeView> types = new ArrayList<>();
        StepTypes.BUILT_IN.forEach((type, description) -> types.add(new StepTypeView(type,
                active.policies().allowedStepTypes().permits(type), executors.has(type), description, "built-in")));
        for (StepTypeRegistration registration : active.admin().stepTypes().values()) {
            types.add(new StepTypeView(registration.type(), active.policies().allowedStepTypes().permits(registration.type()),
                    true, registration.description(), "admin-config"));
        }
        types.sort(java.util.Comparator.comparing(StepTypeView::type));
        return page.apply(types, 100, 500);
    }

    /**
     * The environments deployments may name: admin-config's {@code environments:} in file order or, without
     * it, the entries of {@code allowedEnvironments} and {@code requireApproval} by name.
     */
    public PageRequest.Page<EnvironmentView> listEnvironments(PageRequest page) {
        ActiveCatalog active = active();
        var policies = active.policies();
        java.util.Collection<io.innominatus.model.EnvironmentDefinition> definitions;
        if (!active.admin().environments().isEmpty()) {
            definitions = active.admin().environments().values();
        } else {
            // Literal names only: a pattern such as `dev-*` allows environments but names none.
            java.util.TreeSet<String> names = new java.util.TreeSet<>(policies.allowedEnvironments().entries());
            names.addAll(policies.requireApproval());
            names.removeIf(io.innominatus.model.AllowList::isPattern);
            definitions = names.stream().map(active.admin()::environment).toList();
        }
        List<EnvironmentView> views = definitions.stream().map(d -> new EnvironmentView(d,
                policies.allowedEnvironments().permits(d.name()), policies.requiresApproval(d.name()),
                unsetVariables(d.target()))).toList();
        return page.apply(views, 100, 500);
    }

    private static List<String> unsetVariables(io.innominatus.model.DeliveryTarget target) {
        List<String> credentials = new ArrayList<>();
        if (target instanceof io.innominatus.model.DeliveryTarget.Cluster c) {
            credentials.add(c.token());
        } else if (target instanceof io.innominatus.model.DeliveryTarget.GitOps g) {
            credentials.add(g.username());
            credentials.add(g.password());
        }
        return credentials.stream().filter(java.util.Objects::nonNull)
                .flatMap(c -> EnvironmentReferences.unset(c, System::getenv).stream())
                .distinct().toList();
    }

    public YamlLoader.Limits limits() {
        return holder.limits();
    }

    public ReloadResult reload(Caller caller) {
        CatalogHolder.ReloadOutcome outcome = holder.reload();
        audit.allowed(caller, "ReloadCatalog", "catalog/" + holder.active().digest(), outcome.activated()
                ? "activated" : "not activated: the new catalog has " + outcome.attempted().diagnostics().stream()
                .filter(io.innominatus.model.Diagnostic::isError).count() + " error(s)");
        return new ReloadResult(outcome.activated(), outcome.attempted().diagnostics(), CatalogSummary.of(holder.active()));
    }
}
