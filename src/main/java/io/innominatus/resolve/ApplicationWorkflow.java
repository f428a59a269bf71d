package io.innominatus.resolve;

import io.innominatus.model.Phase;
import io.innominatus.model.ScoreWorkload;
import io.innominatus.model.SourceLocation;
import io.innominatus.model.StepDefinition;
import io.innominatus.model.StepTypes;
import io.innominatus.model.Tier;
import io.innominatus.model.Trigger;
import io.innominatus.model.When;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The application workflow generated from a Score file: one {@code provision-<resource>} step per
 * resource, then {@code deploy-application} into the application's namespace of the environment (its
 * namespace pattern, default {@code <application>-<environment>}).
 */
public final class ApplicationWorkflow {

    /** Name of the generated workflow. */
    public static final String NAME = "app-deployment";
    public static final String DEPLOY_STEP = "deploy-application";
    public static final String PROVISION_PREFIX = io.innominatus.model.StepExports.PROVISION_PREFIX;
    /** Name of the workflow that removes an application (Undeploy). */
    public static final String UNDEPLOY_NAME = "app-undeployment";
    public static final String REMOVE_STEP = "remove-application";
    public static final String DEPROVISION_PREFIX = "deprovision-";
    public static final String REMOVE_NAMESPACE_STEP = "remove-namespace";

    private ApplicationWorkflow() {}

    public static String id(String application) {
        return "applications/" + application + "/" + NAME;
    }

    /** @param order resource names in provisioning order (each after the resources its parameters use) */
    public static io.innominatus.model.WorkflowDefinition generate(ScoreWorkload workload, List<String> order) {
        String file = workload.fileName();
        List<StepDefinition> steps = new ArrayList<>();
        for (String name : order) {
            ScoreWorkload.ResourceRequest resource = workload.resources().get(name);
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("resource", resource.name());
            config.put("type", resource.type());
            if (resource.resourceClass() != null) {
                config.put("class", resource.resourceClass());
            }
            if (resource.id() != null) {
                config.put("id", resource.id());
            }
            if (!resource.params().isEmpty()) {
                config.put("params", resource.params());
            }
            SourceLocation location = resource.location() != null ? resource.location() : new SourceLocation(file, 1, 1);
            steps.add(new StepDefinition(PROVISION_PREFIX + resource.name(), StepTypes.RESOURCE_PROVISIONING, config, null, null,
                    List.of(), null, null, When.ON_SUCCESS, null, null, false, List.of(), location, List.of()));
        }
        Map<String, Object> deployConfig = new LinkedHashMap<>();
        deployConfig.put("workload", workload.name());
        steps.add(new StepDefinition(DEPLOY_STEP, "kubernetes", deployConfig, null, null, List.of(), null, null,
                When.ON_SUCCESS, null, null, false, List.of(), new SourceLocation(file, 1, 1), List.of()));
        return new io.innominatus.model.WorkflowDefinition(Tier.APPLICATION, NAME, workload.product(), workload.name(),
                "Generated from the Score file: provisions its resources and deploys its workload", "", Phase.DEPLOYMENT,
                List.of(Trigger.ALL_DEPLOYMENTS), steps, Map.of(), List.of(), new SourceLocation(file, 1, 1), file, null,
                "", List.of());
    }

    /**
     * The workflow that removes an application: its workload objects first (so nothing uses the resources
     * any more), then each recorded resource, then the namespace created for it.
     *
     * @param resources names of the resources recorded for the application in the environment
     */
    public static io.innominatus.model.WorkflowDefinition undeployment(ScoreWorkload workload, List<String> resources) {
        String file = workload.fileName();
        SourceLocation location = new SourceLocation(file, 1, 1);
        List<StepDefinition> steps = new ArrayList<>();
        // Everything the application's deployments recorded in this environment, and workload objects of
        // deployments made before the inventory existed.
        steps.add(step(REMOVE_STEP, "kubernetes", Map.of("operation", "delete", "workload", workload.name(),
                "inventory", true), location));
        for (String resource : resources) {
            steps.add(step(DEPROVISION_PREFIX + resource, StepTypes.RESOURCE_PROVISIONING,
                    Map.of("resource", resource, "operation", "delete"), location));
        }
        steps.add(step(REMOVE_NAMESPACE_STEP, "kubernetes", Map.of("operation", "delete", "deleteNamespace", true), location));
        return new io.innominatus.model.WorkflowDefinition(Tier.APPLICATION, UNDEPLOY_NAME, workload.product(),
                workload.name(), "Removes the application's workload, the resources only it used, and its namespace", "",
                Phase.DEPLOYMENT, List.of(Trigger.MANUAL), steps, Map.of(), List.of(), location, file, null, "", List.of());
    }

    private static StepDefinition step(String name, String type, Map<String, Object> config, SourceLocation location) {
        return new StepDefinition(name, type, new LinkedHashMap<>(config), null, null, List.of(), null, null, When.ON_SUCCESS,
                null, null, false, List.of(), location, List.of());
    }
}
