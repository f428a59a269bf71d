package io.innominatus.app;

import io.innominatus.execute.ClusterOptions;
import io.innominatus.execute.EngineServices;
import io.innominatus.execute.EventStreams;
import io.innominatus.execute.ExecutionEngine;
import io.innominatus.execute.StepLauncher;
import io.innominatus.execute.SystemScheduler;
import io.innominatus.model.HealthCheck;
import io.innominatus.model.PolicyRule;
import io.innominatus.model.StepTypeRegistration;
import io.innominatus.steps.RegisteredStepTypes;
import io.innominatus.steps.StepExecutorRegistry;
import io.innominatus.steps.checks.NamedHealthChecks;
import io.innominatus.steps.checks.NamedPolicyRules;
import io.innominatus.store.ClusterSupport;
import io.innominatus.store.ExecutionStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Wires the engine: its store, threads, timers, step executors and the policy limit on concurrency. */
@ApplicationScoped
public class EngineConfiguration {

    /** Threads that run the executions' state machines and their store commits. */
    private final ExecutorService engineThreads = Executors.newFixedThreadPool(
            Math.max(4, 2 * Runtime.getRuntime().availableProcessors()), daemon("innominatus-engine"));
    /** Threads on which step attempts run; steps block on processes and networks. */
    private final ExecutorService stepThreads = Executors.newCachedThreadPool(daemon("innominatus-step"));
    /**
     * Threads on which watchers read history from the store: a few, of their own, so that a burst of new watchers
     * queues here (admission) and never takes the engine's threads or more than this many store connections.
     */
    static final int WATCH_READ_THREADS = 2;
    private final ExecutorService watchReadThreads = Executors.newFixedThreadPool(WATCH_READ_THREADS,
            daemon("innominatus-watch-read"));
    private final SystemScheduler scheduler = new SystemScheduler();

    @Produces
    @Singleton
    EventStreams eventStreams(ExecutionStore store) {
        return new EventStreams(store, watchReadThreads);
    }

    @Produces
    @Singleton
    ExecutionEngine engine(ExecutionStore store, EventStreams streams, StepExecutorRegistry registry, CatalogService catalogs,
            ClusterSupport cluster,
            @ConfigProperty(name = "innominatus.cluster.replica-id") Optional<String> replicaId,
            @ConfigProperty(name = "innominatus.cluster.lease-duration", defaultValue = "15s") Duration leaseDuration,
            @ConfigProperty(name = "innominatus.cluster.renew-interval", defaultValue = "3s") Duration renewInterval,
            @ConfigProperty(name = "innominatus.cluster.poll-interval", defaultValue = "2s") Duration pollInterval,
            @ConfigProperty(name = "innominatus.cluster.claim-batch", defaultValue = "32") int claimBatch,
            @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080") int port) {
        // With several replicas the engine works on the shared store itself (the bean above is a proxy of it).
        ExecutionStore engineStore = cluster.store().<ExecutionStore>map(c -> c).orElse(store);
        EngineServices services = new EngineServices(engineStore, streams,
                type -> registry.find(type).map(executor -> StepLauncher.onThreads(executor, stepThreads)), scheduler,
                Clock.systemUTC(), engineThreads, Duration.ofMillis(25));
        java.util.function.IntSupplier maxConcurrent = () -> {
            try {
                return catalogs.active().policies().maxConcurrentWorkflows();
            } catch (RuntimeException e) {
                return 0;
            }
        };
        if (cluster.store().isEmpty()) {
            return new ExecutionEngine(services, maxConcurrent);
        }
        ClusterOptions options = new ClusterOptions(replicaId.filter(id -> !id.isBlank()).orElseGet(() -> hostName() + ":" + port),
                leaseDuration, renewInterval, pollInterval, claimBatch, () -> catalogs.active().catalog().digest());
        return new ExecutionEngine(services, maxConcurrent, options);
    }

    /** The default replica id: this host's name (unique per pod or container) and the HTTP port. */
    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    @Produces
    @Singleton
    NamedHealthChecks namedHealthChecks(CatalogService catalogs) {
        return name -> {
            try {
                return Optional.<HealthCheck>ofNullable(catalogs.active().admin().healthChecks().get(name));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        };
    }

    @Produces
    @Singleton
    NamedPolicyRules namedPolicyRules(CatalogService catalogs) {
        return name -> {
            try {
                return Optional.<PolicyRule>ofNullable(catalogs.active().admin().policyRules().get(name));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        };
    }

    @Produces
    @Singleton
    RegisteredStepTypes registeredStepTypes(CatalogService catalogs) {
        return new RegisteredStepTypes() {
            @Override
            public Optional<StepTypeRegistration> find(String type) {
                try {
                    return Optional.ofNullable(catalogs.active().admin().stepTypes().get(type));
                } catch (RuntimeException e) {
                    return Optional.empty();
                }
            }

            @Override
            public java.nio.file.Path adminDirectory() {
                return catalogs.active().admin().directory();
            }
        };
    }

    /** Resumes unfinished executions once the service is up. */
    void onStart(@Observes StartupEvent event, ExecutionEngine engine,
            @ConfigProperty(name = "innominatus.sandbox.mode", defaultValue = "none") String sandbox,
            @ConfigProperty(name = "innominatus.sandbox.bwrap", defaultValue = "bwrap") String bwrap,
            @ConfigProperty(name = "innominatus.data-dir", defaultValue = "data") String dataDir) {
        configureSandbox(sandbox, bwrap, java.nio.file.Path.of(dataDir));
        engine.recover();
    }

    /** Programs of steps run in the configured sandbox; a sandbox that cannot work stops the start. */
    static void configureSandbox(String mode, String bwrap, java.nio.file.Path dataDir) {
        io.innominatus.steps.tools.Sandbox.Mode chosen = switch (mode) {
            case "none" -> io.innominatus.steps.tools.Sandbox.Mode.NONE;
            case "bubblewrap" -> io.innominatus.steps.tools.Sandbox.Mode.BUBBLEWRAP;
            default -> throw new IllegalStateException("innominatus.sandbox.mode is '" + mode + "'; use none or bubblewrap");
        };
        if (chosen == io.innominatus.steps.tools.Sandbox.Mode.BUBBLEWRAP && !io.innominatus.steps.tools.Sandbox.available(bwrap)) {
            throw new IllegalStateException("innominatus.sandbox.mode=bubblewrap but '" + bwrap + "' cannot start a jail "
                    + "here (install bubblewrap, or allow unprivileged user namespaces)");
        }
        io.innominatus.steps.tools.Sandbox.configure(chosen, bwrap, List.of(dataDir));
    }

    void onStop(@Observes ShutdownEvent event, ExecutionEngine engine) {
        engine.shutdown();
        scheduler.close();
        stepThreads.shutdownNow();
        engineThreads.shutdown();
        watchReadThreads.shutdown();
    }

    void dispose(@Disposes ExecutionEngine engine) {
        engine.shutdown();
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
