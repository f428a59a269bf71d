package io.innominatus.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.innominatus.model.Diagnostic;
import io.innominatus.model.Tier;
import io.innominatus.model.WorkflowDefinition;
import io.innominatus.support.YamlLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogLoaderTest {

    static final String ADMIN = """
            admin:
              defaultCostCenter: engineering
            workflowPolicies:
              workflowsRoot: ./workflows
              requiredPlatformWorkflows: [scan]
              allowedProductWorkflows: [shop/db]
            """;
    static final String SCAN = """
            apiVersion: workflow.dev/v1
            kind: PlatformWorkflow
            metadata: {name: scan, phase: pre-deployment, owner: platform}
            spec:
              triggers: [all_deployments]
              steps:
                - {name: a, type: exec}
            """;
    static final String DB = """
            apiVersion: workflow.dev/v1
            kind: ProductWorkflow
            metadata: {name: db, phase: pre-deployment, owner: shop-team, product: shop}
            spec:
              triggers: [product_deployment]
              steps:
                - {name: migrate, type: exec, config: {command: [echo, "${admin.defaultCostCenter}"]}}
            """;

    static Path catalog(Path dir) throws IOException {
        Files.writeString(dir.resolve("admin-config.yaml"), ADMIN);
        Files.createDirectories(dir.resolve("workflows/platform"));
        Files.createDirectories(dir.resolve("workflows/products/shop"));
        Files.createDirectories(dir.resolve("workflows/products/empty"));
        Files.writeString(dir.resolve("workflows/platform/scan.yaml"), SCAN);
        Files.writeString(dir.resolve("workflows/products/shop/db.yaml"), DB);
        return dir.resolve("admin-config.yaml");
    }

    private static Catalog load(Path admin) {
        return CatalogLoader.load(admin, YamlLoader.Limits.DEFAULT);
    }

    /** The names, without extension, of the workflow files directly in {@code dir}, sorted. */
    private static List<String> yamlFiles(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
                    .map(n -> n.substring(0, n.length() - ".yaml".length())).sorted().toList();
        }
    }

    @Test
    void bundledCatalogLoadsWithoutErrors() throws IOException {
        Catalog catalog = load(Path.of("admin-config.yaml"));
        assertTrue(catalog.admin().isPresent());
        List<Diagnostic> errors = catalog.diagnostics().stream().filter(Diagnostic::isError).toList();
        assertTrue(errors.isEmpty(), () -> errors.stream().map(Diagnostic::describe).toList().toString());
        // Whatever the shipped catalog holds: every file is loaded, under the tier and product its place says.
        assertEquals(yamlFiles(Path.of("workflows/platform")).stream().map(f -> "platform/" + f).toList(),
                catalog.platformWorkflows().stream().map(WorkflowDefinition::id).sorted().toList());
        try (var products = Files.list(Path.of("workflows/products"))) {
            List<String> onDisk = products.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(onDisk, List.copyOf(catalog.products()));
            for (String product : onDisk) {
                assertEquals(yamlFiles(Path.of("workflows/products", product)).stream().filter(f -> !f.equals("provisioners")).count(),
                        catalog.productWorkflows(product).size(), product);
            }
        }
        assertEquals(1, catalog.policyDocuments().size());
        assertEquals(64, catalog.digest().length());
    }

    @Test
    void indexesWorkflowsAndEmptyProducts(@TempDir Path dir) throws IOException {
        Catalog catalog = load(catalog(dir));
        assertFalse(catalog.hasErrors(), () -> catalog.diagnostics().toString());
        assertEquals(List.of("empty", "shop"), List.copyOf(catalog.products()));
        WorkflowDefinition db = catalog.workflow("products/shop/db").orElseThrow();
        assertEquals(Tier.PRODUCT, db.tier());
        assertEquals("products/shop/db.yaml", db.sourceFile());
        assertEquals(dir.resolve("workflows/products/shop").toAbsolutePath().normalize(), db.baseDirectory());
    }

    @Test
    void brokenFilesAreReportedAndTheRestStillLoads(@TempDir Path dir) throws IOException {
        catalog(dir);
        Files.writeString(dir.resolve("workflows/platform/broken.yaml"), SCAN.replace("name: scan", "name: broken")
                .replace("type: exec}", "type: exec, dependsOn: [nowhere]}"));
        Files.writeString(dir.resolve("workflows/platform/garbage.yaml"), "kind: [unclosed\n");
        Files.write(dir.resolve("workflows/platform/latin1.yaml"), new byte[] {'a', ':', ' ', (byte) 0xE9, '\n'});
        Catalog catalog = load(dir.resolve("admin-config.yaml"));
        assertTrue(catalog.workflow("platform/scan").orElseThrow().valid());
        WorkflowDefinition broken = catalog.workflow("platform/broken").orElseThrow();
        assertFalse(broken.valid());
        assertTrue(catalog.diagnostics().stream().anyMatch(d -> d.code().equals("UNKNOWN_DEPENDENCY")
                && d.location().file().equals("platform/broken.yaml") && d.location().line() == 7));
        assertTrue(catalog.diagnostics().stream().anyMatch(d -> d.code().equals("YAML_SYNTAX")
                && d.location().file().equals("platform/garbage.yaml")));
        assertTrue(catalog.diagnostics().stream().anyMatch(d -> d.code().equals("INVALID_ENCODING")
                && d.location().file().equals("platform/latin1.yaml")));
    }

    @Test
    void duplicateNamesAndMisplacedKindsAreErrors(@TempDir Path dir) throws IOException {
        catalog(dir);
        Files.writeString(dir.resolve("workflows/platform/zz-scan.yaml"), SCAN);
        Files.writeString(dir.resolve("workflows/platform/db.yaml"), DB);
        Catalog catalog = load(dir.resolve("admin-config.yaml"));
        assertTrue(catalog.diagnostics().stream().anyMatch(d -> d.code().equals("DUPLICATE_WORKFLOW")
                && d.location().file().equals("platform/zz-scan.yaml")));
        assertTrue(catalog.diagnostics().stream().anyMatch(d -> d.code().equals("KIND_MISMATCH")
                && d.location().file().equals("platform/db.yaml")));
    }

    @Test
    void linksOutOfTheCatalogAreRefused(@TempDir Path dir) throws IOException {
        catalog(dir);
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("evil.yaml"), SCAN.replace("name: scan", "name: evil"));
        Files.createSymbolicLink(dir.resolve("workflows/platform/evil.yaml"), outside.resolve("evil.yaml"));
        Catalog catalog = load(dir.resolve("admin-config.yaml"));
        assertTrue(catalog.workflow("platform/evil").isEmpty());
        assertTrue(catalog.diagnostics().stream().anyMatch(d -> d.code().equals("PATH_ESCAPE")));
    }

    @Test
    void missingAdminConfigLeavesNothingToPlanWith(@TempDir Path dir) {
        Catalog catalog = load(dir.resolve("absent.yaml"));
        assertTrue(catalog.admin().isEmpty());
        assertEquals("FILE_NOT_FOUND", catalog.diagnostics().get(0).code());
    }

    @Test
    void policyEntriesNamingMissingWorkflowsAreWarnings(@TempDir Path dir) throws IOException {
        Path admin = catalog(dir);
        Files.writeString(admin, ADMIN.replace("[scan]", "[scan, ghost]"));
        Catalog catalog = load(admin);
        assertFalse(catalog.hasErrors());
        assertTrue(catalog.diagnostics().stream().anyMatch(d -> d.code().equals("REQUIRED_WORKFLOW_NOT_FOUND")
                && d.message().contains("ghost")));
    }

    @Test
    void reloadKeepsTheLastGoodCatalog(@TempDir Path dir) throws IOException {
        Path admin = catalog(dir);
        CatalogHolder holder = new CatalogHolder(admin.toString(), 1024 * 1024);
        holder.startInitialLoad(); // on its own thread: active() waits for it
        String good = holder.active().digest();

        Files.writeString(dir.resolve("workflows/platform/scan.yaml"), SCAN.replace("phase: pre-deployment", "phase: later"));
        CatalogHolder.ReloadOutcome rejected = holder.reload();
        assertFalse(rejected.activated());
        assertTrue(rejected.attempted().diagnostics().stream().anyMatch(d -> d.code().equals("INVALID_ENUM")));
        assertEquals(good, holder.active().digest());
        assertTrue(holder.active().workflow("platform/scan").orElseThrow().valid());

        Files.writeString(dir.resolve("workflows/platform/scan.yaml"), SCAN.replace("name: a,", "name: renamed,"));
        assertTrue(holder.reload().activated());
        assertNotEquals(good, holder.active().digest());
    }
}
