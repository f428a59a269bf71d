package io.innominatus.api.mapping;

import com.google.protobuf.Duration;
import io.innominatus.api.policy.v1.EffectivePolicies;
import io.innominatus.api.policy.v1.PolicySource;
import io.innominatus.api.policy.v1.SecretsAccess;
import io.innominatus.api.policy.v1.StepType;
import io.innominatus.api.policy.v1.WorkflowOverrides;
import io.innominatus.api.workflow.v1.Diagnostic;
import io.innominatus.api.workflow.v1.Phase;
import io.innominatus.api.workflow.v1.Product;
import io.innominatus.api.workflow.v1.Severity;
import io.innominatus.api.workflow.v1.Tier;
import io.innominatus.api.workflow.v1.Trigger;
import io.innominatus.api.workflow.v1.Workflow;
import io.innominatus.api.workflow.v1.WorkflowStep;
import io.innominatus.app.ActiveCatalog.WorkflowView;
import io.innominatus.app.CatalogService;
import io.innominatus.model.DomainException;
import io.innominatus.model.StepDefinition;
import io.innominatus.model.WorkflowDefinition;
import java.util.List;

/** Maps catalog, diagnostic and policy records to and from protobuf. */
public final class CatalogMapper {

    private CatalogMapper() {}

    public static Tier toProto(io.innominatus.model.Tier tier) {
        return switch (tier) {
            case PLATFORM -> Tier.TIER_PLATFORM;
            case PRODUCT -> Tier.TIER_PRODUCT;
            case APPLICATION -> Tier.TIER_APPLICATION;
        };
    }

    /** A tier filter; UNSPECIFIED means any. */
    public static io.innominatus.model.Tier tierFilter(Tier tier, String field) {
        return switch (tier) {
            case TIER_UNSPECIFIED -> null;
            case TIER_PLATFORM -> io.innominatus.model.Tier.PLATFORM;
            case TIER_PRODUCT -> io.innominatus.model.Tier.PRODUCT;
            case TIER_APPLICATION -> io.innominatus.model.Tier.APPLICATION;
            case UNRECOGNIZED -> throw DomainException.InvalidInput.field(field, "unknown tier value");
        };
    }

    public static Phase toProto(io.innominatus.model.Phase phase) {
        return switch (phase) {
            case PRE_DEPLOYMENT -> Phase.PHASE_PRE_DEPLOYMENT;
            case DEPLOYMENT -> Phase.PHASE_DEPLOYMENT;
            case POST_DEPLOYMENT -> Phase.PHASE_POST_DEPLOYMENT;
        };
    }

    /** A phase filter; UNSPECIFIED means any. */
    public static io.innominatus.model.Phase phaseFilter(Phase phase, String field) {
        return switch (phase) {
            case PHASE_UNSPECIFIED -> null;
            case PHASE_PRE_DEPLOYMENT -> io.innominatus.model.Phase.PRE_DEPLOYMENT;
            case PHASE_DEPLOYMENT -> io.innominatus.model.Phase.DEPLOYMENT;
            case PHASE_POST_DEPLOYMENT -> io.innominatus.model.Phase.POST_DEPLOYMENT;
            case UNRECOGNIZED -> throw DomainException.InvalidInput.field(field, "unknown phase value");
        };
    }

    public static Trigger toProto(io.innominatus.model.Trigger trigger) {
        return switch (trigger) {
            case ALL_DEPLOYMENTS -> Trigger.TRIGGER_ALL_DEPLOYMENTS;
            case PRODUCT_DEPLOYMENT -> Trigger.TRIGGER_PRODUCT_DEPLOYMENT;
            case FIRST_DEPLOYMENT -> Trigger.TRIGGER_FIRST_DEPLOYMENT;
            case MANUAL -> Trigger.TRIGGER_MANUAL;
        };
    }

    public static Diagnostic toProto(io.innominatus.model.Diagnostic d) {
        Severity severity = switch (d.severity()) {
            case ERROR -> Severity.SEVERITY_ERROR;
            case WARNING -> Severity.SEVERITY_WARNING;
            case NOTE -> Severity.SEVERITY_NOTE;
        };
        return Diagnostic.newBuilder()
                .setSeverity(severity)
                .setCode(d.code())
                .setMessage(d.message())
                .setFile(d.location().file())
                .setLine(d.location().line())
                .setColumn(d.location().column())
                .setFieldPath(d.fieldPath() == null ? "" : d.fieldPath())
                .build();
    }

    public static List<Diagnostic> diagnostics(List<io.innominatus.model.Diagnostic> diagnostics) {
        return diagnostics.stream().map(CatalogMapper::toProto).toList();
    }

    public static Workflow toProto(WorkflowView view, boolean withYaml) {
        WorkflowDefinition d = view.definition();
        Workflow.Builder builder = Workflow.newBuilder()
                .setWorkflowId(d.id())
                .setTier(toProto(d.tier()))
                .setName(d.name())
                .setProduct(d.product())
                .setPhase(toProto(d.phase()))
                .setOwner(d.owner())
                .setDescription(d.description())
                .addAllTriggers(d.triggers().stream().map(CatalogMapper::toProto).toList())
                .setSourceFile(d.sourceFile())
                .setAllowed(view.allowed())
                .addAllDisallowedReasons(view.disallowedReasons());
        for (StepDefinition step : d.steps()) {
            builder.addSteps(WorkflowStep.newBuilder()
                    .setName(step.name())
                    .setType(step.type())
                    .addAllDependsOn(step.dependsOn())
                    .setWhen(toProto(step.when()))
                    .setSourceLine(step.location() == null ? 0 : step.location().line()));
        }
        if (withYaml) {
            builder.setYaml(d.yaml());
        }
        return builder.build();
    }

    public static Product toProto(CatalogService.ProductView product) {
        return Product.newBuilder()
                .setName(product.name())
                .setWorkflowCount(product.workflowCount())
                .addAllOwners(product.owners())
                .setAllowedWorkflowCount(product.allowedWorkflowCount())
                .build();
    }

    public static StepType toProto(CatalogService.StepTypeView type) {
        return StepType.newBuilder()
                .setType(type.type())
                .setAllowed(type.allowed())
                .setRegistered(type.registered())
                .setDescription(type.description())
                .setSource(stepTypeSource(type.source()))
                .build();
    }

    public static io.innominatus.api.policy.v1.Environment toProto(CatalogService.EnvironmentView view) {
        var definition = view.definition();
        return io.innominatus.api.policy.v1.Environment.newBuilder()
                .setName(definition.name())
                .setTargetKind(PlanMapper.toProto(definition.target().kind()))
                .setTarget(definition.target().description())
                .setNamespacePattern(definition.namespacePattern())
                .setRequiresApproval(view.requiresApproval())
                .setAllowed(view.allowed())
                .addAllUnsetVariables(view.unsetVariables())
                .build();
    }

    public static EffectivePolicies toProto(io.innominatus.model.EffectivePolicies p) {
        EffectivePolicies.Builder builder = EffectivePolicies.newBuilder()
                .addAllRequiredPlatformWorkflows(p.requiredPlatformWorkflows())
                .addAllAllowedProductWorkflows(p.allowedProductWorkflows().inForce())
                .setWorkflowOverrides(WorkflowOverrides.newBuilder()
                        .setPlatform(p.platformOverrides())
                        .setProduct(p.productOverrides()))
                .setMaxConcurrentWorkflows(p.maxConcurrentWorkflows())
                .setMaxStepsPerWorkflow(p.maxStepsPerWorkflow())
                .addAllAllowedStepTypes(p.allowedStepTypes().inForce())
                .addAllAllowedEnvironments(p.allowedEnvironments().inForce())
                .addAllRequireApproval(p.requireApproval())
                .addAllAllowedExecutors(p.allowedExecutors().inForce())
                .setSecretsAccess(SecretsAccess.newBuilder()
                        .setVault(vaultAccess(p.vaultAccess()))
                        .setKubernetes(kubernetesAccess(p.kubernetesAccess())));
        if (p.maxWorkflowDuration() != null) {
            builder.setMaxWorkflowDuration(duration(p.maxWorkflowDuration()));
        }
        return builder.build();
    }

    public static List<PolicySource> sources(io.innominatus.model.EffectivePolicies p) {
        return p.sources().stream()
                .map(s -> PolicySource.newBuilder().setFile(s.file()).setKind(policySourceKind(s.kind())).setName(s.name()).build())
                .toList();
    }

    /** A step type's origin as the catalog names it ({@code built-in}, {@code admin-config}). */
    public static io.innominatus.api.policy.v1.StepTypeSource stepTypeSource(String source) {
        return switch (source) {
            case "built-in" -> io.innominatus.api.policy.v1.StepTypeSource.STEP_TYPE_SOURCE_BUILT_IN;
            case "admin-config" -> io.innominatus.api.policy.v1.StepTypeSource.STEP_TYPE_SOURCE_ADMIN_CONFIG;
            default -> io.innominatus.api.policy.v1.StepTypeSource.STEP_TYPE_SOURCE_UNSPECIFIED;
        };
    }

    /** The policy merger's source kinds ({@code AdminConfig}, {@code WorkflowPolicies}). */
    public static io.innominatus.api.policy.v1.PolicySourceKind policySourceKind(String kind) {
        return switch (kind) {
            case "AdminConfig" -> io.innominatus.api.policy.v1.PolicySourceKind.POLICY_SOURCE_KIND_ADMIN_CONFIG;
            case "WorkflowPolicies" -> io.innominatus.api.policy.v1.PolicySourceKind.POLICY_SOURCE_KIND_WORKFLOW_POLICIES;
            default -> io.innominatus.api.policy.v1.PolicySourceKind.POLICY_SOURCE_KIND_UNSPECIFIED;
        };
    }

    public static io.innominatus.api.policy.v1.VaultAccess vaultAccess(String access) {
        if (io.innominatus.model.EffectivePolicies.VAULT_READ_ONLY.equals(access)) {
            return io.innominatus.api.policy.v1.VaultAccess.VAULT_ACCESS_READ_ONLY;
        }
        if (io.innominatus.model.EffectivePolicies.VAULT_READ_WRITE.equals(access)) {
            return io.innominatus.api.policy.v1.VaultAccess.VAULT_ACCESS_READ_WRITE;
        }
        return io.innominatus.api.policy.v1.VaultAccess.VAULT_ACCESS_UNSPECIFIED;
    }

    public static io.innominatus.api.policy.v1.KubernetesAccess kubernetesAccess(String access) {
        if (io.innominatus.model.EffectivePolicies.KUBERNETES_NAMESPACE_SCOPED.equals(access)) {
            return io.innominatus.api.policy.v1.KubernetesAccess.KUBERNETES_ACCESS_NAMESPACE_SCOPED;
        }
        if (io.innominatus.model.EffectivePolicies.KUBERNETES_CLUSTER.equals(access)) {
            return io.innominatus.api.policy.v1.KubernetesAccess.KUBERNETES_ACCESS_CLUSTER;
        }
        return io.innominatus.api.policy.v1.KubernetesAccess.KUBERNETES_ACCESS_UNSPECIFIED;
    }

    public static Duration duration(java.time.Duration d) {
        return Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
    }

    public static io.innominatus.api.workflow.v1.StepWhen toProto(io.innominatus.model.When when) {
        return switch (when) {
            case ON_SUCCESS -> io.innominatus.api.workflow.v1.StepWhen.STEP_WHEN_ON_SUCCESS;
            case ON_FAILURE -> io.innominatus.api.workflow.v1.StepWhen.STEP_WHEN_ON_FAILURE;
            case ALWAYS -> io.innominatus.api.workflow.v1.StepWhen.STEP_WHEN_ALWAYS;
        };
    }
}
