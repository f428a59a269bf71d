package io.innominatus.model;

/**
 * Where an environment's objects go: a Kubernetes API (the service-wide client or a cluster of its
 * own) or a Git repository that a GitOps controller applies from. Credentials stay as written in
 * admin-config ({@code ${env:NAME}} or a file path) and are filled in only when a step connects, so a
 * plan never holds a secret.
 */
public sealed interface DeliveryTarget {

    TargetKind kind();

    /** What the target is, for people: never a credential. */
    String description();

    /** The Kubernetes client configured for the whole service ({@code quarkus.kubernetes-client.*}). */
    record ServiceCluster() implements DeliveryTarget {
        @Override
        public TargetKind kind() {
            return TargetKind.KUBERNETES;
        }

        @Override
        public String description() {
            return "Kubernetes API of the service (quarkus.kubernetes-client)";
        }
    }

    /**
     * A cluster of its own: exactly one of {@code server}, {@code context} and {@code inCluster}.
     *
     * @param server API server URL
     * @param token bearer token, usually {@code ${env:NAME}}; null for none
     * @param certificateAuthority absolute path of a PEM file trusted for the server; null for the JDK's trust store
     * @param context a context of the kubeconfig innominatus finds ({@code KUBECONFIG} or {@code ~/.kube/config})
     * @param inCluster the service account of the pod innominatus runs in
     */
    record Cluster(String server, String token, String certificateAuthority, String context, boolean inCluster)
            implements DeliveryTarget {
        @Override
        public TargetKind kind() {
            return TargetKind.KUBERNETES;
        }

        @Override
        public String description() {
            if (server != null) {
                return "Kubernetes API " + server;
            }
            return context != null ? "Kubernetes context " + context : "Kubernetes API of the pod's cluster (in-cluster)";
        }
    }

    /**
     * A Git repository: one YAML file per object under {@code path}, one commit per step.
     *
     * @param repository a local path (absolute, as resolved against the data directory) or a remote URL
     * @param branch the branch commits go to
     * @param path the directory in the repository, already rendered for the application and environment
     *     (a pattern until the plan renders it)
     * @param username user for a remote repository over HTTP(S), may be {@code ${env:NAME}}; null for none
     * @param password password or token for it, usually {@code ${env:NAME}}; null for none
     */
    record GitOps(String repository, String branch, String path, String username, String password)
            implements DeliveryTarget {
        @Override
        public TargetKind kind() {
            return TargetKind.GITOPS;
        }

        @Override
        public String description() {
            return "Git repository " + withoutUserInfo(repository) + " (branch " + branch + ", path " + path + ")";
        }

        public boolean remote() {
            return isRemote(repository);
        }

        public GitOps withPath(String renderedPath) {
            return new GitOps(repository, branch, renderedPath, username, password);
        }

        /** Whether {@code repository} names a remote (a URL or {@code user@host:path}) rather than a local path. */
        public static boolean isRemote(String repository) {
            return repository.contains("://") || repository.matches("^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:.*");
        }

        private static String withoutUserInfo(String repository) {
            return repository.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@", "$1");
        }
    }
}
