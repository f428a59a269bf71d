package io.innominatus.model;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds the final plan from a resolution and a policy decision, and computes its digest. */
public final class PlanAssembly {

    private PlanAssembly() {}

    public static DeploymentPlan assemble(ResolvedDeployment resolved, PolicyDecision decision, String catalogDigest,
            DeploymentPlan.ExecutionLimits limits) {
        Set<String> excluded = decision.excludedIds();
        Map<Phase, List<PlannedWorkflow>> byPhase = new EnumMap<>(Phase.class);
        for (ResolvedWorkflow workflow : resolved.workflows()) {
            if (!excluded.contains(workflow.id())) {
                byPhase.computeIfAbsent(workflow.planned().phase(), p -> new ArrayList<>()).add(workflow.planned());
            }
        }
        List<PlannedPhase> phases = new ArrayList<>();
        byPhase.forEach((phase, workflows) -> phases.add(new PlannedPhase(phase, workflows)));
        DeploymentPlan draft = new DeploymentPlan(resolved.kind(), resolved.context(), phases, decision.excluded(),
                decision.violations(), decision.requiresApproval(), "", decision.allowed(), catalogDigest, limits);
        return new DeploymentPlan(draft.kind(), draft.context(), draft.phases(), draft.excluded(), draft.violations(),
                draft.requiresApproval(), digest(draft), draft.allowed(), catalogDigest, limits);
    }

    /**
     * SHA-256 over the canonical form of everything that decides what the plan does. Source
     * positions and the catalog digest are left out: moving a comment in a workflow file, or reloading
     * an unrelated workflow, does not invalidate an approval.
     */
    public static String digest(DeploymentPlan plan) {
        Map<String, Object> canonical = new LinkedHashMap<>();
        canonical.put("kind", plan.kind().name());
        PlanContext context = plan.context();
        canonical.put("application", context.application());
        canonical.put("product", context.product());
        canonical.put("environment", context.environment());
        canonical.put("metadata", context.metadata());
        canonical.put("admin", context.admin());
        canonical.put("score", context.scoreDigest());
        // Where the objects go is part of what an approver approves.
        canonical.put("namespace", context.namespace());
        canonical.put("target", List.of(context.target().kind().name(), context.target().description()));
        List<Object> phases = new ArrayList<>();
        for (PlannedPhase phase : plan.phases()) {
            List<Object> workflows = new ArrayList<>();
            for (PlannedWorkflow workflow : phase.workflows()) {
                Map<String, Object> w = new LinkedHashMap<>();
                w.put("id", workflow.workflowId());
                w.put("variables", workflow.variables());
                w.put("steps", workflow.steps().stream().map(PlanAssembly::canonicalStep).toList());
                workflows.add(w);
            }
            phases.add(Map.of("phase", phase.phase().yamlName(), "workflows", workflows));
        }
        canonical.put("phases", phases);
        canonical.put("excluded", plan.excluded().stream()
                .map(e -> List.of(e.workflowId(), e.ruleId())).toList());
        canonical.put("violations", plan.violations().stream()
                .map(v -> List.of(v.ruleId(), v.workflowId(), v.step(), v.blocking())).toList());
        canonical.put("requiresApproval", plan.requiresApproval());
        DeploymentPlan.ExecutionLimits limits = plan.limits();
        canonical.put("limits", java.util.Arrays.asList(
                limits.maxWorkflowDuration() == null ? null : limits.maxWorkflowDuration().toString(),
                limits.vaultAccess(), limits.kubernetesAccess()));
        return CanonicalJson.sha256(canonical);
    }

    private static Map<String, Object> canonicalStep(PlannedStep step) {
        StepDefinition d = step.definition();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", d.name());
        s.put("type", d.type());
        s.put("config", d.config());
        s.put("namespace", d.namespace());
        s.put("path", d.path());
        s.put("dependsOn", step.dependsOn());
        s.put("if", d.ifCondition());
        s.put("unless", d.unlessCondition());
        s.put("when", d.when().yamlName());
        s.put("timeout", d.timeout() == null ? null : d.timeout().toString());
        s.put("retry", List.of(d.retry().attempts(), d.retry().backoff().toString()));
        s.put("continueOnError", d.continueOnError());
        s.put("outputs", d.outputs());
        return s;
    }
}
