package io.innominatus.policy;

import io.innominatus.model.DeploymentPlan;
import io.innominatus.model.Diagnostic;
import io.innominatus.model.EffectivePolicies;
import io.innominatus.model.Exclusion;
import io.innominatus.model.Phase;
import io.innominatus.model.PolicyDecision;
import io.innominatus.model.Provisioner;
import io.innominatus.model.ResolvedDeployment;
import io.innominatus.model.ResolvedWorkflow;
import io.innominatus.model.RuleIds;
import io.innominatus.model.StepDefinition;
import io.innominatus.model.StepTypes;
import io.innominatus.model.Tier;
import io.innominatus.model.Violation;
import io.innominatus.model.WorkflowDefinition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Evaluates the effective policies against resolved deployments and single workflows. */
public final class PolicyEvaluator {

    /** Plan-time problems of the application's resources, each reported under its own rule id. */
    private static final Set<String> RESOURCE_RULES = Set.of(RuleIds.RESOURCE_TYPE_UNKNOWN, RuleIds.RESOURCE_TYPE_NOT_ALLOWED,
            RuleIds.RESOURCE_CYCLE);

    private PolicyEvaluator() {}

    /**
     * Decides what of a resolved deployment may run.
     *
     * @param knownStepTypes built-in types and those registered in admin-config
     */
    public static PolicyDecision evaluate(ResolvedDeployment resolved, EffectivePolicies policies, Set<String> knownStepTypes) {
        return evaluate(resolved, policies, knownStepTypes, StepTypes.HOST_PROGRAMS);
    }

    /**
     * @param hostPrograms the known step types whose steps start a program on the orchestrator host: the application
     *     tier may use them only where {@code allowedStepTypes.application} names them
     */
    public static PolicyDecision evaluate(ResolvedDeployment resolved, EffectivePolicies policies, Set<String> knownStepTypes,
            Set<String> hostPrograms) {
        List<Violation> violations = new ArrayList<>();
        List<Exclusion> excluded = new ArrayList<>();
        Set<String> excludedIds = new HashSet<>();
        String environment = resolved.context().environment();

        if (!policies.allowedEnvironments().permits(environment)) {
            violations.add(new Violation(RuleIds.ENVIRONMENT_NOT_ALLOWED, "environment '" + environment
                    + "' is not allowed; allowed environments: " + (policies.allowedEnvironments().entries().isEmpty()
                    ? "none (the policy sources' lists have no entry in common)"
                    : String.join(", ", policies.allowedEnvironments().entries())),
                    "", "", true, ""));
        }
        for (ResolvedWorkflow workflow : resolved.workflows()) {
            WorkflowDefinition d = workflow.definition();
            if (d.tier() == Tier.PRODUCT && !policies.productWorkflowAllowed(d.product(), d.name())) {
                excluded.add(new Exclusion(d.id(), RuleIds.PRODUCT_WORKFLOW_NOT_ALLOWED,
                        policies.productWorkflowNotAllowed(d.product(), d.name()) + "; it does not run"));
                excludedIds.add(d.id());
            }
        }
        applyOverrides(resolved.workflows(), policies, excluded, excludedIds, violations);
        for (ResolvedWorkflow workflow : resolved.workflows()) {
            if (!excludedIds.contains(workflow.id())) {
                violations.addAll(workflowViolations(workflow.definition(), workflow.errors(), policies, knownStepTypes,
                        hostPrograms));
            }
        }
        // A workflow provisioner's steps run inside the application workflow's provision step, so the
        // step-type rules must reach them too, or a product could smuggle a disallowed type in.
        String applicationWorkflow = resolved.workflows().stream()
                .filter(w -> w.definition().tier() == Tier.APPLICATION && w.definition().steps().stream()
                        .anyMatch(step -> StepTypes.RESOURCE_PROVISIONING.equals(step.type())))
                .map(ResolvedWorkflow::id).findFirst().orElse("");
        for (Map.Entry<String, Provisioner> entry : resolved.context().provisioners().entrySet()) {
            Provisioner provisioner = entry.getValue();
            String owner = " of the provisioner of resource '" + entry.getKey() + "' (" + provisioner.source() + ")";
            // Provisioners are the platform's and the products' (a Score file only names a resource type).
            violations.addAll(stepTypeViolations(provisioner.steps(), owner, applicationWorkflow, null, policies,
                    knownStepTypes, hostPrograms));
            violations.addAll(stepTypeViolations(provisioner.deleteSteps(), owner, applicationWorkflow, null, policies,
                    knownStepTypes, hostPrograms));
        }
        if (resolved.kind() == DeploymentPlan.Kind.DEPLOYMENT) {
            Set<String> platformInPlan = new HashSet<>();
            resolved.workflows().stream()
                    .filter(w -> w.definition().tier() == Tier.PLATFORM && !excludedIds.contains(w.id()))
                    .forEach(w -> platformInPlan.add(w.definition().name()));
            for (String required : policies.requiredPlatformWorkflows()) {
                if (!platformInPlan.contains(required)) {
                    violations.add(new Violation(RuleIds.REQUIRED_PLATFORM_WORKFLOW_MISSING, "required platform workflow '"
                            + required + "' is not part of this deployment (missing from the catalog or not triggered)",
                            "platform/" + required, "", true, ""));
                }
            }
        }
        return new PolicyDecision(violations, excluded, policies.requiresApproval(environment));
    }

    /**
     * The violations that make a workflow unusable: definition errors, unknown or disallowed step
     * types, and too many steps.
     */
    public static List<Violation> workflowViolations(WorkflowDefinition workflow, List<Diagnostic> errors,
            EffectivePolicies policies, Set<String> knownStepTypes) {
        return workflowViolations(workflow, errors, policies, knownStepTypes, StepTypes.HOST_PROGRAMS);
    }

    public static List<Violation> workflowViolations(WorkflowDefinition workflow, List<Diagnostic> errors,
            EffectivePolicies policies, Set<String> knownStepTypes, Set<String> hostPrograms) {
        List<Violation> violations = new ArrayList<>();
        String id = workflow.id();
        for (Diagnostic error : errors) {
            if (RESOURCE_RULES.contains(error.code())) {
                violations.add(new Violation(error.code(), error.message(), id, "", true, error.location().toString()));
            }
        }
        List<Diagnostic> definitionErrors = errors.stream().filter(e -> !RESOURCE_RULES.contains(e.code())).toList();
        if (!definitionErrors.isEmpty()) {
            Diagnostic first = definitionErrors.get(0);
            violations.add(new Violation(RuleIds.INVALID_WORKFLOW, "workflow '" + id + "' has " + definitionErrors.size()
                    + " definition error(s); first: " + first.code() + ": " + first.message(), id, "", true,
                    first.location().toString()));
        }
        violations.addAll(stepTypeViolations(workflow.steps(), "", id, workflow.tier(), policies, knownStepTypes, hostPrograms));
        if (policies.maxStepsPerWorkflow() > 0 && workflow.steps().size() > policies.maxStepsPerWorkflow()) {
            violations.add(new Violation(RuleIds.TOO_MANY_STEPS, "workflow '" + id + "' has " + workflow.steps().size()
                    + " steps; maxStepsPerWorkflow is " + policies.maxStepsPerWorkflow(), id, "", true,
                    workflow.location() == null ? "" : workflow.location().toString()));
        }
        return violations;
    }

    /**
     * Unknown or disallowed step types among {@code steps}; {@code owner} names where the steps come
     * from when that is not a workflow of the plan (a resource's provisioner), else it is empty.
     */
    private static List<Violation> stepTypeViolations(List<StepDefinition> steps, String owner, String workflowId,
            Tier tier, EffectivePolicies policies, Set<String> knownStepTypes, Set<String> hostPrograms) {
        List<Violation> violations = new ArrayList<>();
        for (StepDefinition step : steps) {
            if (step.type().isEmpty()) {
                continue;
            }
            String location = step.location() == null ? "" : step.location().toString();
            String subject = "step '" + step.name() + "'" + owner + " has type '" + step.type() + "', which ";
            if (!knownStepTypes.contains(step.type())) {
                violations.add(new Violation(RuleIds.STEP_TYPE_UNKNOWN, subject
                        + "is neither built in nor registered in admin-config stepTypes", workflowId, step.name(), true, location));
            } else if (tier == Tier.APPLICATION && hostPrograms.contains(step.type())
                    && !policies.applicationMayStartPrograms(step.type())) {
                violations.add(new Violation(RuleIds.STEP_TYPE_NOT_ALLOWED, subject + "starts a program on the orchestrator "
                        + "host; the application tier may use it only where admin-config workflowPolicies.allowedStepTypes"
                        + ".application lists it", workflowId, step.name(), true, location));
            } else if (!policies.stepTypes(tier).permits(step.type())) {
                violations.add(new Violation(RuleIds.STEP_TYPE_NOT_ALLOWED, subject + "allowedStepTypes does not permit"
                        + (tier == null ? "" : " in the " + tier.label() + " tier"), workflowId, step.name(), true, location));
            }
        }
        return violations;
    }

    /**
     * Where workflows of the same name and phase come from several tiers, the highest tier replaces
     * the lower ones if {@code workflowOverrides} lets it; otherwise the deployment has a conflict.
     */
    private static void applyOverrides(List<ResolvedWorkflow> workflows, EffectivePolicies policies, List<Exclusion> excluded,
            Set<String> excludedIds, List<Violation> violations) {
        Map<String, List<ResolvedWorkflow>> groups = new LinkedHashMap<>();
        for (ResolvedWorkflow workflow : workflows) {
            if (!excludedIds.contains(workflow.id())) {
                Phase phase = workflow.planned().phase();
                groups.computeIfAbsent(phase.name() + "/" + workflow.definition().name(), k -> new ArrayList<>()).add(workflow);
            }
        }
        for (List<ResolvedWorkflow> group : groups.values()) {
            if (group.size() < 2) {
                continue;
            }
            ResolvedWorkflow winner = group.stream().min(java.util.Comparator.comparing(w -> w.definition().tier())).orElseThrow();
            Tier top = winner.definition().tier();
            for (ResolvedWorkflow other : group) {
                if (other == winner || other.definition().tier() == top) {
                    continue;
                }
                boolean mayOverride = top == Tier.PLATFORM ? policies.platformOverrides() : policies.productOverrides();
                if (mayOverride) {
                    excluded.add(new Exclusion(other.id(), RuleIds.WORKFLOW_OVERRIDDEN, "replaced by '" + winner.id()
                            + "' (same name and phase in a higher tier)"));
                    excludedIds.add(other.id());
                } else {
                    violations.add(new Violation(RuleIds.WORKFLOW_OVERRIDE_CONFLICT, "'" + winner.id() + "' and '"
                            + other.id() + "' have the same name and phase, and workflowOverrides does not let the "
                            + top.label() + " tier override the " + other.definition().tier().label() + " tier",
                            other.id(), "", true, other.definition().location() == null ? ""
                                    : other.definition().location().toString()));
                }
            }
        }
    }
}
