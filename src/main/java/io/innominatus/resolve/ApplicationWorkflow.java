package io.innominatus.resolve;

import io.innominatus.model.Phase;
import io.innominatus.model.ScoreWorkload;
import io.innominatus.model.SourceLocation;
import io.innominatus.model.StepDefinition;
import io.innominatus.model.Tier;
import io.innominatus.model.Trigger;
import io.innominatus.model.When;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The application workflow generated from a Score file: one {@code provision-<resource>} step per
 * resource, then {@code deploy-application} into the namespace named after the application.
 */
public final class ApplicationWorkflow {

    /** Name of the generated workflow. */
    public static final String NAME = "app-deployment";
    public static final String DEPLOY_STEP = "deploy-application";
    public static final String PROVISION_PREFIX = "provision-";

    private ApplicationWorkflow() {}

    public static String id(String application) {
        return "applications/" + application + "/" + NAME;
    }

    public static io.innominatus.model.WorkflowDefinition generate(ScoreWorkload workload) {
        String file = "score.yaml";
        List<StepDefinition> steps = new ArrayList<>();
        for (ScoreWorkload.ResourceRequest resource : workload.resources().values()) {
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
            steps.add(new StepDefinition(PROVISION_PREFIX + resource.name(), "resource-provisioning", config, null, null,
                    List.of(), null, null, When.ON_SUCCESS, null, null, false, List.of(), location, List.of()));
        }
        Map<String, Object> deployConfig = new LinkedHashMap<>();
        deployConfig.put("workload", workload.name());
        steps.add(new StepDefinition(DEPLOY_STEP, "kubernetes", deployConfig, workload.name(), null, List.of(), null, null,
                When.ON_SUCCESS, null, null, false, List.of(), new SourceLocation(file, 1, 1), List.of()));
        return new io.innominatus.model.WorkflowDefinition(Tier.APPLICATION, NAME, workload.product(), workload.name(),
                "Generated from the Score file: provisions its resources and deploys its workload", "", Phase.DEPLOYMENT,
                List.of(Trigger.ALL_DEPLOYMENTS), steps, Map.of(), List.of(), new SourceLocation(file, 1, 1), file, null,
                "", List.of());
    }
}
