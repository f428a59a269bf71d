package io.innominatus.steps.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import io.innominatus.model.EffectivePolicies;
import io.innominatus.steps.spi.StepContext;
import io.innominatus.steps.spi.StepExecutor;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.steps.spi.StepMode;
import io.innominatus.steps.spi.StepResult;
import io.innominatus.steps.tools.OutputFiles;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * {@code vault-setup}: prepares an application's secrets in HashiCorp Vault through its HTTP API. Secret
 * names in {@code config.secrets} live in the KV v2 engine at {@code config.mount} (default {@code secret})
 * under {@code config.path} (default the application name); {@code config.policies} name ACL policies
 * granting read access to them. With the plan's vault access {@code read-write}, missing secrets are
 * created as placeholders (check-and-set 0, so an existing secret is never overwritten) and the policies
 * are written; with {@code read-only} (the default) every secret and policy must already exist. The token
 * ({@code config.token} or {@code VAULT_TOKEN}) is sent only in {@code X-Vault-Token} and is a secret.
 */
@ApplicationScoped
public class VaultSetupStepExecutor implements StepExecutor {

    static final Map<String, Object> PLACEHOLDER = Map.of("placeholder", "true");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private final UnaryOperator<String> environment;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    public VaultSetupStepExecutor() {
        this(System::getenv);
    }

    /** @param environment where {@code VAULT_ADDR} and {@code VAULT_TOKEN} are read when config does not set them */
    VaultSetupStepExecutor(UnaryOperator<String> environment) {
        this.environment = environment;
    }

    @Override
    public String type() {
        return "vault-setup";
    }

    @Override
    public StepResult run(StepContext context, StepMode mode) {
        boolean dryRun = mode.dryRun();
        String token = context.string("token").filter(s -> !s.isBlank())
                .or(() -> java.util.Optional.ofNullable(environment.apply("VAULT_TOKEN")).filter(s -> !s.isBlank()))
                .orElseThrow(() -> new StepFailure("a Vault token is required: set config.token or VAULT_TOKEN"));
        context.secret(token);
        String address = context.string("address").filter(s -> !s.isBlank())
                .or(() -> java.util.Optional.ofNullable(environment.apply("VAULT_ADDR")).filter(s -> !s.isBlank()))
                .orElseThrow(() -> new StepFailure("the Vault address is required: set config.address or VAULT_ADDR"))
                .trim().replaceAll("/+$", "");
        if (!address.startsWith("http://") && !address.startsWith("https://")) {
            throw new StepFailure("Vault address '" + address + "' must start with http:// or https://");
        }
        String mount = segments(context.string("mount").orElse("secret"), "config.mount");
        String path = segments(context.string("path").filter(s -> !s.isBlank()).orElse(context.plan().application()),
                "config.path");
        List<String> secrets = names(context.stringList("secrets"), "config.secrets");
        List<String> policies = names(context.stringList("policies"), "config.policies");
        if (secrets.isEmpty() && policies.isEmpty()) {
            throw new StepFailure("a vault-setup step needs config.secrets or config.policies");
        }
        boolean readWrite = EffectivePolicies.VAULT_READ_WRITE.equals(context.limits().vaultAccess());
        Vault vault = new Vault(context, address, token);
        String prefix = dryRun ? "dry run: " : "";
        context.log(prefix + (readWrite ? "creating missing" : "checking") + " secrets under " + mount + "/data/" + path
                + " and policies " + policies + " in " + address + " (vault access " + context.limits().vaultAccess() + ")");

        List<String> missingSecrets = new ArrayList<>();
        List<String> created = new ArrayList<>();
        for (String name : secrets) {
            String apiPath = mount + "/data/" + path + "/" + name;
            Response read = vault.call("GET", apiPath, null);
            if (read.status() == 200) {
                context.log(prefix + "secret " + name + " exists");
                continue;
            }
            if (!read.notFound()) {
                throw vault.error("GET", apiPath, read);
            }
            if (!readWrite) {
                missingSecrets.add(name);
                context.log(prefix + "secret " + name + " is missing");
            } else if (dryRun) {
                context.log("dry run: would create secret " + apiPath + " as a placeholder");
            } else {
                Map<String, Object> body = Map.of("options", Map.of("cas", 0), "data", PLACEHOLDER);
                Response write = vault.call("POST", apiPath, body);
                if (write.status() == 200 || write.status() == 204) {
                    created.add(name);
                    context.log("created secret " + apiPath + " as a placeholder; write its real value to Vault");
                } else if (write.status() == 400 && write.errors().contains("check-and-set")) {
                    // Written meanwhile, or its latest version is deleted: either way it is not ours to overwrite.
                    context.log("secret " + name + " already has versions; left as it is");
                } else {
                    throw vault.error("POST", apiPath, write);
                }
            }
        }

        List<String> missingPolicies = new ArrayList<>();
        String hcl = policy(mount, path);
        for (String name : policies) {
            String apiPath = "sys/policies/acl/" + name;
            Response read = vault.call("GET", apiPath, null);
            if (read.status() != 200 && !read.notFound()) {
                throw vault.error("GET", apiPath, read);
            }
            boolean exists = read.status() == 200;
            if (!readWrite) {
                if (!exists) {
                    missingPolicies.add(name);
                }
                context.log(prefix + "policy " + name + (exists ? " exists" : " is missing"));
                continue;
            }
            if (exists && hcl.equals(read.json().path("data").path("policy").asText(null))) {
                context.log(prefix + "policy " + name + " is up to date");
                continue;
            }
            if (dryRun) {
                context.log("dry run: would " + (exists ? "update" : "create") + " policy " + name
                        + " granting read on " + mount + "/data/" + path + "/*");
                continue;
            }
            Response write = vault.call("PUT", apiPath, Map.of("policy", hcl));
            if (write.status() != 200 && write.status() != 204) {
                throw vault.error("PUT", apiPath, write);
            }
            context.log((exists ? "updated" : "created") + " policy " + name + " granting read on " + mount + "/data/"
                    + path + "/*");
        }

        if (!missingSecrets.isEmpty() || !missingPolicies.isEmpty()) {
            List<String> parts = new ArrayList<>();
            if (!missingSecrets.isEmpty()) {
                parts.add("secrets " + String.join(", ", missingSecrets.stream().map(s -> mount + "/data/" + path + "/" + s)
                        .toList()));
            }
            if (!missingPolicies.isEmpty()) {
                parts.add("policies " + String.join(", ", missingPolicies));
            }
            throw new StepFailure("missing in Vault (vault access is read-only, so they are not created): "
                    + String.join("; ", parts));
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        if (dryRun) {
            outputs.put("dryRun", "true");
        }
        secrets.forEach(name -> outputs.put("path." + name, mount + "/data/" + path + "/" + name));
        outputs.put("secrets", String.join(",", secrets));
        outputs.put("policies", String.join(",", policies));
        if (!dryRun && readWrite) {
            outputs.put("created", String.join(",", created));
        }
        return StepResult.of(outputs);
    }

    /** The ACL policy written for the application: read access to its secrets, nothing else. */
    static String policy(String mount, String path) {
        return "# Managed by innominatus: read access to the secrets under " + mount + "/" + path + ".\n"
                + "path \"" + mount + "/data/" + path + "/*\" {\n"
                + "  capabilities = [\"read\"]\n"
                + "}\n";
    }

    private static String segments(String value, String field) {
        String trimmed = value.trim().replaceAll("^/+|/+$", "");
        if (trimmed.isEmpty()) {
            throw new StepFailure(field + " must not be empty");
        }
        for (String segment : trimmed.split("/")) {
            if (!NAME.matcher(segment).matches() || segment.equals("..")) {
                throw new StepFailure(field + " '" + value + "' may only hold letters, digits, '.', '_', '-' and '/'");
            }
        }
        return trimmed;
    }

    private static List<String> names(List<String> values, String field) {
        for (String value : values) {
            if (!NAME.matcher(value).matches()) {
                throw new StepFailure(field + ": '" + value + "' is not a valid name (letters, digits, '.', '_', '-')");
            }
        }
        return values.stream().distinct().toList();
    }

    /** A Vault answer: status, body and Vault's {@code errors} joined. */
    record Response(int status, JsonNode json, String errors) {

        /**
         * Vault answers a missing secret or policy with 404 and no error text; a 404 with text (such as
         * "no handler for route" for an unknown mount) is an error, not a missing item.
         */
        boolean notFound() {
            return status == 404 && errors.isBlank();
        }
    }

    /** Calls to one Vault server with one token; stops waiting when the step is cancelled. */
    private final class Vault {
        private final StepContext context;
        private final String address;
        private final String token;

        Vault(StepContext context, String address, String token) {
            this.context = context;
            this.address = address;
            this.token = token;
        }

        Response call(String method, String apiPath, Object body) {
            context.cancellation().check();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(address + "/v1/" + apiPath))
                    .timeout(REQUEST_TIMEOUT)
                    .header("X-Vault-Token", token)
                    .header("X-Vault-Request", "true")
                    .header("Accept", "application/json");
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                try {
                    request.header("Content-Type", "application/json").method(method,
                            HttpRequest.BodyPublishers.ofString(OutputFiles.JSON.writeValueAsString(body)));
                } catch (IOException e) {
                    throw new StepFailure("cannot encode the request to Vault");
                }
            }
            CompletableFuture<HttpResponse<String>> pending = http.sendAsync(request.build(),
                    HttpResponse.BodyHandlers.ofString());
            context.cancellation().onCancel(() -> pending.cancel(true));
            HttpResponse<String> response;
            try {
                response = pending.get();
            } catch (CancellationException e) {
                context.cancellation().check();
                throw new StepFailure("the request to Vault was abandoned");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StepFailure("interrupted while waiting for Vault");
            } catch (ExecutionException e) {
                context.cancellation().check();
                throw new StepFailure("cannot reach Vault at " + address + ": " + reason(e.getCause()));
            }
            JsonNode json = parse(response.body());
            List<String> errors = new ArrayList<>();
            json.path("errors").forEach(error -> errors.add(error.asText()));
            return new Response(response.statusCode(), json, String.join("; ", errors));
        }

        StepFailure error(String method, String apiPath, Response response) {
            String why = response.errors().isBlank() ? statusText(response.status()) : response.errors();
            return new StepFailure("Vault answered " + response.status() + " to " + method + " /v1/" + apiPath + ": " + why);
        }
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return OutputFiles.JSON.createObjectNode();
        }
        try {
            return OutputFiles.JSON.readTree(body);
        } catch (IOException e) {
            return OutputFiles.JSON.createObjectNode();
        }
    }

    private static String reason(Throwable cause) {
        if (cause instanceof HttpConnectTimeoutException) {
            return "connection timed out";
        }
        if (cause instanceof HttpTimeoutException) {
            return "no answer within " + REQUEST_TIMEOUT.toSeconds() + "s";
        }
        if (cause instanceof ConnectException) {
            return "connection refused";
        }
        if (cause instanceof javax.net.ssl.SSLException) {
            return "TLS handshake failed" + (cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")");
        }
        return cause == null || cause.getMessage() == null ? "connection failed" : cause.getMessage();
    }

    private static String statusText(int status) {
        return switch (status) {
            case 400 -> "invalid request";
            case 403 -> "permission denied";
            case 404 -> "not found";
            case 429 -> "rate limited";
            case 500 -> "internal error";
            case 502 -> "bad gateway";
            case 503 -> "Vault is sealed or in maintenance";
            default -> "unexpected status";
        };
    }
}
