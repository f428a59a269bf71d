package io.innominatus.steps.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.innominatus.model.DeploymentPlan;
import io.innominatus.model.EffectivePolicies;
import io.innominatus.steps.StepTests;
import io.innominatus.steps.TestStepContext;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.steps.spi.StepMode;
import io.innominatus.steps.spi.StepResult;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The vault-setup step against {@link FakeVault}, which answers as Vault's KV v2 and ACL policy API. */
class VaultSetupStepExecutorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DeploymentPlan.ExecutionLimits READ_WRITE = new DeploymentPlan.ExecutionLimits(null,
            EffectivePolicies.VAULT_READ_WRITE, EffectivePolicies.KUBERNETES_NAMESPACE_SCOPED);

    private FakeVault vault;
    private final VaultSetupStepExecutor executor = new VaultSetupStepExecutor(name -> null);

    @BeforeEach
    void start() throws IOException {
        vault = new FakeVault();
    }

    @AfterEach
    void stop() {
        vault.close();
    }

    private TestStepContext context() {
        return new TestStepContext("vault-setup").config("address", vault.address()).config("token", FakeVault.TOKEN)
                .config("secrets", List.of("db-password", "api-key")).config("policies", List.of("shop-read"));
    }

    private void assertTokenNeverShown(TestStepContext context, String... more) {
        assertFalse(context.log().contains(FakeVault.TOKEN), "the token is never logged");
        for (String text : more) {
            assertFalse(text.contains(FakeVault.TOKEN), "the token is never in errors or outputs");
        }
        assertTrue(context.secrets.contains(FakeVault.TOKEN), "the token is registered as a secret");
    }

    @Test
    void readWriteCreatesMissingSecretsAsPlaceholdersAndWritesThePolicy() throws IOException {
        vault.putSecret("secret/shop/api-key", Map.of("value", "keep-me"));
        TestStepContext context = context().limits(READ_WRITE);

        StepResult result = StepTests.run(() -> executor.run(context, StepMode.APPLY));

        FakeVault.Secret created = vault.kv.get("secret/shop/db-password");
        assertEquals(1, created.versions.size());
        assertEquals(Map.of("placeholder", "true"), created.versions.get(0));
        assertEquals(List.of(Map.of("value", "keep-me")), vault.kv.get("secret/shop/api-key").versions,
                "an existing secret is never overwritten");
        FakeVault.Request write = vault.writes().stream().filter(r -> r.path().equals("/v1/secret/data/shop/db-password"))
                .findFirst().orElseThrow();
        JsonNode body = JSON.readTree(write.body());
        assertEquals(0, body.path("options").path("cas").asInt(-1), "created with check-and-set 0");
        assertTrue(body.path("options").path("cas").isInt());
        assertEquals("""
                # Managed by innominatus: read access to the secrets under secret/shop.
                path "secret/data/shop/*" {
                  capabilities = ["read"]
                }
                """, vault.policies.get("shop-read"));
        assertEquals(List.of("POST /v1/secret/data/shop/db-password", "PUT /v1/sys/policies/acl/shop-read"),
                vault.writes().stream().map(r -> r.method() + " " + r.path()).toList());
        assertTrue(vault.requests.stream().allMatch(r -> FakeVault.TOKEN.equals(r.token())), "token in X-Vault-Token");

        assertEquals("secret/data/shop/db-password", result.outputs().get("path.db-password"));
        assertEquals("secret/data/shop/api-key", result.outputs().get("path.api-key"));
        assertEquals("shop-read", result.outputs().get("policies"));
        assertEquals("db-password", result.outputs().get("created"));
        assertTokenNeverShown(context, result.outputs().toString());
    }

    @Test
    void aSecondReadWriteRunChangesNothing() {
        StepTests.run(() -> executor.run(context().limits(READ_WRITE), StepMode.APPLY));
        vault.requests.clear();

        StepResult again = StepTests.run(() -> executor.run(context().limits(READ_WRITE), StepMode.APPLY));

        assertEquals(List.of(), vault.writes(), "existing secrets and an identical policy are left alone");
        assertEquals("", again.outputs().get("created"));
    }

    @Test
    void aDifferentPolicyOfTheSameNameIsUpdated() {
        vault.policies.put("shop-read", "path \"secret/*\" { capabilities = [\"read\", \"list\"] }");
        TestStepContext context = context().limits(READ_WRITE).config("secrets", List.of());

        StepTests.run(() -> executor.run(context, StepMode.APPLY));

        assertTrue(vault.policies.get("shop-read").contains("path \"secret/data/shop/*\""));
        assertTrue(context.logged("updated policy shop-read"));
    }

    @Test
    void aSoftDeletedSecretIsNotRecreated() {
        vault.putSecret("secret/shop/db-password", Map.of("value", "old"));
        vault.kv.get("secret/shop/db-password").latestDeleted = true;
        TestStepContext context = context().limits(READ_WRITE).config("secrets", List.of("db-password"));

        StepResult result = StepTests.run(() -> executor.run(context, StepMode.APPLY));

        assertEquals(1, vault.kv.get("secret/shop/db-password").versions.size(), "check-and-set 0 refused the write");
        assertEquals("", result.outputs().get("created"));
        assertTrue(context.logged("secret db-password already has versions; left as it is"));
    }

    @Test
    void readOnlyVerifiesWithoutWriting() {
        vault.putSecret("secret/shop/db-password", Map.of("value", "x"));
        vault.putSecret("secret/shop/api-key", Map.of("value", "y"));
        vault.policies.put("shop-read", "path \"secret/data/shop/*\" { capabilities = [\"read\"] }");
        TestStepContext context = context();

        StepResult result = StepTests.run(() -> executor.run(context, StepMode.APPLY));

        assertEquals(List.of(), vault.writes());
        assertEquals(3, vault.requests.size());
        assertEquals("secret/data/shop/db-password", result.outputs().get("path.db-password"));
        assertNull(result.outputs().get("created"));
    }

    @Test
    void readOnlyFailsListingEverythingMissing() {
        vault.putSecret("secret/shop/api-key", Map.of("value", "y"));
        TestStepContext context = context();

        StepFailure failure = StepTests.failure(() -> executor.run(context, StepMode.APPLY));

        assertEquals("missing in Vault (vault access is read-only, so they are not created): "
                + "secrets secret/data/shop/db-password; policies shop-read", failure.getMessage());
        assertEquals(List.of(), vault.writes());
        assertTokenNeverShown(context, failure.getMessage());
    }

    @Test
    void dryRunDescribesWhatWouldBeCreatedWithoutWriting() {
        vault.mounts.add("kv");
        TestStepContext context = context().limits(READ_WRITE).config("mount", "kv").config("path", "teams/shop");

        StepResult result = StepTests.run(() -> executor.run(context, StepMode.DRY_RUN));

        assertEquals(List.of(), vault.writes(), "a dry run writes nothing");
        assertTrue(context.logged("dry run: would create secret kv/data/teams/shop/db-password as a placeholder"), context.log());
        assertTrue(context.logged("dry run: would create policy shop-read granting read on kv/data/teams/shop/*"));
        assertEquals("kv/data/teams/shop/api-key", result.outputs().get("path.api-key"));
        assertEquals("true", result.outputs().get("dryRun"));
        assertTrue(vault.requests.stream().anyMatch(r -> r.path().equals("/v1/kv/data/teams/shop/api-key")));
    }

    @Test
    void permissionDeniedIsReportedWithVaultsMessageAndWithoutTheToken() {
        vault.deniedPaths.add("/v1/sys/policies");
        TestStepContext context = context().limits(READ_WRITE);

        StepFailure failure = StepTests.failure(() -> executor.run(context, StepMode.APPLY));

        assertEquals("Vault answered 403 to GET /v1/sys/policies/acl/shop-read: permission denied", failure.getMessage());
        assertTokenNeverShown(context, failure.getMessage());
    }

    @Test
    void aWrongTokenIsRefused() {
        TestStepContext context = context().config("token", "hvs.wrong-token");

        StepFailure failure = StepTests.failure(() -> executor.run(context, StepMode.APPLY));

        assertEquals("Vault answered 403 to GET /v1/secret/data/shop/db-password: permission denied", failure.getMessage());
        assertFalse(failure.getMessage().contains("hvs.wrong-token"));
        assertTrue(context.secrets.contains("hvs.wrong-token"));
    }

    @Test
    void aSealedVaultIsReported() {
        vault.sealed = true;

        StepFailure failure = StepTests.failure(() -> executor.run(context(), StepMode.APPLY));

        assertEquals("Vault answered 503 to GET /v1/secret/data/shop/db-password: Vault is sealed", failure.getMessage());
    }

    @Test
    void anUnknownMountIsReportedWithVaultsRouteError() {
        StepFailure failure = StepTests.failure(() -> executor.run(context().config("mount", "nope"), StepMode.APPLY));

        assertTrue(failure.getMessage().startsWith("Vault answered 404 to GET /v1/nope/data/shop/db-password: no handler for route"),
                failure.getMessage());
    }

    @Test
    void anUnreachableVaultIsAClearError() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        TestStepContext context = context().config("address", "http://127.0.0.1:" + port);

        StepFailure failure = StepTests.failure(() -> executor.run(context, StepMode.APPLY));

        assertEquals("cannot reach Vault at http://127.0.0.1:" + port + ": connection refused", failure.getMessage());
        assertTokenNeverShown(context, failure.getMessage());
    }

    @Test
    void cancellationAbandonsAHangingRequest() throws InterruptedException {
        vault.hold = new CountDownLatch(1);
        TestStepContext context = context();
        CompletableFuture<StepResult> running = StepTests.start(() -> executor.run(context, StepMode.APPLY));
        assertTrue(vault.held.await(StepTests.PATIENCE.toSeconds(), TimeUnit.SECONDS), "the request reached Vault");

        context.cancellation().cancel("execution cancelled");

        assertEquals("cancelled: execution cancelled", StepTests.failureOf(running).getMessage());
        assertEquals(1, vault.requests.size(), "nothing more is sent after cancellation");
    }

    @Test
    void addressAndTokenDefaultToTheEnvironmentAndThePathToTheApplication() {
        vault.putSecret("secret/checkout/db-password", Map.of("value", "x"));
        Map<String, String> env = Map.of("VAULT_ADDR", vault.address() + "/", "VAULT_TOKEN", FakeVault.TOKEN);
        VaultSetupStepExecutor fromEnvironment = new VaultSetupStepExecutor(env::get);
        TestStepContext context = new TestStepContext("vault-setup").config("secrets", List.of("db-password"))
                .plan(TestStepContext.plan("checkout", "", "prod", Map.of()));

        StepResult result = StepTests.run(() -> fromEnvironment.run(context, StepMode.APPLY));

        assertEquals("secret/data/checkout/db-password", result.outputs().get("path.db-password"));
        assertTokenNeverShown(context);
    }

    @Test
    void configurationErrorsAreClear() {
        assertEquals("a Vault token is required: set config.token or VAULT_TOKEN",
                StepTests.failure(() -> executor.run(context().config("token", null), StepMode.APPLY)).getMessage());
        assertEquals("the Vault address is required: set config.address or VAULT_ADDR",
                StepTests.failure(() -> executor.run(context().config("address", null), StepMode.APPLY)).getMessage());
        assertEquals("config.secrets: '../root' is not a valid name (letters, digits, '.', '_', '-')",
                StepTests.failure(() -> executor.run(context().config("secrets", List.of("../root")), StepMode.APPLY)).getMessage());
        assertEquals("config.path 'a/../b' may only hold letters, digits, '.', '_', '-' and '/'",
                StepTests.failure(() -> executor.run(context().config("path", "a/../b"), StepMode.APPLY)).getMessage());
        assertEquals("a vault-setup step needs config.secrets or config.policies",
                StepTests.failure(() -> executor.run(context().config("secrets", null).config("policies", null), StepMode.APPLY)).getMessage());
        assertEquals(List.of(), vault.requests);
    }
}
