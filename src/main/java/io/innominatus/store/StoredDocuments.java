package io.innominatus.store;

import io.innominatus.model.DeploymentPlan;
import io.innominatus.model.EventPayload;
import io.innominatus.model.Exclusion;
import io.innominatus.model.ExecutionState;
import io.innominatus.model.Phase;
import io.innominatus.model.PlanContext;
import io.innominatus.model.PlannedPhase;
import io.innominatus.model.PlannedStep;
import io.innominatus.model.PlannedWorkflow;
import io.innominatus.model.Provisioner;
import io.innominatus.model.ReferenceSite;
import io.innominatus.model.RetryPolicy;
import io.innominatus.model.ScoreWorkload;
import io.innominatus.model.SourceLocation;
import io.innominatus.model.StepDefinition;
import io.innominatus.model.StepErrorKind;
import io.innominatus.model.StepState;
import io.innominatus.model.Tier;
import io.innominatus.model.Trigger;
import io.innominatus.model.Violation;
import io.innominatus.model.When;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The domain types {@link JsonCodec} writes into the store and reads back: plans, event payloads and
 * provisioners, with every record and enum they contain. Jackson reaches them by reflection, which a
 * native executable only allows for registered types; the domain model itself stays free of framework
 * annotations, so they are registered here. NativeImageReadinessTest keeps the list complete.
 */
@RegisterForReflection(targets = {
        io.innominatus.model.DeliveryTarget.Cluster.class,
        io.innominatus.model.DeliveryTarget.GitOps.class,
        io.innominatus.model.DeliveryTarget.ServiceCluster.class,
        DeploymentPlan.class,
        DeploymentPlan.ExecutionLimits.class,
        DeploymentPlan.Kind.class,
        EventPayload.ApprovalDecided.class,
        EventPayload.ApprovalRequested.class,
        EventPayload.PhaseFinished.class,
        EventPayload.PhaseStarted.class,
        EventPayload.StateChanged.class,
        EventPayload.StepFinished.class,
        EventPayload.StepLog.class,
        EventPayload.StepProgress.class,
        EventPayload.StepStarted.class,
        EventPayload.WorkflowFinished.class,
        EventPayload.WorkflowStarted.class,
        Exclusion.class,
        ExecutionState.class,
        Phase.class,
        PlanContext.class,
        PlannedPhase.class,
        PlannedStep.class,
        io.innominatus.model.StepExports.class,
        PlannedWorkflow.class,
        Provisioner.class,
        ReferenceSite.class,
        RetryPolicy.class,
        ScoreWorkload.ResourceRequest.class,
        SourceLocation.class,
        StepDefinition.class,
        StepErrorKind.class,
        StepState.class,
        Tier.class,
        Trigger.class,
        Violation.class,
        When.class
})
final class StoredDocuments {

    private StoredDocuments() {}

    /**
     * How a plan's delivery target is told apart when it is read back: the domain's sealed interface carries
     * no annotations, so the type names are given to Jackson here.
     */
    @com.fasterxml.jackson.annotation.JsonTypeInfo(use = com.fasterxml.jackson.annotation.JsonTypeInfo.Id.NAME,
            property = "target")
    @com.fasterxml.jackson.annotation.JsonSubTypes({
            @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = io.innominatus.model.DeliveryTarget.ServiceCluster.class,
                    name = "service"),
            @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = io.innominatus.model.DeliveryTarget.Cluster.class,
                    name = "kubernetes"),
            @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = io.innominatus.model.DeliveryTarget.GitOps.class,
                    name = "gitops")})
    abstract static class DeliveryTargetMixin {}
}
