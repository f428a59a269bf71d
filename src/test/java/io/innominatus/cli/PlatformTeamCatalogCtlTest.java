package io.innominatus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.innominatus.api.PlatformTeamCatalogProfile;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * innominatus-ctl against a platform team's own catalog (two products, three environments): what it prints of
 * the policies in force, how it reports candidates that are invalid or excluded, dry runs of realistic
 * candidates, help, and Ctrl-C while watching.
 */
@QuarkusTest
@TestProfile(PlatformTeamCatalogProfile.class)
@WithKubernetesTestServer(crud = true)
class PlatformTeamCatalogCtlTest {

    private static final String SHIPPING_WEB = PlatformTeamCatalogProfile.file("apps/shipping-web.yaml").toString();
    private static final String BILLING_API = PlatformTeamCatalogProfile.file("apps/billing-api.yaml").toString();

    @TestHTTPResource("/")
    URL url;

    private Ctl ctl;
    private Path work;

    @BeforeEach
    void setUp() throws IOException {
        ctl = Ctl.forServer(Ctl.tempHome(), url.getPort());
        work = Files.createTempDirectory("innominatus-ctl-candidates");
    }

    private Path candidate(String product, String name, String yaml) throws IOException {
        Path file = Files.createDirectories(work.resolve("workflows/products/" + product)).resolve(name + ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static String productWorkflow(String product, String name, String phase, String steps) {
        return """
                apiVersion: workflow.dev/v1
                kind: ProductWorkflow
                metadata:
                  name: %s
                  product: %s
                  owner: %s-team
                  phase: %s
                spec:
                  triggers: [product_deployment]
                  steps:
                %s""".formatted(name, product, product, phase, steps.indent(4));
    }

    // ---- item 1 ----

    @Test
    void policiesAndListProductsShowTheAllowListsInForce() {
        Ctl.Result policies = ctl.run("policies");
        assertEquals(0, policies.exitCode(), policies::toString);
        assertTrue(policies.out().contains("Allowed product workflows    billing/api-smoke, shipping/label-printer\n"),
                policies::toString);
        assertTrue(policies.out().contains("Allowed executors            anyone\n"), policies::toString);
        Ctl.Result products = ctl.run("list-products");
        assertTrue(products.outLines().stream().anyMatch(l -> l.matches("billing\\s+2\\s+1\\s+billing-team")), products::toString);
        assertTrue(products.outLines().stream().anyMatch(l -> l.matches("shipping\\s+2\\s+1\\s+shipping-team")),
                products::toString);
    }

    // ---- items 10 and 18 ----

    @Test
    void anInvalidCandidateIsAnErrorEvenWhenTheAllowListExcludesIt() throws IOException {
        Path invalid = candidate("shipping", "customs-v2", productWorkflow("shipping", "customs-v2", "soon",
                "- name: declare\n  type: exec\n  config: {command: [echo, hi]}"));
        Ctl.Result result = ctl.run("test-product-workflow", invalid.toString(), SHIPPING_WEB);
        assertEquals(3, result.exitCode(), result::toString);
        assertTrue(result.out().contains("Errors:\n  ERROR INVALID_ENUM 'soon'"), result::toString);
        assertTrue(result.err().contains("error: the candidate " + invalid + " has errors"), result::toString);
    }

    @Test
    void anExcludedCandidateNamesEveryListThatLeavesItOut() throws IOException {
        Path customs = candidate("shipping", "customs", PlatformTeamCatalogProfile.read(
                "workflows/products/shipping/customs.yaml"));
        Ctl.Result result = ctl.run("test-product-workflow", customs.toString(), SHIPPING_WEB);
        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(result.out().contains("Candidate products/shipping/customs is excluded by PRODUCT_WORKFLOW_NOT_ALLOWED: "
                + "product workflow 'shipping/customs' is not in allowedProductWorkflows of admin-config.yaml and of "
                + "WorkflowPolicies team-policies (policies/team-policies.yaml); each must list it. It does not run, not "
                + "even in a dry run, until the platform team adds 'shipping/customs' to each list named."), result::toString);
    }

    // ---- item 9 ----

    @Test
    void aDryRunOfACandidateUsingStepOutputsSucceeds() throws IOException {
        Path smoke = candidate("billing", "api-smoke", productWorkflow("billing", "api-smoke", "post-deployment", """
                - name: probe
                  type: exec
                  outputs: [status]
                  config: {command: [sh, -c, "echo status=200 > probe.env"], outputFile: probe.env}
                - name: report
                  type: exec
                  if: 'steps.probe.outputs.status == "200"'
                  config: {command: [echo, "probe answered ${steps.probe.outputs.status}"]}"""));
        Ctl.Result result = ctl.run("-v", "test-product-workflow", smoke.toString(), BILLING_API, "--dry-run");
        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(result.out().contains("probe answered (known after apply)"), result::toString);
        assertTrue(result.out().contains("depends on a value known only after apply"), result::toString);
    }

    // ---- item 17 ----

    @Test
    void helpNamesACommand() {
        Ctl.Result help = ctl.run("help", "deploy");
        assertEquals(0, help.exitCode(), help::toString);
        assertTrue(help.out().contains("Usage: innominatus-ctl deploy"), help::toString);
    }

    @Test
    void interruptingAWatchSaysTheRunContinuesAndHowToCancelIt() throws Exception {
        Path gate = PlatformTeamCatalogProfile.file("gate");
        Files.deleteIfExists(gate);
        List<Runnable> onInterrupt = new CopyOnWriteArrayList<>();
        Ctl watching = ctl.withInterrupts(action -> {
            onInterrupt.add(action);
            return () -> onInterrupt.remove(action);
        });
        CompletableFuture<Ctl.Result> run = CompletableFuture.supplyAsync(() -> watching.run("run", "platform/gated",
                SHIPPING_WEB, "-e", "development", "--watch"));
        for (int i = 0; i < 600 && onInterrupt.isEmpty() && !run.isDone(); i++) {
            Thread.sleep(50);
        }
        assertEquals(1, onInterrupt.size(), () -> "the watch registered nothing for Ctrl-C: " + run.getNow(null));
        // What Ctrl-C would run, before the JVM exits with 130.
        onInterrupt.get(0).run();
        Files.writeString(gate, "open");
        Ctl.Result result = run.get(120, TimeUnit.SECONDS);
        assertEquals(0, result.exitCode(), result::toString);
        String id = result.executionId();
        assertTrue(result.err().contains("Stopped watching. Execution " + id + " continues on the server.\n"), result::toString);
        assertTrue(result.err().contains("Cancel it with:       innominatus-ctl cancel " + id + "\n"), result::toString);
        assertTrue(onInterrupt.isEmpty(), "a finished watch withdraws its Ctrl-C note");
        assertFalse(result.err().contains("no details"), result::toString);
    }
}
