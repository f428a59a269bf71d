package io.innominatus.steps.checks;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.innominatus.model.HealthCheck;
import io.innominatus.steps.spi.StepContext;
import io.innominatus.steps.spi.StepExecutor;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.steps.spi.StepMode;
import io.innominatus.steps.spi.StepResult;
import io.innominatus.support.Durations;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code validation}: HTTP, TCP and gRPC health checks, listed inline under {@code config.checks}
 * ({@code {name, http: {url, expectStatus}}}, {@code {name, tcp: {host, port}}},
 * {@code {name, grpc: {target, service}}}) or by name under {@code config.healthChecks} (defined in
 * admin-config). Failing checks are retried until the step's timeout ({@code timeout}, or
 * {@code config.timeout}, default 60s); the step succeeds when every check has passed.
 */
@ApplicationScoped
public class ValidationStepExecutor implements StepExecutor {

    static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(60);
    private static final Duration MAX_INTERVAL = Duration.ofSeconds(5);
    private final NamedHealthChecks named;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(HealthCheck.ATTEMPT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    public ValidationStepExecutor(NamedHealthChecks named) {
        this.named = named;
    }

    @Override
    public String type() {
        return "validation";
    }

    @Override
    public StepResult run(StepContext context, StepMode mode) {
        return mode.dryRun() ? dryRun(context) : apply(context);
    }

    private StepResult apply(StepContext context) {
        return run(context);
    }

    private StepResult dryRun(StepContext context) {
        List<HealthCheck> checks = checks(context);
        checks.forEach(c -> context.log("dry run: would check " + describe(c)));
        return StepResult.of(Map.of("checks", Integer.toString(checks.size())));
    
    }

    private StepResult run(StepContext context) {
        List<HealthCheck> pending = new ArrayList<>(checks(context));
        Duration budget = context.string("timeout").map(t -> Durations.parse(t)
                        .orElseThrow(() -> new StepFailure("config.timeout '" + t + "' is not a duration")))
                .or(context::timeout).orElse(DEFAULT_DEADLINE);
        Instant deadline = Instant.now().plus(budget);
        Map<String, String> outputs = new LinkedHashMap<>();
        Map<String, String> lastError = new LinkedHashMap<>();
        Duration interval = Duration.ofMillis(500);
        int round = 0;
        while (true) {
            round++;
            for (HealthCheck check : List.copyOf(pending)) {
                context.cancellation().check();
                long started = System.nanoTime();
                String error = probe(check);
                if (error == null) {
                    pending.remove(check);
                    lastError.remove(check.name());
                    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                    outputs.put(check.name(), "ok");
                    outputs.put(check.name() + ".latencyMs", Long.toString(ms));
                    context.log("check " + check.name() + " passed (" + describe(check) + ", " + ms + " ms)");
                } else {
                    if (!error.equals(lastError.get(check.name()))) {
                        context.log("check " + check.name() + " not passing yet: " + error);
                    }
                    lastError.put(check.name(), error);
                }
            }
            context.progress(100 * (checks(context).size() - pending.size()) / Math.max(1, checks(context).size()),
                    pending.isEmpty() ? "all checks passed" : pending.size() + " check(s) pending");
            if (pending.isEmpty()) {
                return StepResult.of(outputs);
            }
            Duration left = Duration.between(Instant.now(), deadline);
            if (left.isNegative() || left.isZero()) {
                List<String> failures = new ArrayList<>();
                lastError.forEach((name, error) -> failures.add(name + ": " + error));
                throw new StepFailure("health check(s) failed after " + Durations.format(budget) + " (" + round
                        + " rounds): " + String.join("; ", failures));
            }
            sleep(context, interval.compareTo(left) < 0 ? interval : left);
            interval = interval.multipliedBy(2).compareTo(MAX_INTERVAL) > 0 ? MAX_INTERVAL : interval.multipliedBy(2);
        }
    }

    private List<HealthCheck> checks(StepContext context) {
        List<HealthCheck> checks = new ArrayList<>();
        List<Object> inline = context.list("checks");
        for (int i = 0; i < inline.size(); i++) {
            checks.add(inlineCheck(inline.get(i), i));
        }
        for (String name : context.stringList("healthChecks")) {
            checks.add(named.find(name).orElseThrow(() -> new StepFailure("health check '" + name
                    + "' is not defined in admin-config healthChecks")));
        }
        if (checks.isEmpty()) {
            throw new StepFailure("a validation step needs config.checks or config.healthChecks");
        }
        return checks;
    }

    @SuppressWarnings("unchecked")
    private static HealthCheck inlineCheck(Object raw, int index) {
        String where = "config.checks[" + index + "]";
        if (!(raw instanceof Map<?, ?> map)) {
            throw new StepFailure(where + " must be a mapping {name, http|tcp|grpc}");
        }
        String name = map.get("name") == null ? "check-" + (index + 1) : String.valueOf(map.get("name"));
        List<String> kinds = List.of("http", "tcp", "grpc").stream().filter(map::containsKey).toList();
        if (kinds.size() != 1 || !(map.get(kinds.get(0)) instanceof Map)) {
            throw new StepFailure(where + " needs exactly one of http, tcp and grpc, as a mapping");
        }
        Map<String, Object> spec = (Map<String, Object>) map.get(kinds.get(0));
        return switch (kinds.get(0)) {
            case "http" -> new HealthCheck.Http(name, required(spec, "url", where + ".http"),
                    integer(spec.getOrDefault("expectStatus", 200), where + ".http.expectStatus"));
            case "tcp" -> new HealthCheck.Tcp(name, required(spec, "host", where + ".tcp"),
                    integer(spec.get("port"), where + ".tcp.port"));
            default -> new HealthCheck.Grpc(name, required(spec, "target", where + ".grpc"),
                    spec.get("service") == null ? "" : String.valueOf(spec.get("service")));
        };
    }

    private static String required(Map<String, Object> spec, String key, String where) {
        Object value = spec.get(key);
        if (value == null || String.valueOf(value).isBlank()) {
            throw new StepFailure(where + "." + key + " is required");
        }
        return String.valueOf(value);
    }

    private static int integer(Object value, String where) {
        try {
            return Integer.parseInt(String.valueOf(value));
        } catch (NumberFormatException e) {
            throw new StepFailure(where + " must be a number");
        }
    }

    static String describe(HealthCheck check) {
        if (check instanceof HealthCheck.Http h) {
            return "GET " + h.url() + " expecting " + h.expectStatus();
        }
        if (check instanceof HealthCheck.Tcp t) {
            return "TCP " + t.host() + ":" + t.port();
        }
        HealthCheck.Grpc g = (HealthCheck.Grpc) check;
        return "gRPC health " + g.target() + (g.service().isEmpty() ? "" : " service " + g.service());
    }

    /** One attempt of a check; null when it passed, otherwise why not. */
    String probe(HealthCheck check) {
        if (check instanceof HealthCheck.Http h) {
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(h.url()))
                        .timeout(HealthCheck.ATTEMPT_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.discarding());
                return response.statusCode() == h.expectStatus() ? null
                        : "HTTP " + response.statusCode() + " (expected " + h.expectStatus() + ")";
            } catch (IllegalArgumentException e) {
                return "invalid URL " + h.url();
            } catch (IOException e) {
                return e.getMessage() == null ? "connection failed" : e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }
        if (check instanceof HealthCheck.Tcp t) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(t.host(), t.port()), (int) HealthCheck.ATTEMPT_TIMEOUT.toMillis());
                return null;
            } catch (IOException e) {
                return e.getMessage() == null ? "connection failed" : e.getMessage();
            }
        }
        HealthCheck.Grpc g = (HealthCheck.Grpc) check;
        ManagedChannel channel = NettyChannelBuilder.forTarget(g.target()).usePlaintext().build();
        try {
            HealthOuterClass.HealthCheckResponse response = HealthGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(HealthCheck.ATTEMPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .check(HealthOuterClass.HealthCheckRequest.newBuilder().setService(g.service()).build());
            return response.getStatus() == HealthOuterClass.HealthCheckResponse.ServingStatus.SERVING ? null
                    : "status " + response.getStatus();
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode() + (e.getStatus().getDescription() == null ? "" : ": " + e.getStatus().getDescription());
        } catch (RuntimeException e) {
            return "invalid target " + g.target();
        } finally {
            channel.shutdownNow();
        }
    }

    private static void sleep(StepContext context, Duration duration) {
        Object lock = new Object();
        Runnable wake = () -> {
            synchronized (lock) {
                lock.notifyAll();
            }
        };
        context.cancellation().onCancel(wake);
        synchronized (lock) {
            try {
                if (!context.cancellation().cancelled()) {
                    lock.wait(Math.max(1, duration.toMillis()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        context.cancellation().check();
    }
}
