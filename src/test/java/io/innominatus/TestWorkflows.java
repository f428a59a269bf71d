package io.innominatus;

import io.innominatus.model.AllowList;
import io.innominatus.model.EffectivePolicies;
import io.innominatus.model.ScoreWorkload;
import io.innominatus.model.WorkflowDefinition;
import io.innominatus.parse.WorkflowParser;
import io.innominatus.score.ScoreParser;
import io.innominatus.support.YamlLoader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Builds domain objects from short YAML snippets for unit tests. */
public final class TestWorkflows {

    private TestWorkflows() {}

    /** A platform workflow with {@code exec} steps (names given) and the given triggers. */
    public static WorkflowDefinition platform(String name, String phase, String triggers, String... steps) {
        return parse("PlatformWorkflow", name, phase, triggers, null, steps);
    }

    public static WorkflowDefinition product(String product, String name, String phase, String triggers, String... steps) {
        return parse("ProductWorkflow", name, phase, triggers, product, steps);
    }

    private static WorkflowDefinition parse(String kind, String name, String phase, String triggers, String product,
            String... steps) {
        StringBuilder yaml = new StringBuilder("apiVersion: workflow.dev/v1\nkind: " + kind + "\nmetadata:\n  name: " + name
                + "\n  owner: team-" + name + "\n  phase: " + phase + "\n");
        if (product != null) {
            yaml.append("  product: ").append(product).append('\n');
        }
        yaml.append("spec:\n  triggers: [").append(triggers).append("]\n  steps:\n");
        for (String step : steps) {
            String[] parts = step.split(":", 2);
            yaml.append("    - name: ").append(parts[0]).append("\n      type: ")
                    .append(parts.length > 1 ? parts[1] : "exec").append('\n');
        }
        return workflow(yaml.toString(), product == null ? "platform/" + name + ".yaml"
                : "products/" + product + "/" + name + ".yaml", product);
    }

    public static WorkflowDefinition workflow(String yaml, String file, String productDirectory) {
        return WorkflowParser.parse(yaml, new WorkflowParser.Source(file, null, productDirectory, null, Map.of()),
                YamlLoader.Limits.DEFAULT).get(0).workflow().orElseThrow();
    }

    public static ScoreWorkload score(String name, String product, String... resources) {
        StringBuilder yaml = new StringBuilder("apiVersion: score.dev/v1b1\nmetadata:\n  name: " + name + "\n");
        if (product != null) {
            yaml.append("  product: ").append(product).append('\n');
        }
        yaml.append("containers:\n  main:\n    image: nginx:1.27\n");
        if (resources.length > 0) {
            yaml.append("resources:\n");
            for (String resource : resources) {
                String[] parts = resource.split(":", 2);
                yaml.append("  ").append(parts[0]).append(":\n    type: ").append(parts[1]).append('\n');
            }
        }
        return ScoreParser.parse(yaml.toString(), "score.yaml").workload().orElseThrow();
    }

    /** Policies that allow everything and require nothing. */
    public static EffectivePolicies permissive() {
        return new EffectivePolicies(new TreeSet<>(), AllowList.UNRESTRICTED, true, true, null, 0, 0, AllowList.UNRESTRICTED,
                AllowList.UNRESTRICTED, new TreeSet<>(), AllowList.UNRESTRICTED, EffectivePolicies.VAULT_READ_ONLY,
                EffectivePolicies.KUBERNETES_NAMESPACE_SCOPED, List.of());
    }

    public static EffectivePolicies with(EffectivePolicies p, java.util.function.UnaryOperator<Builder> change) {
        return change.apply(new Builder(p)).build();
    }

    /** Changes single fields of effective policies in tests. */
    public static final class Builder {
        TreeSet<String> required;
        AllowList products;
        boolean platformOverrides;
        boolean productOverrides;
        Duration maxDuration;
        int maxConcurrent;
        int maxSteps;
        AllowList stepTypes;
        AllowList environments;
        TreeSet<String> approval;
        AllowList executors;

        Builder(EffectivePolicies p) {
            required = new TreeSet<>(p.requiredPlatformWorkflows());
            products = p.allowedProductWorkflows();
            platformOverrides = p.platformOverrides();
            productOverrides = p.productOverrides();
            maxDuration = p.maxWorkflowDuration();
            maxConcurrent = p.maxConcurrentWorkflows();
            maxSteps = p.maxStepsPerWorkflow();
            stepTypes = p.allowedStepTypes();
            environments = p.allowedEnvironments();
            approval = new TreeSet<>(p.requireApproval());
            executors = p.allowedExecutors();
        }

        public Builder required(String... names) {
            required = new TreeSet<>(List.of(names));
            return this;
        }

        public Builder allowedProducts(String... entries) {
            products = AllowList.of(List.of(entries));
            return this;
        }

        public Builder overrides(boolean platform, boolean product) {
            platformOverrides = platform;
            productOverrides = product;
            return this;
        }

        public Builder maxSteps(int max) {
            maxSteps = max;
            return this;
        }

        public Builder stepTypes(String... types) {
            stepTypes = AllowList.of(List.of(types));
            return this;
        }

        public Builder environments(String... names) {
            environments = AllowList.of(List.of(names));
            return this;
        }

        public Builder approval(String... names) {
            approval = new TreeSet<>(List.of(names));
            return this;
        }

        EffectivePolicies build() {
            return new EffectivePolicies(required, products, platformOverrides, productOverrides, maxDuration, maxConcurrent,
                    maxSteps, stepTypes, environments, approval, executors, EffectivePolicies.VAULT_READ_ONLY,
                    EffectivePolicies.KUBERNETES_NAMESPACE_SCOPED, List.of());
        }
    }
}
