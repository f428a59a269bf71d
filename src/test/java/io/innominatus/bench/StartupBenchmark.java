package io.innominatus.bench;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import io.innominatus.api.workflow.v1.PlanDeploymentRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Start-up of the packaged service against a minimal Quarkus gRPC hello service (bench/hello-grpc) built
 * the same way in the same run: the time from process start to the first successful gRPC response (an
 * application RPC: ListProducts, SayHello), and the RSS right after it, in several JVM configurations:
 * the fast-jar on JDK 17, and the aot-jar on JDK 25 with an AOT cache. The runs of both services alternate,
 * so that whatever else the machine does affects both alike.
 */
class StartupBenchmark {

    private static final int RUNS = 5;
    private static final List<String> TUNED = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private final BenchResults results = new BenchResults();
    private final Path jdk17 = Path.of(System.getProperty("java.home"));
    private final Path jdk25 = Path.of(System.getProperty("bench.jdk25.home", "/usr/lib/jvm/temurin-25-jdk-amd64"));
    private final Path work = Path.of("target/bench/startup").toAbsolutePath();

    /** One of the two services: its fast-jar, its aot-jar (with the build-time cache app.aot), its first call. */
    record App(String name, Path fastJar, Path aotJar, MethodDescriptor<byte[], byte[]> firstCall, byte[] trainingRequest,
            MethodDescriptor<byte[], byte[]> trainingCall, Map<String, String> properties) {}

    /** A way to run a service: which JDK, which packaging, which flags. */
    record Mode(String key, String description, Path javaHome, boolean aotJar, List<String> flags) {}

    @Test
    void startup() throws Exception {
        Files.createDirectories(work);
        String score = Files.readString(Path.of("workflows/examples/ecommerce-web.yaml"));
        App innominatus = new App("innominatus", dir("bench.innominatus.dir", "target/quarkus-app"),
                dir("bench.innominatus.aot.dir", "target/bench-aot"),
                BenchProcess.rawUnary("innominatus.workflow.v1.WorkflowService/ListProducts"),
                PlanDeploymentRequest.newBuilder().setScoreYaml(score).setEnvironment("development").build().toByteArray(),
                BenchProcess.rawUnary("innominatus.workflow.v1.WorkflowService/PlanDeployment"),
                Map.of("innominatus.admin-config", Path.of("admin-config.yaml").toAbsolutePath().toString(),
                        // A restart: the store exists (the training run created it).
                        "innominatus.data-dir", work.resolve("data").toString()));
        App hello = new App("hello", dir("bench.hello.dir", "bench/hello-grpc/target/quarkus-app"),
                dir("bench.hello.aot.dir", "bench/hello-grpc/target/aot/quarkus-app"),
                BenchProcess.rawUnary("hello.v1.Greeter/SayHello"), new byte[0],
                BenchProcess.rawUnary("hello.v1.Greeter/SayHello"), Map.of());
        List<App> apps = List.of(innominatus, hello);

        // Caches trained by a run of each service (start, first requests, stop), as the integration-test phase
        // of a Quarkus build does; the build-time cache (app.aot) only sees static initialisation.
        for (App app : apps) {
            train(app, jdk17, app.fastJar(), List.of("-XX:ArchiveClassesAtExit=" + jsa(app)), TUNED);
            train(app, jdk25, app.aotJar(), List.of("-XX:AOTCacheOutput=" + trainedAot(app)), List.of());
        }

        Map<String, Map<String, double[]>> startup = new LinkedHashMap<>();
        Map<String, Map<String, double[]>> rss = new LinkedHashMap<>();
        List<Mode> modes = new ArrayList<>();
        modes.add(new Mode("jdk17", "fast-jar, JDK 17, default flags", jdk17, false, List.of()));
        modes.add(new Mode("jdk17_tuned", "fast-jar, JDK 17, -XX:+UseSerialGC -XX:TieredStopAtLevel=1", jdk17, false,
                TUNED));
        modes.add(new Mode("jdk17_appcds", "fast-jar, JDK 17, AppCDS archive trained by a run, SerialGC, C1 only", jdk17,
                false, List.of("-XX:SharedArchiveFile=" + "%JSA%", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")));
        modes.add(new Mode("jdk25_aot", "aot-jar, JDK 25, AOT cache trained at build time (app.aot), default flags", jdk25,
                true, List.of("-XX:AOTCache=app.aot")));
        modes.add(new Mode("jdk25_aot_trained", "aot-jar, JDK 25, AOT cache trained by a run, default flags", jdk25, true,
                List.of("-XX:AOTCache=%AOT%")));
        modes.add(new Mode("jdk25_aot_trained_serial", "aot-jar, JDK 25, AOT cache trained by a run, SerialGC (C2 kept)",
                jdk25, true, List.of("-XX:AOTCache=%AOT%", "-XX:+UseSerialGC")));
        modes.add(new Mode("jdk25_aot_trained_tuned", "aot-jar, JDK 25, AOT cache trained by a run, SerialGC, C1 only",
                jdk25, true, List.of("-XX:AOTCache=%AOT%", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")));
        for (Mode mode : modes) {
            for (App app : apps) {
                startup.computeIfAbsent(mode.key(), k -> new LinkedHashMap<>()).put(app.name(), new double[RUNS]);
                rss.computeIfAbsent(mode.key(), k -> new LinkedHashMap<>()).put(app.name(), new double[RUNS]);
            }
        }
        for (int run = 0; run < RUNS; run++) {
            for (Mode mode : modes) {
                for (App app : apps) {
                    List<String> flags = mode.flags().stream().map(f -> f.replace("%JSA%", jsa(app).toString())
                            .replace("%AOT%", trainedAot(app).toString())).toList();
                    try (BenchProcess process = BenchProcess.start(mode.javaHome(), mode.aotJar() ? app.aotJar() : app.fastJar(),
                            flags, app.properties(), log(app))) {
                        startup.get(mode.key()).get(app.name())[run] = process.awaitFirstResponse(app.firstCall(), 120);
                        rss.get(mode.key()).get(app.name())[run] = process.rssMb();
                        process.stop(60);
                    }
                }
            }
        }
        for (Mode mode : modes) {
            double[] a = startup.get(mode.key()).get("innominatus");
            double[] b = startup.get(mode.key()).get("hello");
            double[] ratio = new double[RUNS];
            for (int i = 0; i < RUNS; i++) {
                ratio[i] = a[i] / b[i];
            }
            results.add("startup_ms." + mode.key() + ".innominatus", "start → first gRPC response, innominatus, "
                    + mode.description(), "ms", a);
            results.add("startup_ms." + mode.key() + ".hello", "start → first gRPC response, hello service, "
                    + mode.description(), "ms", b);
            results.add("startup_ratio." + mode.key(), "innominatus ÷ hello start-up, " + mode.key(), "×", ratio);
            results.add("rss_mb." + mode.key() + ".innominatus", "RSS after the first response, innominatus, " + mode.key(),
                    "MiB", rss.get(mode.key()).get("innominatus"));
            results.add("rss_mb." + mode.key() + ".hello", "RSS after the first response, hello service, " + mode.key(),
                    "MiB", rss.get(mode.key()).get("hello"));
        }
        results.write("Start-up (packaged services, same run)");
    }

    private static Path dir(String property, String fallback) {
        return Path.of(System.getProperty(property, fallback)).toAbsolutePath();
    }

    private Path jsa(App app) {
        return work.resolve(app.name() + "-trained.jsa");
    }

    private Path trainedAot(App app) {
        return work.resolve(app.name() + "-trained.aot");
    }

    private Path log(App app) {
        return work.resolve(app.name() + ".log");
    }

    /** A training run: start, the first call and a few requests, then SIGTERM (the JVM writes the archive as it exits). */
    private void train(App app, Path javaHome, Path appDir, List<String> archiveFlags, List<String> flags) throws Exception {
        List<String> all = new ArrayList<>(archiveFlags);
        all.addAll(flags);
        Files.deleteIfExists(jsa(app));
        Files.deleteIfExists(trainedAot(app));
        try (BenchProcess process = BenchProcess.start(javaHome, appDir, all, app.properties(), log(app))) {
            process.awaitFirstResponse(app.firstCall(), 120);
            ManagedChannel channel = process.channel();
            try {
                for (int i = 0; i < 50; i++) {
                    ClientCalls.blockingUnaryCall(channel, app.trainingCall(), CallOptions.DEFAULT.withDeadlineAfter(30,
                            TimeUnit.SECONDS), app.trainingRequest());
                    ClientCalls.blockingUnaryCall(channel, app.firstCall(), CallOptions.DEFAULT.withDeadlineAfter(30,
                            TimeUnit.SECONDS), new byte[0]);
                }
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            process.stop(180);
        }
        String written = archiveFlags.get(0).substring(archiveFlags.get(0).indexOf('=') + 1);
        if (!Files.exists(Path.of(written))) {
            throw new IllegalStateException("training run of " + app.name() + " wrote no " + written + "; see " + log(app));
        }
    }
}
