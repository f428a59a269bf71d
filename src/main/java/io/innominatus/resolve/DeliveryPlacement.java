package io.innominatus.resolve;

import io.innominatus.model.DeliveryTarget;
import io.innominatus.model.DomainException;
import io.innominatus.model.EnvironmentDefinition;
import io.innominatus.model.Interpolation;
import io.innominatus.model.ScoreWorkload;
import java.util.Optional;
import java.util.regex.Pattern;

/** Where an application's objects go in an environment: its namespace and its path in a GitOps repository. */
final class DeliveryPlacement {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private DeliveryPlacement() {}

    static String namespace(EnvironmentDefinition environment, ScoreWorkload workload) {
        String namespace = render(environment.namespacePattern(), environment, workload);
        if (!LABEL.matcher(namespace).matches()) {
            throw DomainException.InvalidInput.field("environment", "environment " + environment.name()
                    + " names the namespace of " + workload.name() + " '" + namespace + "' (pattern '"
                    + environment.namespacePattern() + "'), which is not a Kubernetes namespace name (a-z, 0-9, '-', "
                    + "at most 63 characters)");
        }
        return namespace;
    }

    static DeliveryTarget target(EnvironmentDefinition environment, ScoreWorkload workload) {
        if (environment.target() instanceof DeliveryTarget.GitOps gitops) {
            return gitops.withPath(render(gitops.path(), environment, workload));
        }
        return environment.target();
    }

    /** Fills the pattern variables admin-config allows there (it rejected any other at load time). */
    private static String render(String pattern, EnvironmentDefinition environment, ScoreWorkload workload) {
        return Interpolation.render(pattern, expression -> Optional.of(switch (expression.trim()) {
            case "application.name" -> workload.name();
            case "application.product" -> workload.product();
            case "environment.name" -> environment.name();
            default -> throw new Interpolation.UnresolvedException(expression, "not a pattern variable");
        }));
    }
}
