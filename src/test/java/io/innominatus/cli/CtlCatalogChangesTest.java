package io.innominatus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The platform team's side of the product team flow, on a catalog the test may change: a broken file keeps the
 * previous catalog (reload exits 3), and a candidate merged and allow-listed shows up in the plan.
 */
@QuarkusTest
@TestProfile(ScratchCatalogProfile.class)
class CtlCatalogChangesTest {

    @TestHTTPResource("/")
    URL url;

    @Test
    void reloadKeepsThePreviousCatalogWhenTheNewOneIsBrokenAndAcceptsAnAllowListedCandidate() throws IOException {
        Path root = ScratchCatalogProfile.ROOT;
        Path home = Ctl.tempHome();
        Ctl ctl = Ctl.forServer(home, url.getPort());
        Ctl.Result reload = ctl.run("reload");
        assertEquals(0, reload.exitCode(), reload::toString);
        assertTrue(reload.out().lines().anyMatch(l -> l.startsWith("Reloaded: 6 platform workflows, 4 product workflows in 2 "
                + "products, 1 policy document (catalog digest ")), reload::toString);

        Path broken = root.resolve("workflows/platform/broken.yaml");
        Files.writeString(broken, Files.readString(root.resolve("workflows/platform/diagnostics.yaml"))
                .replace("name: diagnostics", "name: broken").replace("phase: post-deployment", "phase: later"));
        Ctl.Result refused = ctl.run("reload");
        assertEquals(3, refused.exitCode(), refused::toString);
        assertTrue(refused.out().lines().anyMatch(l -> l.matches("platform/broken\\.yaml:\\d+:\\d+: ERROR INVALID_ENUM 'later' .*")),
                refused::toString);
        assertTrue(refused.out().contains("Not reloaded: the new catalog has errors; the previous one stays active with 6 platform "
                + "workflows"), refused::toString);
        Ctl.Result json = ctl.run("reload", "-o", "json");
        assertEquals(3, json.exitCode(), json::toString);
        assertFalse(new ObjectMapper().readTree(json.out()).has("activated"), json::toString);
        assertTrue(new ObjectMapper().readTree(json.out()).path("diagnostics").size() > 0, json::toString);
        Files.delete(broken);

        // The product team's candidate, merged and allow-listed by the platform team.
        Path local = Files.createTempDirectory("innominatus-ctl-candidate").resolve("fraud-check.yaml");
        Files.writeString(local, CtlCommandsTest.FRAUD_CHECK);
        Files.writeString(root.resolve("workflows/products/ecommerce/fraud-check.yaml"), CtlCommandsTest.FRAUD_CHECK);
        // Allow-lists of several sources are intersected: the admin config and the policy document both need the entry.
        for (Path policies : new Path[] {root.resolve("admin-config.yaml"), root.resolve("workflows/policies/organization-policies.yaml")}) {
            Files.writeString(policies, Files.readString(policies).replace("    - ecommerce/payment-integration\n",
                    "    - ecommerce/payment-integration\n    - ecommerce/fraud-check\n"));
        }
        Ctl.Result accepted = ctl.run("reload");
        assertEquals(0, accepted.exitCode(), accepted::toString);
        assertTrue(accepted.out().contains("Reloaded: 6 platform workflows, 5 product workflows in 2 products"), accepted::toString);

        Ctl.Result listed = ctl.run("list-product-workflows", "ecommerce");
        assertTrue(listed.out().lines().anyMatch(l -> l.matches("products/ecommerce/fraud-check\\s+deployment\\s+1\\s+"
                + "ecommerce-risk-team\\s+yes")), listed::toString);
        Ctl.Result validated = ctl.run("validate-product-workflow", local.toString(), "--product", "ecommerce");
        assertEquals(0, validated.exitCode(), validated::toString);
        assertTrue(validated.out().endsWith(": valid as products/ecommerce/fraud-check.yaml\n"), validated::toString);

        Ctl.Result tested = ctl.run("test-product-workflow", local.toString(), "workflows/examples/ecommerce-web.yaml", "--product",
                "ecommerce");
        assertEquals(0, tested.exitCode(), tested::toString);
        assertTrue(tested.out().contains("  products/ecommerce/fraud-check (candidate, product)\n"), tested::toString);
        assertTrue(tested.out().contains("Candidate products/ecommerce/fraud-check runs in the deployment phase (1 step)."),
                tested::toString);

        Ctl.Result executed = ctl.run("test-product-workflow", local.toString(), "workflows/examples/ecommerce-web.yaml",
                "--product", "ecommerce", "--execute");
        assertFalse(executed.out().contains("note:"), "the catalog runs this very file: " + executed);
        Files.writeString(local, CtlCommandsTest.FRAUD_CHECK.replace("echo", "printf"));
        Ctl.Result changed = ctl.run("test-product-workflow", local.toString(), "workflows/examples/ecommerce-web.yaml",
                "--product", "ecommerce", "--execute");
        assertTrue(changed.out().contains("note: products/ecommerce/fraud-check in the catalog differs from "), changed::toString);
    }
}
