package io.innominatus.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.innominatus.api.workflow.v1.Execution;
import io.innominatus.api.workflow.v1.ExecutionEvent;
import io.innominatus.api.workflow.v1.RunWorkflowRequest;
import io.innominatus.api.workflow.v1.WorkflowServiceGrpc;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Three replicas of the packaged service on one PostgreSQL, a steady stream of workflow runs spread over
 * them, and replicas killed with SIGKILL at random moments (restarted at once, or only after their lease
 * has expired so that the survivors take their executions over). A subscriber attached to the replica
 * that is never killed watches every acknowledged execution. Afterwards every execution has ended
 * successfully, with a complete history in which every transition happened exactly once, the subscriber
 * saw exactly that history, and at no moment did more executions run than the catalog allows (nor two of
 * one application).
 */
class MultiReplicaIT {

    private static final int KILLS = 4;
    static final int MAX_CONCURRENT = 8;
    private static final int LEASE_SECONDS = 4;
    private static final Pattern TAKE_OVER = Pattern.compile("was interrupted: replica (r\\d) stopped, replica (r\\d) took");

    @Test
    void replicasDieAndNothingAcknowledgedIsLostOrDoneTwice() throws Exception {
        Path data = Files.createTempDirectory("innominatus-replicas");
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            List<ServiceProcess> replicas = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                replicas.add(new ServiceProcess(properties(postgres, "r" + i, data), Path.of("target/multi-replica-r" + i + ".log")));
            }
            try {
                run(replicas);
            } finally {
                for (ServiceProcess replica : replicas) {
                    replica.close();
                }
            }
        }
    }

    static Map<String, String> properties(EmbeddedPostgres postgres, String replicaId, Path data) {
        Map<String, String> p = new HashMap<>();
        p.put("quarkus.datasource.postgresql.jdbc.url", postgres.getJdbcUrl("postgres", "postgres"));
        p.put("quarkus.datasource.postgresql.username", "postgres");
        p.put("quarkus.datasource.postgresql.password", "postgres");
        p.put("innominatus.data-dir", data.resolve(replicaId).toString());
        p.put("innominatus.admin-config", Path.of("src/test/resources/catalogs/cluster/admin-config.yaml").toAbsolutePath().toString());
        p.put("innominatus.cluster.replica-id", replicaId);
        p.put("innominatus.cluster.lease-duration", LEASE_SECONDS + "s");
        p.put("innominatus.cluster.renew-interval", "1s");
        p.put("innominatus.cluster.poll-interval", "500ms");
        return p;
    }

    /** Starts replicas side by side. */
    static void startAll(List<ServiceProcess> replicas) throws Exception {
        List<Thread> starting = new ArrayList<>();
        List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (ServiceProcess replica : replicas) {
            Thread t = new Thread(() -> {
                try {
                    replica.start();
                } catch (Exception e) {
                    failures.add(e);
                }
            });
            t.start();
            starting.add(t);
        }
        for (Thread t : starting) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }

    /**
     * Submits runs of the cluster catalog's workflow round-robin to the replicas that are up, for a pool of
     * ten applications (so that runs of one application queue behind each other).
     */
    static final class Submitter extends Thread {
        final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        final List<ServiceProcess> replicas;
        final ClusterChecks.Subscriber subscriber;
        final AtomicBoolean running = new AtomicBoolean(true);
        final Map<ServiceProcess, Boolean> up = new ConcurrentHashMap<>();
        /** How refused submissions were answered, by status code. */
        final Map<io.grpc.Status.Code, Integer> refusals = new ConcurrentHashMap<>();
        final int pauseMillis;

        Submitter(List<ServiceProcess> replicas, ClusterChecks.Subscriber subscriber, int pauseMillis) {
            super("submitter");
            this.replicas = replicas;
            this.subscriber = subscriber;
            this.pauseMillis = pauseMillis;
            replicas.forEach(r -> up.put(r, true));
        }

        @Override
        public void run() {
            int n = 0;
            while (running.get()) {
                ServiceProcess replica = replicas.get(n % replicas.size());
                ManagedChannel channel = replica.channel();
                if (up.get(replica) && channel != null) {
                    try {
                        Execution e = WorkflowServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                                .runWorkflow(RunWorkflowRequest.newBuilder().setWorkflowId("platform/steady")
                                        .setScoreYaml(ClusterChecks.SCORE.formatted("app-" + (n % 10)))
                                        .setEnvironment("development").build()).getExecution();
                        acknowledged.add(e.getExecutionId());
                        subscriber.watch(e.getExecutionId());
                    } catch (StatusRuntimeException e) {
                        // not acknowledged: the replica is down or its store is away
                        refusals.merge(e.getStatus().getCode(), 1, Integer::sum);
                    }
                }
                n++;
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void run(List<ServiceProcess> replicas) throws Exception {
        startAll(replicas);
        ServiceProcess survivor = replicas.get(0);
        WorkflowServiceGrpc.WorkflowServiceBlockingStub stub = WorkflowServiceGrpc.newBlockingStub(survivor.channel());
        ClusterChecks.Subscriber subscriber = new ClusterChecks.Subscriber(survivor.channel());
        Submitter submitter = new Submitter(replicas, subscriber, 250);
        submitter.start();

        Random random = new Random(7);
        List<String> killed = new ArrayList<>();
        for (int kill = 0; kill < KILLS; kill++) {
            Thread.sleep(3000 + random.nextInt(3000));
            ServiceProcess victim = replicas.get(1 + kill % 2);
            submitter.up.put(victim, false);
            victim.kill();
            killed.add("r" + (1 + kill % 2));
            // Every other kill, the replica stays away until its lease has expired: the others take over.
            Thread.sleep(kill % 2 == 0 ? (LEASE_SECONDS + 3) * 1000L : 500 + random.nextInt(1000));
            victim.start();
            submitter.up.put(victim, true);
        }
        Thread.sleep(2000);
        submitter.running.set(false);
        submitter.join(15_000);

        List<Execution> all = ClusterChecks.awaitAllEnded(stub, 120);
        assertTrue(submitter.acknowledged.size() >= 40, "too few executions were acknowledged: " + submitter.acknowledged.size());
        subscriber.awaitAll(60);
        int rerun = 0;
        Map<String, Integer> takeOvers = new HashMap<>();
        for (String id : submitter.acknowledged) {
            List<ExecutionEvent> history = ClusterChecks.verify(stub, id);
            ClusterChecks.verifySeen(subscriber, id, history);
            rerun += (int) history.stream().filter(e -> e.hasStepStarted() && e.getStepStarted().getAttempt() > 1).count();
            for (ExecutionEvent e : history) {
                Matcher m = e.hasStepLog() ? TAKE_OVER.matcher(e.getStepLog().getLine()) : null;
                if (m != null && m.find()) {
                    takeOvers.merge(m.group(1) + "->" + m.group(2), 1, Integer::sum);
                }
            }
        }
        ClusterChecks.verifyLimits(stub, all, MAX_CONCURRENT);
        ClusterChecks.verifyCatalogDigests(survivor, stub, all);
        assertTrue(rerun > 0, "no kill interrupted a running step; the test proved nothing about resuming");
        assertTrue(takeOvers.keySet().stream().anyMatch(k -> !k.substring(0, 2).equals(k.substring(4))),
                "no replica took over another one's executions: " + takeOvers);
        System.out.printf("multi-replica: %d executions (%d acknowledged), kills %s, %d interrupted steps run again, "
                + "take-overs %s, subscriber resumed %d time(s); all complete%n", all.size(), submitter.acknowledged.size(),
                killed, rerun, takeOvers, subscriber.resumed.get());
    }
}
