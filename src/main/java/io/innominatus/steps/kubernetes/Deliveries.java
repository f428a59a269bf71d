package io.innominatus.steps.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.innominatus.model.DeliveryTarget;
import io.innominatus.steps.spi.StepContext;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.store.DeliveryInventory;
import io.innominatus.support.EnvironmentReferences;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Opens the {@link Delivery} of a step's environment: the service-wide Kubernetes client, a client of the
 * environment's own cluster (created on first use and kept, one per cluster), or its Git repository (one
 * per repository and branch). Credentials are read from the environment variables the target names each
 * time a step connects, and registered as secrets of that step.
 */
@ApplicationScoped
public class Deliveries {

    private static final Logger LOG = Logger.getLogger(Deliveries.class);
    private final Supplier<KubernetesClient> serviceClient;
    private final DeliveryInventory inventory;
    private final Path dataDirectory;
    private final Map<ClusterKey, KubernetesClient> clusters = new ConcurrentHashMap<>();
    private final Map<String, GitRepository> repositories = new ConcurrentHashMap<>();

    /** A cluster target with its credential as it is now: a changed token makes a new client. */
    private record ClusterKey(DeliveryTarget.Cluster target, String token) {}

    @Inject
    public Deliveries(Instance<KubernetesClient> serviceClient, DeliveryInventory inventory,
            @ConfigProperty(name = "innominatus.data-dir", defaultValue = "data") String dataDirectory) {
        // Resolved on first use, so that a service whose environments all have targets of their own never
        // builds the service-wide client.
        this(serviceClient::get, inventory, Path.of(dataDirectory));
    }

    Deliveries(Supplier<KubernetesClient> serviceClient, DeliveryInventory inventory, Path dataDirectory) {
        this.serviceClient = serviceClient;
        this.inventory = inventory;
        this.dataDirectory = dataDirectory.toAbsolutePath().normalize();
    }

    /** Deliveries to one cluster only, recording nothing: for steps run on their own. */
    public static Deliveries of(KubernetesClient client) {
        return new Deliveries(() -> client, null, Path.of("data"));
    }

    /** The delivery of the step's environment, for the application's own objects. */
    public Delivery open(StepContext context) {
        return open(context, context.dryRun(), "");
    }

    /** The same, in a dry run ({@code dryRun}) or a real one whatever the context says. */
    public Delivery open(StepContext context, boolean dryRun) {
        return open(context, dryRun, "");
    }

    /** The delivery of the step's environment, for the objects of one resource. */
    public Delivery open(StepContext context, boolean dryRun, String resourceKey) {
        DeliveryRecorder recorder = new DeliveryRecorder(dryRun ? null : inventory, context, resourceKey);
        DeliveryTarget target = context.plan().target();
        if (target instanceof DeliveryTarget.GitOps g) {
            return new GitOpsDelivery(repository(g), g, credentials(g, context), recorder, context, dryRun);
        }
        KubernetesClient client = target instanceof DeliveryTarget.Cluster c ? cluster(c, context) : serviceClient.get();
        return new ClusterDelivery(client, recorder, dryRun);
    }

    private KubernetesClient cluster(DeliveryTarget.Cluster target, StepContext context) {
        String token = target.token() == null ? null : credential(target.token(), "token", context);
        return clusters.computeIfAbsent(new ClusterKey(target, token), key -> {
            Config config;
            if (target.server() != null) {
                ConfigBuilder builder = new ConfigBuilder(Config.empty()).withMasterUrl(target.server())
                        .withOauthToken(token);
                if (target.certificateAuthority() != null) {
                    builder.withCaCertFile(target.certificateAuthority());
                }
                config = builder.withConnectionTimeout(10_000).withRequestTimeout(30_000)
                        .withRequestRetryBackoffLimit(2).build();
            } else if (target.context() != null) {
                config = Config.autoConfigure(target.context());
                // A context the kubeconfig lacks must not quietly become its current one: that could be production.
                if (config.getCurrentContext() == null || !target.context().equals(config.getCurrentContext().getName())) {
                    throw StepFailure.configuration("the kubeconfig (KUBECONFIG or ~/.kube/config) has no context '"
                            + target.context() + "' for environment " + context.plan().environment());
                }
            } else {
                config = inCluster(context);
            }
            LOG.infof("connecting to %s", target.description());
            return new KubernetesClientBuilder().withConfig(config).build();
        });
    }

    /** The pod's own service account: its API server, CA and token (read again as it rotates), never a kubeconfig. */
    private static Config inCluster(StepContext context) {
        String host = System.getenv("KUBERNETES_SERVICE_HOST");
        String port = System.getenv().getOrDefault("KUBERNETES_SERVICE_PORT", "443");
        Path account = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");
        if (host == null || !java.nio.file.Files.isRegularFile(account.resolve("token"))) {
            throw StepFailure.configuration("environment " + context.plan().environment() + " is delivered in-cluster, but "
                    + "innominatus does not run in a pod with a service account (KUBERNETES_SERVICE_HOST, " + account + ")");
        }
        Path token = account.resolve("token");
        return new ConfigBuilder(Config.empty()).withMasterUrl("https://" + host + ":" + port)
                .withCaCertFile(account.resolve("ca.crt").toString())
                .withOauthTokenProvider(() -> {
                    try {
                        return java.nio.file.Files.readString(token).trim();
                    } catch (java.io.IOException e) {
                        throw new StepFailure("cannot read the service account token: " + e.getMessage());
                    }
                })
                .withConnectionTimeout(10_000).withRequestTimeout(30_000).withRequestRetryBackoffLimit(2).build();
    }

    GitRepository repository(DeliveryTarget.GitOps target) {
        String location = target.remote() ? target.repository()
                : dataDirectory.resolve(target.repository()).normalize().toString();
        return repositories.computeIfAbsent(location + "\n" + target.branch(), key -> new GitRepository(location,
                target.branch(), target.remote(), dataDirectory.resolve("gitops-checkouts")));
    }

    private static CredentialsProvider credentials(DeliveryTarget.GitOps target, StepContext context) {
        if (target.password() == null) {
            return null;
        }
        String user = target.username() == null ? "innominatus" : credential(target.username(), "username", context);
        return new UsernamePasswordCredentialsProvider(user, credential(target.password(), "password", context));
    }

    private static String credential(String reference, String what, StepContext context) {
        try {
            return EnvironmentReferences.resolve(reference, System::getenv, context::secret);
        } catch (EnvironmentReferences.UnsetException e) {
            throw StepFailure.configuration("the " + what + " of environment " + context.plan().environment() + "'s target comes "
                    + "from environment variable " + e.variable() + ", which is not set where innominatus runs");
        }
    }

    @PreDestroy
    void close() {
        clusters.values().forEach(KubernetesClient::close);
        clusters.clear();
    }
}
