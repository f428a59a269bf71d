package io.innominatus.bench;

import io.innominatus.api.GrpcTestSupport;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A packaged Quarkus application ({@code quarkus-run.jar} in {@code appDir}) started as its own process,
 * as in production: {@code <jdk>/bin/java <jvmFlags> -D<properties> -jar quarkus-run.jar}, working
 * directory {@code appDir}. Knows how long it took until it answered its first gRPC call, and its RSS.
 */
final class BenchProcess implements AutoCloseable {

    /** A unary gRPC method called with raw bytes: any service, no generated stubs needed. */
    static MethodDescriptor<byte[], byte[]> rawUnary(String fullMethodName) {
        return MethodDescriptor.<byte[], byte[]>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(fullMethodName).setRequestMarshaller(GrpcTestSupport.BYTES).setResponseMarshaller(GrpcTestSupport.BYTES).build();
    }

    /** {@code grpc.health.v1.Health/Check}: the empty unary RPC every Quarkus gRPC server with health serves. */
    static final MethodDescriptor<byte[], byte[]> HEALTH_CHECK = rawUnary("grpc.health.v1.Health/Check");

    private final Path appDir;
    private final int port;
    private final Process process;
    private final long startNanos;

    private BenchProcess(Path appDir, int port, Process process, long startNanos) {
        this.appDir = appDir;
        this.port = port;
        this.process = process;
        this.startNanos = startNanos;
    }

    /** Starts the application; returns at once (see {@link #awaitFirstResponse}). */
    static BenchProcess start(Path javaHome, Path appDir, List<String> jvmFlags, Map<String, String> properties, Path log)
            throws IOException {
        if (!Files.exists(appDir.resolve("quarkus-run.jar"))) {
            throw new IllegalStateException(appDir.resolve("quarkus-run.jar") + " is missing: run ./mvnw -Pbench verify");
        }
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(javaHome.resolve("bin/java").toString());
        command.addAll(jvmFlags);
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Dquarkus.http.host=127.0.0.1");
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add("quarkus-run.jar");
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).directory(appDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        long start = System.nanoTime();
        return new BenchProcess(appDir, port, builder.start(), start);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    ManagedChannel channel() {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().directExecutor().build();
    }

    /**
     * Waits until {@code method} (called with an empty request) succeeds and returns the milliseconds
     * since the process was started. The port is probed with plain TCP connects first, so the gRPC
     * client never sits in a reconnect back-off.
     */
    double awaitFirstResponse(MethodDescriptor<byte[], byte[]> method, long timeoutSeconds) throws Exception {
        long deadline = startNanos + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(appDir + " exited with " + process.exitValue());
            }
            if (!listening()) {
                Thread.sleep(5);
                continue;
            }
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            try {
                while (System.nanoTime() < deadline) {
                    try {
                        ClientCalls.blockingUnaryCall(channel, method, CallOptions.DEFAULT.withDeadlineAfter(5,
                                TimeUnit.SECONDS), new byte[0]);
                        return (System.nanoTime() - startNanos) / 1e6;
                    } catch (StatusRuntimeException e) {
                        if (!process.isAlive()) {
                            throw e;
                        }
                        Thread.sleep(5);
                    }
                }
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        throw new IllegalStateException(appDir + " did not answer within " + timeoutSeconds + " s");
    }

    private boolean listening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Resident set size of the process now, in MiB (VmRSS from /proc). */
    double rssMb() {
        return rssMb(process.pid());
    }

    static double rssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        return Double.NaN;
    }

    /** CPU time the process has used so far (user + system), in microseconds; clock-tick resolution. */
    double cpuMicros() {
        try {
            return cpuTicks(statFields(Files.readString(Path.of("/proc/" + process.pid() + "/stat")))) * 10_000.0;
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    /**
     * The fields of a {@code /proc/<pid>/stat} (or task {@code stat}) line after the command name: state,
     * ppid, …; {@code [11]} and {@code [12]} are utime and stime, {@code [13]} and {@code [14]} the same for
     * reaped children (fields 14 to 17 of proc(5)), all in clock ticks of 10 ms.
     */
    static String[] statFields(String line) {
        return line.substring(line.lastIndexOf(')') + 2).split(" ");
    }

    /** User + system clock ticks of {@link #statFields}. */
    static long cpuTicks(String[] fields) {
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** SIGTERM, as a container stop does; waits for the JVM to exit (an AOT cache is written then). */
    void stop(long timeoutSeconds) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    int exitValue() {
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop(60);
        }
    }
}
