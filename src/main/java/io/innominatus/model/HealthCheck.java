package io.innominatus.model;

import java.time.Duration;

/** A health check run by {@code validation} steps, inline or named in admin-config's {@code healthChecks}. */
public sealed interface HealthCheck {

    String name();

    /** An HTTP GET that must answer {@code expectStatus}. */
    record Http(String name, String url, int expectStatus) implements HealthCheck {}

    /** A TCP connection that must be accepted. */
    record Tcp(String name, String host, int port) implements HealthCheck {}

    /** A {@code grpc.health.v1} check that must answer SERVING; an empty service checks the server. */
    record Grpc(String name, String target, String service) implements HealthCheck {}

    /** Upper bound for a single probe attempt. */
    Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(5);
}
