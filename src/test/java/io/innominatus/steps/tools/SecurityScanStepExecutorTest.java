package io.innominatus.steps.tools;

import io.innominatus.steps.StepTests;
import io.innominatus.steps.TestStepContext;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.steps.spi.StepMode;
import io.innominatus.steps.spi.StepResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The security step against a stand-in trivy ({@code steps/trivy/fake-trivy.sh}) printing trivy's JSON reports. */
class SecurityScanStepExecutorTest {

    private static final String API = "registry.example.com/shop/api-vulnerable:2.3";
    private static final String WEB = "registry.example.com/shop/web-clean:1.0";

    @TempDir
    Path tools;

    private final SecurityScanStepExecutor executor = new SecurityScanStepExecutor();
    private Path trivy;
    private Path record;

    @BeforeEach
    void install() throws IOException {
        trivy = StepTests.executable("/steps/trivy/fake-trivy.sh", tools, "trivy");
        StepTests.copy("/steps/trivy/clean.json", tools, "clean.json");
        StepTests.copy("/steps/trivy/vulnerable.json", tools, "vulnerable.json");
        record = tools.resolve("calls.log");
    }

    private TestStepContext context(String... images) {
        Map<String, Object> containers = new LinkedHashMap<>();
        for (int i = 0; i < images.length; i++) {
            containers.put("c" + i, Map.of("image", images[i]));
        }
        return new TestStepContext("security").config("binary", trivy.toString())
                .config("env", Map.of("FAKE_TRIVY_RECORD", record.toString()))
                .plan(TestStepContext.plan("shop", "retail", "staging", Map.of("containers", containers)));
    }

    private List<String> calls() throws IOException {
        return Files.exists(record) ? Files.readAllLines(record) : List.of();
    }

    @Test
    void vulnerabilitiesAtOrAboveTheThresholdFailTheStepListingTheWorst() throws IOException {
        TestStepContext context = context(API, WEB);

        StepFailure failure = StepTests.failure(() -> executor.run(context, StepMode.APPLY));

        assertEquals("3 vulnerabilities at or above HIGH in 1 image(s): "
                + "CVE-2021-44228 CRITICAL in org.apache.logging.log4j:log4j-core 2.14.1 (" + API + "), "
                + "CVE-2022-37434 CRITICAL in zlib1g 1:1.2.11.dfsg-2+deb11u1 (" + API + "), "
                + "CVE-2023-0286 HIGH in openssl 1.1.1n-0+deb11u3 (" + API + ")", failure.getMessage());
        assertEquals(List.of("image --quiet --format json --exit-code 0 " + API,
                "image --quiet --format json --exit-code 0 " + WEB), calls());
        assertTrue(context.logged(API + ": 2 CRITICAL, 1 HIGH, 1 MEDIUM, 1 LOW, 1 UNKNOWN; 3 at or above HIGH"), context.log());
        assertTrue(context.logged(WEB + ": no vulnerabilities; 0 at or above HIGH"));
    }

    @Test
    void aCleanImagePasses() {
        StepResult result = StepTests.run(() -> executor.run(context(WEB), StepMode.APPLY));

        assertEquals(Map.of("images", WEB, "threshold", "HIGH", "unknown", "0", "low", "0", "medium", "0", "high", "0",
                "critical", "0", "findings", "0"), result.outputs());
    }

    @Test
    void findingsAreOnlyReportedWhenFailingIsSwitchedOff() {
        TestStepContext context = context(API, WEB).config("failOnVulnerabilities", false);

        StepResult result = StepTests.run(() -> executor.run(context, StepMode.APPLY));

        assertEquals("2", result.outputs().get("critical"));
        assertEquals("1", result.outputs().get("high"));
        assertEquals("1", result.outputs().get("medium"));
        assertEquals("1", result.outputs().get("low"));
        assertEquals("1", result.outputs().get("unknown"));
        assertEquals("3", result.outputs().get("findings"));
        assertEquals(API + "," + WEB, result.outputs().get("images"));
        assertTrue(context.logged("(not failing: config.failOnVulnerabilities is false)"));
    }

    @Test
    void theThresholdDecidesWhatCounts() {
        StepResult critical = StepTests.run(() -> executor.run(context(API).config("failOnVulnerabilities", "false")
                .config("severityThreshold", "critical"), StepMode.APPLY));
        StepResult medium = StepTests.run(() -> executor.run(context(API).config("failOnVulnerabilities", "false")
                .config("severityThreshold", "MEDIUM"), StepMode.APPLY));

        assertEquals("2", critical.outputs().get("findings"));
        assertEquals("CRITICAL", critical.outputs().get("threshold"));
        assertEquals("4", medium.outputs().get("findings"));
    }

    @Test
    void configuredImagesReplaceTheScoreImages() throws IOException {
        StepTests.run(() -> executor.run(context(API).config("images", List.of(WEB)), StepMode.APPLY));

        assertEquals(List.of("image --quiet --format json --exit-code 0 " + WEB), calls());
    }

    @Test
    void dryRunListsTheImagesAndTheCommandWithoutScanning() throws IOException {
        TestStepContext context = context(API, WEB);

        StepResult result = StepTests.run(() -> executor.run(context, StepMode.DRY_RUN));

        assertEquals(List.of(), calls(), "the scanner does not run");
        assertTrue(context.logged("dry run: would run " + trivy + " image --quiet --format json --exit-code 0 " + API));
        assertTrue(context.logged("dry run: would run " + trivy + " image --quiet --format json --exit-code 0 " + WEB));
        assertEquals(API + "," + WEB, result.outputs().get("images"));
    }

    @Test
    void aMissingScannerIsAClearError() {
        StepFailure failure = StepTests.failure(() -> executor.run(context(WEB).config("binary", "trivy-not-installed"), StepMode.APPLY));

        assertEquals("trivy binary 'trivy-not-installed' not found on PATH; install it or set config.binary", failure.getMessage());
    }

    @Test
    void aFailingScannerFailsTheStepWithItsError() {
        String missing = "registry.example.com/shop/missing:1";

        StepFailure failure = StepTests.failure(() -> executor.run(context(missing), StepMode.APPLY));

        assertTrue(failure.getMessage().startsWith("trivy scanning " + missing + " exited with code 1: "), failure.getMessage());
        assertTrue(failure.getMessage().contains("unable to find the specified image"), failure.getMessage());
    }

    @Test
    void cancellationStopsTheScanner() {
        TestStepContext context = context(WEB).config("env", Map.of("FAKE_TRIVY_RECORD", record.toString(),
                "FAKE_TRIVY_SLEEP", "1"));
        CompletableFuture<StepResult> running = StepTests.start(() -> executor.run(context, StepMode.APPLY));
        Path pid = Path.of(record + ".pid");
        StepTests.await(() -> read(pid).matches("\\d+"), "the scanner to start");
        long scanner = Long.parseLong(read(pid));

        context.cancellation().cancel("execution cancelled");

        assertEquals("cancelled: execution cancelled", StepTests.failureOf(running).getMessage());
        StepTests.await(() -> !StepTests.alive(scanner), "the scanner to be gone");
    }

    @Test
    void configurationErrorsAreClear() throws IOException {
        assertEquals("no container images to scan: the Score file names none and config.images is empty",
                StepTests.failure(() -> executor.run(context(), StepMode.APPLY)).getMessage());
        assertEquals("config.severityThreshold 'SEVERE' is not one of UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL",
                StepTests.failure(() -> executor.run(context(WEB).config("severityThreshold", "SEVERE"), StepMode.APPLY)).getMessage());
        assertEquals("'--config=/etc/x' is not a container image reference",
                StepTests.failure(() -> executor.run(context("--config=/etc/x"), StepMode.APPLY)).getMessage());
        assertTrue(StepTests.failure(() -> executor.run(context(WEB).config("scanner", "grype"), StepMode.APPLY)).getMessage()
                .startsWith("config.scanner 'grype' is not supported (supported: trivy)"));
        assertEquals(List.of(), calls());
    }

    @Test
    void theSameVulnerabilityOfOnePackageCountsOnce() throws IOException {
        String report = new String(SecurityScanStepExecutorTest.class.getResourceAsStream("/steps/trivy/vulnerable.json")
                .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

        List<SecurityScanStepExecutor.Finding> findings = SecurityScanStepExecutor.parse("api", report, "trivy");

        assertEquals(6, findings.size());
        assertEquals(1, findings.stream().filter(f -> f.id().equals("CVE-2022-37434")).count());
        assertFalse(findings.stream().anyMatch(f -> f.id().isEmpty()));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file).trim() : "";
        } catch (IOException e) {
            return "";
        }
    }
}
