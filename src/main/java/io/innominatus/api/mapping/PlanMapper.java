package io.innominatus.api.mapping;

import io.innominatus.api.workflow.v1.DeploymentPlan;
import io.innominatus.api.workflow.v1.ExcludedWorkflow;
import io.innominatus.api.workflow.v1.PlannedPhase;
import io.innominatus.api.workflow.v1.PlannedStep;
import io.innominatus.api.workflow.v1.PlannedWorkflow;
import io.innominatus.api.workflow.v1.Violation;
import io.innominatus.model.Exclusion;

/** Maps plans, violations and exclusions to protobuf. */
public final class PlanMapper {

    private PlanMapper() {}

    public static DeploymentPlan toProto(io.innominatus.model.DeploymentPlan plan) {
        DeploymentPlan.Builder builder = DeploymentPlan.newBuilder()
                .setApplication(plan.application())
                .setProduct(plan.product())
                .setEnvironment(plan.environment())
                .setRequiresApproval(plan.requiresApproval())
                .setPlanDigest(plan.planDigest())
                .setAllowed(plan.allowed())
                .setCatalogDigest(plan.catalogDigest() == null ? "" : plan.catalogDigest())
                .setNamespace(plan.context().namespace())
                .setTarget(toProto(plan.context().target()));
        for (io.innominatus.model.PlannedPhase phase : plan.phases()) {
            PlannedPhase.Builder p = PlannedPhase.newBuilder().setPhase(CatalogMapper.toProto(phase.phase()));
            for (io.innominatus.model.PlannedWorkflow workflow : phase.workflows()) {
                p.addWorkflows(toProto(workflow));
            }
            builder.addPhases(p);
        }
        plan.excluded().forEach(e -> builder.addExcluded(toProto(e)));
        plan.violations().forEach(v -> builder.addViolations(toProto(v)));
        return builder.build();
    }

    public static io.innominatus.api.workflow.v1.DeliveryTarget toProto(io.innominatus.model.DeliveryTarget target) {
        return io.innominatus.api.workflow.v1.DeliveryTarget.newBuilder()
                .setKind(toProto(target.kind()))
                .setDescription(target.description())
                .build();
    }

    public static io.innominatus.api.workflow.v1.TargetKind toProto(io.innominatus.model.TargetKind kind) {
        return switch (kind) {
            case KUBERNETES -> io.innominatus.api.workflow.v1.TargetKind.TARGET_KIND_KUBERNETES;
            case GITOPS -> io.innominatus.api.workflow.v1.TargetKind.TARGET_KIND_GITOPS;
        };
    }

    public static PlannedWorkflow toProto(io.innominatus.model.PlannedWorkflow workflow) {
        PlannedWorkflow.Builder w = PlannedWorkflow.newBuilder()
                .setWorkflowId(workflow.workflowId())
                .setTier(CatalogMapper.toProto(workflow.tier()))
                .setName(workflow.name())
                .addAllTriggeredBy(workflow.triggeredBy().stream().map(CatalogMapper::toProto).toList())
                .setParallel(workflow.parallel());
        for (io.innominatus.model.PlannedStep step : workflow.steps()) {
            w.addSteps(PlannedStep.newBuilder()
                    .setName(step.name())
                    .setType(step.type())
                    .addAllDependsOn(step.dependsOn())
                    .setSourceFile(step.sourceFile() == null ? "" : step.sourceFile())
                    .setSourceLine(step.definition().location() == null ? 0 : step.definition().location().line())
                    .setWhen(CatalogMapper.toProto(step.definition().when())));
        }
        return w.build();
    }

    public static Violation toProto(io.innominatus.model.Violation v) {
        return Violation.newBuilder()
                .setRuleId(v.ruleId())
                .setMessage(v.message())
                .setWorkflowId(v.workflowId())
                .setStep(v.step())
                .setBlocking(v.blocking())
                .setLocation(v.location())
                .build();
    }

    public static ExcludedWorkflow toProto(Exclusion e) {
        return ExcludedWorkflow.newBuilder()
                .setWorkflowId(e.workflowId())
                .setRuleId(e.ruleId())
                .setMessage(e.message())
                .build();
    }
}
