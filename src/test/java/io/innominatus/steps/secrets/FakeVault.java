package io.innominatus.steps.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP stand-in for the parts of HashiCorp Vault's API the vault-setup step uses, answering as Vault
 * documents them: KV v2 at {@code /v1/<mount>/data/<path>} (GET 200 with {@code data.data} and
 * {@code data.metadata}, or 404 {@code {"errors":[]}}; POST/PUT with {@code options.cas} check-and-set,
 * 400 when the version does not match; soft-deleted latest versions read as 404), ACL policies at
 * {@code /v1/sys/policies/acl/<name>} (GET 200/404, PUT 204), 403 {@code permission denied} for a wrong
 * token or a denied path, and 503 {@code Vault is sealed} when sealed.
 */
public final class FakeVault implements AutoCloseable {

    static final String TOKEN = "hvs.CAESIJ-test-root-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A request as the server saw it. */
    public record Request(String method, String path, String token, String body) {}

    /** One KV v2 secret: its versions (1-based) and whether the latest one is soft-deleted. */
    static final class Secret {
        final List<Map<String, Object>> versions = new ArrayList<>();
        boolean latestDeleted;
    }

    public final List<Request> requests = new CopyOnWriteArrayList<>();
    final Map<String, Secret> kv = new ConcurrentHashMap<>();
    final Map<String, String> policies = new ConcurrentHashMap<>();
    final List<String> deniedPaths = new CopyOnWriteArrayList<>();
    /** KV v2 mounts; secrets are kept by {@code <mount>/<path>}. */
    final Set<String> mounts = ConcurrentHashMap.newKeySet();
    volatile boolean sealed;
    /** While set, every request waits for it (or for the client to give up). */
    volatile CountDownLatch hold;
    final CountDownLatch held = new CountDownLatch(1);
    private final HttpServer server;
    private final String acceptedToken;

    public FakeVault() throws IOException {
        this(TOKEN);
    }

    /** A fake that accepts {@code acceptedToken} instead of {@link #TOKEN}. */
    public FakeVault(String acceptedToken) throws IOException {
        this.acceptedToken = acceptedToken;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        mounts.add("secret");
        server.start();
    }

    public String address() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void putSecret(String path, Map<String, Object> data) {
        kv.computeIfAbsent(path, p -> new Secret()).versions.add(data);
    }

    List<Request> writes() {
        return requests.stream().filter(r -> !r.method().equals("GET")).toList();
    }

    @Override
    public void close() {
        CountDownLatch latch = hold;
        if (latch != null) {
            latch.countDown();
        }
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            String token = exchange.getRequestHeaders().getFirst("X-Vault-Token");
            requests.add(new Request(method, path, token, body));
            CountDownLatch latch = hold;
            if (latch != null) {
                held.countDown();
                latch.await(60, TimeUnit.SECONDS);
            }
            if (sealed) {
                send(exchange, 503, Map.of("errors", List.of("Vault is sealed")));
                return;
            }
            if (!acceptedToken.equals(token) || deniedPaths.stream().anyMatch(path::startsWith)) {
                send(exchange, 403, Map.of("errors", List.of("permission denied")));
                return;
            }
            String[] parts = path.split("/", 5);
            if (parts.length == 5 && parts[3].equals("data") && mounts.contains(parts[2])) {
                kv(exchange, method, parts[2] + "/" + parts[4], body);
            } else if (path.startsWith("/v1/sys/policies/acl/")) {
                policy(exchange, method, path.substring("/v1/sys/policies/acl/".length()), body);
            } else {
                String route = path.substring("/v1/".length());
                send(exchange, 404, Map.of("errors", List.of("no handler for route \"" + route + "\". route entry not found.")));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void kv(HttpExchange exchange, String method, String path, String body) throws IOException {
        Secret secret = kv.get(path);
        switch (method) {
            case "GET" -> {
                if (secret == null || secret.versions.isEmpty() || secret.latestDeleted) {
                    send(exchange, 404, Map.of("errors", List.of()));
                    return;
                }
                int version = secret.versions.size();
                send(exchange, 200, Map.of("data", Map.of("data", secret.versions.get(version - 1),
                        "metadata", Map.of("version", version, "destroyed", false, "deletion_time", ""))));
            }
            case "POST", "PUT" -> {
                JsonNode request = JSON.readTree(body.isBlank() ? "{}" : body);
                if (!request.path("data").isObject()) {
                    send(exchange, 400, Map.of("errors", List.of("no data provided")));
                    return;
                }
                int current = secret == null ? 0 : secret.versions.size();
                JsonNode cas = request.path("options").path("cas");
                if (!cas.isMissingNode() && cas.asInt() != current) {
                    send(exchange, 400, Map.of("errors", List.of("check-and-set parameter did not match the current version")));
                    return;
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> data = JSON.convertValue(request.path("data"), LinkedHashMap.class);
                Secret target = kv.computeIfAbsent(path, p -> new Secret());
                target.versions.add(data);
                target.latestDeleted = false;
                send(exchange, 200, Map.of("data", Map.of("created_time", "2024-01-01T00:00:00Z", "deletion_time", "",
                        "destroyed", false, "version", target.versions.size())));
            }
            default -> send(exchange, 405, Map.of("errors", List.of("unsupported operation")));
        }
    }

    private void policy(HttpExchange exchange, String method, String name, String body) throws IOException {
        switch (method) {
            case "GET" -> {
                String policy = policies.get(name);
                if (policy == null) {
                    send(exchange, 404, Map.of("errors", List.of()));
                } else {
                    send(exchange, 200, Map.of("data", Map.of("name", name, "policy", policy)));
                }
            }
            case "PUT", "POST" -> {
                String policy = JSON.readTree(body.isBlank() ? "{}" : body).path("policy").asText("");
                if (policy.isBlank()) {
                    send(exchange, 400, Map.of("errors", List.of("'policy' parameter not supplied or empty")));
                    return;
                }
                policies.put(name, policy);
                exchange.sendResponseHeaders(204, -1);
            }
            default -> send(exchange, 405, Map.of("errors", List.of("unsupported operation")));
        }
    }

    private static void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
