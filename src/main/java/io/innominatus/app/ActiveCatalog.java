package io.innominatus.app;

import io.innominatus.catalog.Catalog;
import io.innominatus.model.AdminConfig;
import io.innominatus.model.EffectivePolicies;
import io.innominatus.model.RuleIds;
import io.innominatus.model.StepTypes;
import io.innominatus.model.Tier;
import io.innominatus.model.Violation;
import io.innominatus.model.WorkflowDefinition;
import io.innominatus.policy.PolicyEvaluator;
import io.innominatus.policy.PolicyMerger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A usable catalog with what is derived from it once: the effective policies, the known step types,
 * and whether each workflow may run.
 */
public final class ActiveCatalog {

    /** A catalog workflow with the policy verdict on it. */
    public record WorkflowView(WorkflowDefinition definition, boolean allowed, List<String> disallowedReasons) {}

    private final Catalog catalog;
    private final AdminConfig admin;
    private final EffectivePolicies policies;
    private final Set<String> knownStepTypes;
    /** Known step types whose steps start a program on the orchestrator host. */
    private final Set<String> hostProgramStepTypes;
    private final Map<String, WorkflowView> views;

    ActiveCatalog(Catalog catalog) {
        this.catalog = catalog;
        this.admin = catalog.admin().orElseThrow();
        this.policies = PolicyMerger.merge(admin.file(), admin.rules(), catalog.policyDocuments(), admin.environments());
        Set<String> known = new TreeSet<>(StepTypes.BUILT_IN.keySet());
        known.addAll(admin.stepTypes().keySet());
        this.knownStepTypes = Collections.unmodifiableSet(known);
        Set<String> programs = new TreeSet<>(StepTypes.HOST_PROGRAMS);
        admin.stepTypes().values().stream().filter(io.innominatus.model.StepTypeRegistration::isCommand)
                .forEach(t -> programs.add(t.type()));
        this.hostProgramStepTypes = Collections.unmodifiableSet(programs);
        Map<String, WorkflowView> byId = new LinkedHashMap<>();
        for (WorkflowDefinition workflow : catalog.workflows()) {
            byId.put(workflow.id(), view(workflow));
        }
        this.views = Collections.unmodifiableMap(byId);
    }

    /** The policy verdict on a workflow: allow-listed (for product workflows) and free of violations. */
    public WorkflowView view(WorkflowDefinition workflow) {
        List<String> reasons = new ArrayList<>();
        if (workflow.tier() == Tier.PRODUCT && !policies.productWorkflowAllowed(workflow.product(), workflow.name())) {
            reasons.add(RuleIds.PRODUCT_WORKFLOW_NOT_ALLOWED + ": "
                    + policies.productWorkflowNotAllowed(workflow.product(), workflow.name()));
        }
        List<Violation> violations = PolicyEvaluator.workflowViolations(workflow,
                workflow.diagnostics().stream().filter(d -> d.isError()).toList(), policies, knownStepTypes, hostProgramStepTypes);
        violations.forEach(v -> reasons.add(v.ruleId() + ": " + v.message()));
        return new WorkflowView(workflow, reasons.isEmpty(), reasons);
    }

    public Catalog catalog() {
        return catalog;
    }

    public AdminConfig admin() {
        return admin;
    }

    public EffectivePolicies policies() {
        return policies;
    }

    public Set<String> hostProgramStepTypes() {
        return hostProgramStepTypes;
    }

    public Set<String> knownStepTypes() {
        return knownStepTypes;
    }

    public List<WorkflowView> views() {
        return List.copyOf(views.values());
    }

    public java.util.Optional<WorkflowView> view(String workflowId) {
        return java.util.Optional.ofNullable(views.get(workflowId));
    }

    /** The team of a product: the owners its workflows name (principals or groups). */
    public java.util.SortedSet<String> owners(String product) {
        java.util.TreeSet<String> owners = new java.util.TreeSet<>();
        if (product != null && !product.isEmpty()) {
            catalog.productWorkflows(product).stream().map(WorkflowDefinition::owner).filter(o -> !o.isEmpty())
                    .forEach(owners::add);
        }
        return owners;
    }
}
