package io.innominatus.resolve;

import io.innominatus.model.DeliveryTarget;
import io.innominatus.model.DeploymentPlan;
import io.innominatus.model.Diagnostic;
import io.innominatus.model.EnvironmentDefinition;
import io.innominatus.model.PlanContext;
import io.innominatus.model.PlannedStep;
import io.innominatus.model.PlannedWorkflow;
import io.innominatus.model.Provisioner;
import io.innominatus.model.ReferenceSite;
import io.innominatus.model.ResolvedDeployment;
import io.innominatus.model.ResolvedWorkflow;
import io.innominatus.model.ScoreWorkload;
import io.innominatus.model.StepDefinition;
import io.innominatus.model.StepExports;
import io.innominatus.model.Tier;
import io.innominatus.model.Trigger;
import io.innominatus.model.VariableRef;
import io.innominatus.model.WorkflowDefinition;
import io.innominatus.parse.StepGraph;
import io.innominatus.parse.Suggestions;
import io.innominatus.support.EnvironmentReferences;
import io.innominatus.support.PlainValues;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** Resolves what a deployment (or a single workflow run) executes, before policy. */
public final class Resolver {

    /**
     * What a deployment is resolved against.
     *
     * @param platformWorkflows every platform workflow of the catalog
     * @param productWorkflows the workflows of the application's product directory (empty when the
     *     application has no product or the product has no directory)
     * @param admin admin-config's {@code admin:} block
     * @param provisioners resource provisioners defined in the catalog, in matching order
     * @param deployedBefore whether the application already had a successful deployment to the environment
     * @param delivery how the environment is delivered (its target and namespace pattern)
     */
    public record DeploymentRequest(
            ScoreWorkload workload,
            String environment,
            List<WorkflowDefinition> platformWorkflows,
            List<WorkflowDefinition> productWorkflows,
            Map<String, Object> admin,
            List<Provisioner> provisioners,
            boolean deployedBefore,
            EnvironmentDefinition delivery) {

        public DeploymentRequest {
            delivery = delivery == null ? EnvironmentDefinition.implicit(environment) : delivery;
        }

        /** A request for an environment that admin-config does not describe. */
        public DeploymentRequest(ScoreWorkload workload, String environment, List<WorkflowDefinition> platformWorkflows,
                List<WorkflowDefinition> productWorkflows, Map<String, Object> admin, List<Provisioner> provisioners,
                boolean deployedBefore) {
            this(workload, environment, platformWorkflows, productWorkflows, admin, provisioners, deployedBefore, null);
        }
    }

    private static final Comparator<ResolvedWorkflow> EXECUTION_ORDER = Comparator
            .comparing((ResolvedWorkflow w) -> w.planned().phase())
            .thenComparing(w -> w.planned().tier())
            .thenComparing(w -> w.planned().name());

    private Resolver() {}

    public static ResolvedDeployment resolveDeployment(DeploymentRequest request) {
        ScoreWorkload workload = request.workload();
        String product = workload.product();
        ResourceResolution.Result resources = ResourceResolution.resolve(workload, request.provisioners());
        WorkflowDefinition generated = ApplicationWorkflow.generate(workload, resources.order());
        List<ResolvedWorkflow> resolved = new ArrayList<>();
        Stream.of(request.platformWorkflows().stream(),
                        product.isEmpty() ? Stream.<WorkflowDefinition>empty()
                                : request.productWorkflows().stream().filter(w -> w.product().equals(product)),
                        Stream.of(generated),
                        workload.workflows().stream())
                .flatMap(s -> s)
                .forEach(workflow -> {
                    List<Trigger> matched = matchingTriggers(workflow, product, request.deployedBefore());
                    if (!matched.isEmpty()) {
                        ResolvedWorkflow r = resolve(workflow, matched, workload, request.admin());
                        if (workflow == generated) {
                            List<Diagnostic> problems = new ArrayList<>(r.problems());
                            problems.addAll(resources.problems());
                            r = new ResolvedWorkflow(r.definition(), r.planned(), problems);
                        }
                        resolved.add(r);
                    }
                });
        resolved.sort(EXECUTION_ORDER);
        return new ResolvedDeployment(DeploymentPlan.Kind.DEPLOYMENT, context(workload, request.delivery(), request.admin(),
                resources.provisioners()), resolved);
    }

    /** Resolves one workflow run explicitly, whatever its triggers. */
    public static ResolvedDeployment resolveSingle(WorkflowDefinition workflow, ScoreWorkload workload, String environment,
            Map<String, Object> admin) {
        return resolveSingle(workflow, workload, EnvironmentDefinition.implicit(environment), admin);
    }

    public static ResolvedDeployment resolveSingle(WorkflowDefinition workflow, ScoreWorkload workload,
            EnvironmentDefinition environment, Map<String, Object> admin) {
        ResolvedWorkflow resolved = resolve(workflow, List.of(), workload, admin);
        return new ResolvedDeployment(DeploymentPlan.Kind.WORKFLOW, context(workload, environment, admin, Map.of()),
                List.of(resolved));
    }

    /** Resolves the removal of an application: its generated undeployment workflow only. */
    public static ResolvedDeployment resolveUndeployment(ScoreWorkload workload, List<String> resources,
            EnvironmentDefinition environment, Map<String, Object> admin) {
        ResolvedWorkflow resolved = resolve(ApplicationWorkflow.undeployment(workload, resources), List.of(Trigger.MANUAL),
                workload, admin);
        return new ResolvedDeployment(DeploymentPlan.Kind.UNDEPLOYMENT, context(workload, environment, admin, Map.of()),
                List.of(resolved));
    }

    /**
     * The triggers of {@code workflow} that fire for this deployment. {@code product_deployment} fires
     * for an application of the workflow's product; on a platform or application workflow it fires for
     * any application that belongs to a product.
     */
    static List<Trigger> matchingTriggers(WorkflowDefinition workflow, String appProduct, boolean deployedBefore) {
        List<Trigger> matched = new ArrayList<>();
        for (Trigger trigger : workflow.triggers()) {
            boolean fires = switch (trigger) {
                case ALL_DEPLOYMENTS -> true;
                case PRODUCT_DEPLOYMENT -> workflow.tier() == Tier.PRODUCT
                        ? !appProduct.isEmpty() && appProduct.equals(workflow.product())
                        : !appProduct.isEmpty();
                case FIRST_DEPLOYMENT -> !deployedBefore;
                case MANUAL -> false;
            };
            if (fires) {
                matched.add(trigger);
            }
        }
        return matched;
    }

    private static ResolvedWorkflow resolve(WorkflowDefinition workflow, List<Trigger> triggeredBy, ScoreWorkload workload,
            Map<String, Object> admin) {
        List<StepDefinition> ordered = workflow.parallel() ? StepGraph.topologicalOrder(workflow.steps()) : workflow.steps();
        List<PlannedStep> steps = ordered.stream()
                .map(s -> new PlannedStep(s, s.dependsOn(), s.location() == null ? workflow.sourceFile() : s.location().file(),
                        StepExports.of(s.type(), s.name())))
                .toList();
        PlannedWorkflow planned = new PlannedWorkflow(workflow.id(), workflow.tier(), workflow.name(), workflow.product(),
                workflow.phase(), triggeredBy, workflow.parallel(), workflow.variables(), workflow.baseDirectory(),
                workflow.sourceFile(), steps);
        return new ResolvedWorkflow(workflow, planned, planTimeProblems(workflow, workload, admin));
    }

    /** References that depend on the application: Score metadata, Score resources, admin values. */
    static List<Diagnostic> planTimeProblems(WorkflowDefinition workflow, ScoreWorkload workload, Map<String, Object> admin) {
        List<Diagnostic> problems = new ArrayList<>();
        List<ReferenceSite> sites = new ArrayList<>(workflow.variableReferences());
        workflow.steps().forEach(s -> sites.addAll(s.references()));
        for (ReferenceSite site : sites) {
            VariableRef ref;
            try {
                ref = VariableRef.parse(site.expression());
            } catch (IllegalArgumentException e) {
                continue;
            }
            String problem = null;
            if (ref instanceof VariableRef.Metadata m && PlainValues.lookup(workload.metadata(), m.path()).isEmpty()) {
                problem = "${" + site.expression() + "}: application '" + workload.name() + "' has no metadata."
                        + String.join(".", m.path()) + Suggestions.hint(m.path().get(0), workload.metadata().keySet());
            } else if (ref instanceof VariableRef.ResourceOutput r && !workload.resources().containsKey(r.resource())) {
                problem = "${" + site.expression() + "}: application '" + workload.name() + "' declares no resource '"
                        + r.resource() + "'" + Suggestions.hint(r.resource(), workload.resources().keySet());
            } else if (ref instanceof VariableRef.Admin a) {
                Optional<Object> value = PlainValues.lookup(admin, a.path());
                if (value.isEmpty()) {
                    problem = "${" + site.expression() + "}: admin-config has no admin." + String.join(".", a.path());
                } else if (workflow.tier() == Tier.APPLICATION && holdsEnvironmentReference(value.get())) {
                    // Values from the server's environment are the platform's credentials; a workflow written by
                    // application developers (embedded in a Score file) never receives them.
                    problems.add(Diagnostic.error("SECRET_NOT_ALLOWED", "${" + site.expression() + "} takes its value from "
                            + "an environment variable of the innominatus process (a platform secret); the application tier "
                            + "may not read such values", site.location(), site.fieldPath()));
                } else {
                    // The value comes from the server's environment: a missing variable blocks now, not mid-run.
                    List<String> unset = unsetVariables(value.get());
                    if (!unset.isEmpty()) {
                        problems.add(Diagnostic.error("ENVIRONMENT_VARIABLE_UNSET", "${" + site.expression()
                                + "} takes its value from environment variable " + String.join(", ", unset)
                                + ", which is not set where innominatus runs", site.location(), site.fieldPath()));
                    }
                }
            }
            if (problem != null) {
                problems.add(Diagnostic.error("UNKNOWN_VARIABLE", problem, site.location(), site.fieldPath()));
            }
        }
        return problems;
    }

    private static boolean holdsEnvironmentReference(Object value) {
        if (value instanceof String text) {
            return EnvironmentReferences.contains(text);
        }
        if (value instanceof Map<?, ?> map) {
            return map.values().stream().anyMatch(Resolver::holdsEnvironmentReference);
        }
        return value instanceof List<?> list && list.stream().anyMatch(Resolver::holdsEnvironmentReference);
    }

    private static List<String> unsetVariables(Object value) {
        if (value instanceof String text) {
            return EnvironmentReferences.unset(text, System::getenv);
        }
        if (value instanceof Map<?, ?> map) {
            return map.values().stream().flatMap(v -> unsetVariables(v).stream()).distinct().toList();
        }
        if (value instanceof List<?> list) {
            return list.stream().flatMap(v -> unsetVariables(v).stream()).distinct().toList();
        }
        return List.of();
    }

    private static PlanContext context(ScoreWorkload workload, EnvironmentDefinition environment, Map<String, Object> admin,
            Map<String, Provisioner> provisioners) {
        String namespace = DeliveryPlacement.namespace(environment, workload);
        DeliveryTarget target = DeliveryPlacement.target(environment, workload);
        return new PlanContext(workload.name(), workload.product(), environment.name(), workload.metadata(), admin,
                workload.resources(), provisioners, workload.document(), workload.digest(), namespace, target);
    }
}
