package io.innominatus.model;

/**
 * An environment of admin-config's {@code environments:} block: where its deployments are delivered and
 * how their namespaces are named.
 *
 * @param namespacePattern the namespace of an application's objects, with {@code ${application.name}},
 *     {@code ${application.product}} and {@code ${environment.name}}
 * @param requireApproval whether its executions wait for an approver
 * @param target where its objects go
 * @param location where it is defined
 */
public record EnvironmentDefinition(
        String name,
        String namespacePattern,
        boolean requireApproval,
        DeliveryTarget target,
        SourceLocation location) {

    /** The namespace pattern when an environment sets none, and for environments outside {@code environments:}. */
    public static final String DEFAULT_NAMESPACE_PATTERN = "${application.name}-${environment.name}";
    /** The GitOps path when a gitops target sets none. */
    public static final String DEFAULT_GITOPS_PATH = "${environment.name}/${application.name}";

    public EnvironmentDefinition {
        namespacePattern = namespacePattern == null ? DEFAULT_NAMESPACE_PATTERN : namespacePattern;
        target = target == null ? new DeliveryTarget.ServiceCluster() : target;
    }

    /** An environment that admin-config does not describe: the service-wide cluster and the default namespaces. */
    public static EnvironmentDefinition implicit(String name) {
        return new EnvironmentDefinition(name, null, false, null, null);
    }
}
