package io.innominatus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.innominatus.api.EngineTestProfile;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every command of innominatus-ctl against a running instance of the service, through the CLI's picocli entry
 * point: output, exit codes and failures.
 */
@QuarkusTest
@TestProfile(EngineTestProfile.class)
class CtlCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static final String FRAUD_CHECK = io.innominatus.api.GrpcTestSupport.resource("candidates/fraud-check.yaml");

    @TestHTTPResource("/")
    URL url;

    private Path home;
    private Path work;
    private Ctl ctl;

    @BeforeEach
    void setUp() throws IOException {
        home = Ctl.tempHome();
        work = Files.createTempDirectory("innominatus-ctl-work");
        ctl = Ctl.forServer(home, url.getPort());
    }

    private Path write(String relative, String text) throws IOException {
        Path file = work.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    private static String example(String name) throws IOException {
        return Files.readString(Path.of("workflows/examples", name));
    }

    /** A hello-world Score file for a fresh application, so executions of different tests never meet. */
    private String score(String application) throws IOException {
        return write(application + "/score.yaml", example("hello-world.yaml").replace("name: hello-world", "name: " + application))
                .toString();
    }

    private static String uniqueApp() {
        return "cli-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void assertExit(int expected, Ctl.Result result) {
        assertEquals(expected, result.exitCode(), result::toString);
        assertFalse(result.err().contains("Exception"), () -> "no Java exceptions for people: " + result);
        assertFalse(result.err().contains("\tat "), () -> "no stack traces: " + result);
    }

    private static void assertContains(String text, String expected, Ctl.Result result) {
        assertTrue(text.contains(expected), () -> "expected '" + expected + "' in\n" + result);
    }

    @Test
    void helpListsEveryCommandAndTheExitCodesAndUsageErrorsExitWith2() {
        Ctl.Result help = ctl.run("--help");
        assertExit(0, help);
        for (String command : List.of("list-products", "list-product-workflows", "validate-product-workflow",
                "test-product-workflow", "plan", "deploy", "undeploy", "run", "watch", "executions", "get", "logs", "approve", "reject",
                "cancel", "retry", "policies", "step-types", "reload", "login", "logout")) {
            assertTrue(help.out().lines().anyMatch(l -> l.strip().startsWith(command + " ")), () -> command + " missing\n" + help);
        }
        assertContains(help.out(), "Exit codes:", help);
        assertTrue(help.out().lines().anyMatch(l -> l.matches("\\s*4\\s+blocked by policy.*")), help::toString);
        Ctl.Result subcommandHelp = ctl.run("deploy", "--help");
        assertExit(0, subcommandHelp);
        assertContains(subcommandHelp.out(), "--request-id", subcommandHelp);
        assertContains(subcommandHelp.out(), "--server", subcommandHelp);
        assertExit(0, ctl.run("--version"));

        Ctl.Result none = new Ctl(home).run();
        assertExit(2, none);
        assertContains(none.err(), "Commands:", none);
        Ctl.Result unknown = ctl.run("deplyo");
        assertExit(2, unknown);
        assertContains(unknown.err(), "deploy", unknown);
        Ctl.Result missingEnv = ctl.run("plan", "workflows/examples/hello-world.yaml");
        assertExit(2, missingEnv);
        assertContains(missingEnv.err(), "--env", missingEnv);
        assertExit(2, ctl.run("executions", "--state", "sleeping"));
        assertExit(2, ctl.run("test-product-workflow", "a.yaml", "b.yaml", "--dry-run", "--execute"));
        assertExit(2, ctl.run("list-products", "-o", "xml"));
        Ctl.Result missingFile = ctl.run("plan", "no-such-score.yaml", "--env", "development");
        assertExit(2, missingFile);
        assertContains(missingFile.err(), "cannot read no-such-score.yaml: no such file", missingFile);
        assertExit(2, new Ctl(home).run("--server", "host:port:x", "list-products"));
    }

    @Test
    void listProductsAsTableJsonAndYaml() throws IOException {
        Ctl.Result table = ctl.run("list-products");
        assertExit(0, table);
        assertEquals("PRODUCT    WORKFLOWS  ALLOWED  OWNERS", table.outLines().get(0));
        assertEquals("analytics  1          1        analytics-infrastructure-team", table.outLines().get(1));
        assertEquals("ecommerce  3          2        ecommerce-infrastructure-team, ecommerce-risk-team", table.outLines().get(2));

        Ctl.Result json = ctl.run("list-products", "-o", "json");
        assertExit(0, json);
        JsonNode products = JSON.readTree(json.out()).path("products");
        assertEquals(2, products.size());
        assertEquals("ecommerce", products.get(1).path("name").asText());
        assertEquals(2, products.get(1).path("allowedWorkflowCount").asInt());

        Ctl.Result yaml = ctl.run("list-products", "--output", "yaml");
        assertExit(0, yaml);
        assertContains(yaml.out(), "products:\n  - name: analytics\n", yaml);
        assertContains(yaml.out(), "allowedWorkflowCount: 2", yaml);
    }

    @Test
    void environmentSelectsTheServerWhenNoOptionDoes() {
        Ctl.Result result = new Ctl(home).withVariable("INNOMINATUS_SERVER", "127.0.0.1:" + url.getPort()).run("list-products");
        assertExit(0, result);
        assertContains(result.out(), "ecommerce", result);
    }

    @Test
    void listProductWorkflowsShowsPhaseStepsOwnerAndWhyOneIsNotAllowed() {
        Ctl.Result all = ctl.run("list-product-workflows");
        assertExit(0, all);
        assertEquals(List.of("WORKFLOW", "PHASE", "STEPS", "OWNER", "ALLOWED"), List.of(all.outLines().get(0).split("\\s+")));
        assertTrue(all.out().lines().anyMatch(l -> l.matches("products/analytics/data-pipeline\\s+pre-deployment\\s+3\\s+"
                + "analytics-infrastructure-team\\s+yes")), all::toString);
        Ctl.Result ecommerce = ctl.run("list-product-workflows", "ecommerce");
        assertExit(0, ecommerce);
        assertFalse(ecommerce.out().contains("analytics"), ecommerce::toString);
        assertTrue(ecommerce.out().lines().anyMatch(l -> l.matches("products/ecommerce/fraud-screening\\s+post-deployment\\s+1\\s+"
                + "ecommerce-risk-team\\s+no")), ecommerce::toString);
        assertContains(ecommerce.out(), "products/ecommerce/fraud-screening: PRODUCT_WORKFLOW_NOT_ALLOWED", ecommerce);

        Ctl.Result unknown = ctl.run("list-product-workflows", "groceries");
        assertExit(7, unknown);
        assertContains(unknown.err(), "no product 'groceries'", unknown);
    }

    @Test
    void validateProductWorkflowPrintsEachProblemWithItsPosition() throws IOException {
        Path good = write("workflows/products/ecommerce/fraud-check.yaml", FRAUD_CHECK);
        Ctl.Result valid = ctl.in(work).run("validate-product-workflow", "workflows/products/ecommerce/fraud-check.yaml");
        assertExit(0, valid);
        assertTrue(valid.out().lines().anyMatch(l -> l.matches("workflows/products/ecommerce/fraud-check\\.yaml:\\d+:\\d+: WARNING "
                + "PRODUCT_WORKFLOW_NOT_ALLOWED .*")), valid::toString);
        assertContains(valid.out(), "workflows/products/ecommerce/fraud-check.yaml: valid (1 warning) as "
                + "products/ecommerce/fraud-check.yaml", valid);

        String broken = FRAUD_CHECK.replace("type: exec", "type: teleport").replace("phase: deployment", "phase: soon")
                .replace("    - name: score-risk", "    - name: score-risk\n      dependsOn: [ghost]");
        Files.writeString(good, broken);
        Ctl.Result invalid = ctl.run("validate-product-workflow", good.toString());
        assertExit(3, invalid);
        assertContains(invalid.out(), good + ":8:10: ERROR INVALID_ENUM 'soon' is not one of pre-deployment, deployment, "
                + "post-deployment", invalid);
        assertContains(invalid.out(), good + ":13:19: ERROR UNKNOWN_DEPENDENCY ", invalid);
        assertContains(invalid.out(), good + ":12:7: ERROR STEP_TYPE_UNKNOWN ", invalid);
        assertContains(invalid.out(), ": invalid, 3 errors, 1 warning (checked as products/ecommerce/fraud-check.yaml)", invalid);

        // Without metadata.product the directory names the product.
        Path analytics = write("analytics/report.yaml", FRAUD_CHECK.replace("  product: ecommerce\n", ""));
        Ctl.Result fromDirectory = ctl.run("validate-product-workflow", analytics.toString());
        assertContains(fromDirectory.out(), "checked as products/analytics/report.yaml", fromDirectory);
        assertExit(3, fromDirectory);
        Ctl.Result overridden = ctl.run("validate-product-workflow", analytics.toString(), "--product", "ecommerce");
        assertContains(overridden.out(), "products/ecommerce/report.yaml", overridden);

        Ctl.Result json = ctl.run("validate-product-workflow", good.toString(), "-o", "json");
        assertExit(3, json);
        assertFalse(JSON.readTree(json.out()).has("valid"), json::toString);
        assertTrue(JSON.readTree(json.out()).path("diagnostics").size() > 0, json::toString);

        Path empty = write("workflows/products/ecommerce/empty.yaml", "");
        Ctl.Result rejected = ctl.run("validate-product-workflow", empty.toString());
        assertExit(3, rejected);
        assertContains(rejected.err(), "status: INVALID_ARGUMENT", rejected);
        assertContains(rejected.err(), "invalid yaml:", rejected);
        assertExit(2, ctl.run("validate-product-workflow", work.resolve("missing.yaml").toString()));
    }

    @Test
    void testProductWorkflowShowsThePlanWithTheCandidate() throws IOException {
        Path candidate = write("workflows/products/ecommerce/fraud-check.yaml", FRAUD_CHECK);
        String shop = "workflows/examples/ecommerce-web.yaml";
        Ctl.Result result = ctl.run("test-product-workflow", candidate.toString(), shop);
        assertExit(0, result);
        List<String> lines = result.outLines();
        assertEquals("Plan for ecommerce-web (product ecommerce) in development: allowed", lines.get(0));
        int pre = lines.indexOf("pre-deployment");
        assertEquals("  platform/security-scan (platform)", lines.get(pre + 1));
        assertEquals("     1. vulnerability-scan (security)", lines.get(pre + 2));
        assertEquals("     2. compliance-check (policy)", lines.get(pre + 3));
        assertEquals("  products/ecommerce/database-setup (product)", lines.get(pre + 4));
        assertEquals("     3. provision-database (terraform)", lines.get(pre + 5));
        assertTrue(lines.indexOf("deployment") > pre && lines.indexOf("post-deployment") > lines.indexOf("deployment"));
        int excluded = lines.indexOf("Excluded workflows:");
        assertTrue(excluded > lines.indexOf("post-deployment"), result::toString);
        assertTrue(lines.subList(excluded, lines.size()).stream().anyMatch(l -> l.matches("  products/ecommerce/fraud-check\\s+"
                + "PRODUCT_WORKFLOW_NOT_ALLOWED  product workflow 'ecommerce/fraud-check' is not in allowedProductWorkflows.*")),
                result::toString);
        assertTrue(lines.indexOf("Violations: none") > excluded, result::toString);
        assertContains(result.out(), "Candidate products/ecommerce/fraud-check is excluded by PRODUCT_WORKFLOW_NOT_ALLOWED: product "
                + "workflow 'ecommerce/fraud-check' is not in allowedProductWorkflows of admin-config.yaml and of WorkflowPolicies "
                + "organization-workflow-policies (policies/organization-policies.yaml); each must list it. It does not run, not "
                + "even in a dry run, until the platform team adds 'ecommerce/fraud-check' to each list named.", result);

        // A candidate replacing an allow-listed workflow runs in its phase.
        Path replacement = write("workflows/products/ecommerce/database-setup.yaml", FRAUD_CHECK
                .replace("name: fraud-check", "name: database-setup").replace("phase: deployment", "phase: pre-deployment"));
        Ctl.Result included = ctl.run("test-product-workflow", replacement.toString(), shop, "--env", "staging");
        assertExit(0, included);
        assertContains(included.out(), "  products/ecommerce/database-setup (candidate, product)\n     3. score-risk (exec)\n", included);
        assertContains(included.out(), "Candidate products/ecommerce/database-setup runs in the pre-deployment phase (1 step).",
                included);

        Ctl.Result sandbox = ctl.run("test-product-workflow", candidate.toString(), shop, "--env", "sandbox");
        assertExit(4, sandbox);
        assertContains(sandbox.out(), "in sandbox: BLOCKED", sandbox);
        assertContains(sandbox.out(), "BLOCKING ENVIRONMENT_NOT_ALLOWED  environment 'sandbox' is not allowed", sandbox);
        assertContains(sandbox.err(), "error: policy blocks this deployment", sandbox);

        Ctl.Result json = ctl.run("test-product-workflow", candidate.toString(), shop, "-o", "json");
        assertExit(0, json);
        assertTrue(JSON.readTree(json.out()).path("plan").path("allowed").asBoolean());

        Ctl.Result noProduct = ctl.run("test-product-workflow", candidate.toString(), "workflows/examples/hello-world.yaml");
        assertExit(0, noProduct);
        assertContains(noProduct.out(), "is not triggered by this deployment", noProduct);

        Ctl.Result malformed = ctl.run("test-product-workflow", candidate.toString(), write("bad-score.yaml",
                "apiVersion: score.dev/v1b1\nmetadata:\n  name: shop\ncontainers:\n  web:\n    imgae: nginx\n").toString());
        assertExit(3, malformed);
        assertContains(malformed.err(), "bad-score.yaml:6:5: UNKNOWN_KEY", malformed);
    }

    @Test
    void testProductWorkflowDryRunAndExecuteStartDeployments() throws IOException {
        Path candidate = write("workflows/products/ecommerce/fraud-check.yaml", FRAUD_CHECK);
        String shop = "workflows/examples/ecommerce-web.yaml";
        Ctl.Result dryRun = ctl.run("test-product-workflow", candidate.toString(), shop, "--dry-run");
        assertStarted(dryRun);
        assertContains(dryRun.out(), "(dry run)", dryRun);

        Ctl.Result execute = ctl.run("test-product-workflow", candidate.toString(), shop, "--execute");
        assertContains(execute.out(), "note: products/ecommerce/fraud-check is not in the catalog yet. The server runs catalog "
                + "workflows only", execute);
        assertStarted(execute);

        // The catalog's own version is what a real deployment runs: no note then.
        Path same = write("catalog/products/ecommerce/database-setup.yaml",
                Files.readString(Path.of("workflows/products/ecommerce/database-setup.yaml")));
        Ctl.Result unchanged = ctl.run("test-product-workflow", same.toString(), shop, "--execute");
        assertFalse(unchanged.out().contains("note:"), unchanged::toString);
        assertStarted(unchanged);
    }

    /**
     * The deployment started. Without the tools of the bundled security scan on the test machine it may end
     * FAILED when watched (exit 1); either way the execution was created and reported.
     */
    private static void assertStarted(Ctl.Result result) {
        assertTrue(result.exitCode() == 0 || result.exitCode() == 1, result::toString);
        assertContains(result.out(), "Execution ", result);
    }

    @Test
    void planPrintsTheResolvedPlanAndExits4WhenBlocked() throws IOException {
        Ctl.Result plan = ctl.run("plan", "workflows/examples/hello-world.yaml", "--env", "development");
        assertExit(0, plan);
        assertContains(plan.out(), "Plan for hello-world (no product) in development: allowed", plan);
        assertContains(plan.out(), "deployment\n  applications/hello-world/app-deployment (application)\n"
                + "     1. deploy-application (kubernetes)\n", plan);
        assertContains(plan.out(), "post-deployment\n  platform/cost-monitoring (platform)\n     1. resource-tagging (tagging)\n"
                + "     2. budget-check (cost-analysis)\n", plan);

        Ctl.Result production = ctl.run("plan", "workflows/examples/ecommerce-web.yaml", "--env", "production");
        assertExit(0, production);
        assertContains(production.out(), "approval required", production);

        Ctl.Result parallel = ctl.run("plan", "workflows/examples/analytics-dashboard.yaml", "--env", "staging");
        assertExit(0, parallel);
        assertContains(parallel.out(), "products/analytics/data-pipeline (product, parallel)", parallel);
        assertTrue(parallel.out().lines().anyMatch(l -> l.contains("  after ")), parallel::toString);

        Ctl.Result blocked = ctl.run("plan", "workflows/examples/hello-world.yaml", "--env", "sandbox");
        assertExit(4, blocked);
        assertContains(blocked.out(), "Violations:\n  BLOCKING ENVIRONMENT_NOT_ALLOWED  environment 'sandbox' is not allowed", blocked);

        Ctl.Result json = ctl.run("plan", "workflows/examples/hello-world.yaml", "--env", "sandbox", "-o", "json");
        assertExit(4, json);
        JsonNode planJson = JSON.readTree(json.out()).path("plan");
        // Proto3 JSON as grpcurl prints it: false is the default and left out.
        assertFalse(planJson.has("allowed"), planJson::toString);
        assertEquals("ENVIRONMENT_NOT_ALLOWED", planJson.path("violations").get(0).path("ruleId").asText());

        Ctl.Result yaml = ctl.run("plan", "workflows/examples/hello-world.yaml", "--env", "development", "-o", "yaml");
        assertExit(0, yaml);
        assertContains(yaml.out(), "  allowed: true\n", yaml);

        Ctl.Result malformed = ctl.run("plan", write("score.yaml",
                "apiVersion: score.dev/v1b1\nmetadata:\n  name: shop\ncontainers:\n  web:\n    imgae: nginx\n").toString(),
                "--env", "development");
        assertExit(3, malformed);
        assertContains(malformed.err(), "error: ", malformed);
        assertContains(malformed.err(), "  status: INVALID_ARGUMENT", malformed);
        assertContains(malformed.err(), "  invalid score_yaml:containers.web.imgae: score.yaml:6:5: UNKNOWN_KEY: unknown key "
                + "'imgae' (did you mean 'image'?)", malformed);
    }

    @Test
    void deployReportsPolicyBlocksAndPreconditionsWithTheirDetails() throws IOException {
        String app = uniqueApp();
        Ctl.Result sandbox = ctl.run("deploy", score(app), "--env", "sandbox", "--watch");
        assertExit(4, sandbox);
        assertContains(sandbox.err(), "error: policy blocks this deployment: ENVIRONMENT_NOT_ALLOWED", sandbox);
        assertContains(sandbox.err(), "  status: FAILED_PRECONDITION, reason: POLICY_VIOLATION", sandbox);
        assertContains(sandbox.err(), "  violation ENVIRONMENT_NOT_ALLOWED (deployment): environment 'sandbox' is not allowed",
                sandbox);
        assertEquals("", sandbox.out());

        Ctl.Result shop = ctl.run("deploy", "workflows/examples/ecommerce-web.yaml", "--env", "development", "--dry-run",
                "--watch");
        assertStarted(shop);

        Ctl.Result badRequestId = ctl.run("deploy", score(app), "--env", "development", "--request-id", "spaces are not allowed");
        assertExit(3, badRequestId);
        assertContains(badRequestId.err(), "invalid request_id", badRequestId);

        Ctl.Result neverDeployed = ctl.run("undeploy", app, "--env", "development");
        assertExit(7, neverDeployed);
        assertContains(neverDeployed.err(), "deployment '" + app + " in development' not found", neverDeployed);
    }

    @Test
    void runWatchLogsGetRetryAndExecutionsFollowAFailureDrill() throws IOException {
        String app = uniqueApp();
        String score = score(app);
        Ctl.Result run = ctl.run("run", "platform/failure-drill", score, "--env", "development", "--watch", "--verbose");
        assertExit(1, run);
        String id = run.executionId();
        List<String> lines = run.outLines();
        assertEquals("Started run of platform/failure-drill " + id + " of " + app + " in development: QUEUED", lines.get(0));
        assertEquals("Watching workflow " + id + " (" + app + " in development)", lines.get(1));
        assertEquals("#1 execution QUEUED", lines.get(2));
        assertContains(run.out(), "#5 step platform/failure-drill/flaky-dependency RUNNING (exec, attempt 1)\n"
                + "#6 [platform/failure-drill/flaky-dependency] dependency unavailable\n"
                + "#7 step platform/failure-drill/flaky-dependency FAILED in ", run);
        assertContains(run.out(), "step platform/failure-drill/publish SKIPPED: an earlier step failed\n", run);
        assertContains(run.out(), "Execution " + id + " FAILED in ", run);
        assertContains(run.out(), "  failed step platform/failure-drill/flaky-dependency: 'sh' exited with code 3: "
                + "dependency unavailable\n", run);
        assertEquals("Retry it with: innominatus-ctl retry " + id, lines.get(lines.size() - 1));

        Ctl.Result get = ctl.run("get", id);
        assertExit(0, get);
        assertContains(get.out(), "State         FAILED\n", get);
        assertTrue(get.out().lines().anyMatch(l -> l.matches("deployment\\s+platform/failure-drill\\s+flaky-dependency\\s+exec\\s+"
                + "FAILED\\s+1\\s+\\S+\\s+'sh' exited with code 3: dependency unavailable")), get::toString);
        assertTrue(get.out().lines().anyMatch(l -> l.matches("deployment\\s+platform/failure-drill\\s+publish\\s+exec\\s+SKIPPED.*")),
                get::toString);

        Ctl.Result logs = ctl.run("logs", id, "--step", "flaky-dependency");
        assertExit(0, logs);
        assertEquals("[platform/failure-drill/flaky-dependency] dependency unavailable\n", logs.out());
        Ctl.Result allLogs = ctl.run("logs", id);
        assertEquals(List.of("[platform/failure-drill/flaky-dependency] dependency unavailable",
                "[platform/failure-drill/cleanup] cleaning up after " + app), allLogs.outLines());

        Ctl.Result from = ctl.run("watch", id, "--from", "7");
        assertExit(1, from);
        assertTrue(from.outLines().get(1).startsWith("#7 step platform/failure-drill/flaky-dependency FAILED"), from::toString);
        assertFalse(from.out().contains("#6 "), from::toString);
        assertTrue(from.out().lines().noneMatch(l -> l.matches("#\\d+ \\[.*")), "log lines only with --verbose: " + from);

        Ctl.Result events = ctl.run("watch", id, "-o", "json");
        assertExit(1, events);
        List<String> jsonLines = events.outLines();
        assertEquals(14, jsonLines.size(), events::toString);
        for (int i = 0; i < jsonLines.size(); i++) {
            assertEquals(i + 1, JSON.readTree(jsonLines.get(i)).path("event").path("sequence").asLong());
        }

        Ctl.Result retry = ctl.run("retry", id, "--comment", "dependency is back", "--watch");
        assertExit(0, retry);
        assertEquals("Retrying " + id + ": QUEUED", retry.outLines().get(0));
        assertFalse(retry.out().contains("#1 "), "only events after the retry: " + retry);
        assertContains(retry.out(), "step platform/failure-drill/flaky-dependency SUCCEEDED in ", retry);
        assertContains(retry.out(), "Execution " + id + " SUCCEEDED in ", retry);
        assertExit(0, ctl.run("watch", id));
        Ctl.Result again = ctl.run("retry", id);
        assertExit(4, again);
        assertContains(again.err(), "status: FAILED_PRECONDITION", again);

        Ctl.Result list = ctl.run("executions", "--app", app);
        assertExit(0, list);
        assertEquals(2, list.outLines().size(), list::toString);
        assertTrue(list.outLines().get(1).matches(id + "\\s+workflow\\s+" + app + "\\s+development\\s+SUCCEEDED\\s+\\S+ \\S+\\s+\\S+"),
                list::toString);
        ctl.run("run", "platform/failure-drill", score, "--env", "staging", "--dry-run", "--watch");
        Ctl.Result both = ctl.run("executions", "--app", app, "-o", "json");
        assertEquals(2, JSON.readTree(both.out()).path("executions").size(), both::toString);
        Ctl.Result limited = ctl.run("executions", "--app", app, "--limit", "1");
        assertEquals(2, limited.outLines().size(), limited::toString);
        assertContains(limited.outLines().get(1), "workflow (dry run)", limited);
        Ctl.Result staging = ctl.run("executions", "--app", app, "--env", "staging", "--state", "succeeded");
        assertEquals(2, staging.outLines().size(), staging::toString);
        Ctl.Result failed = ctl.run("executions", "--app", app, "--state", "FAILED");
        assertExit(0, failed);
        assertEquals("No executions.\n", failed.out());
    }

    @Test
    void dryRunsSucceedWithoutDoingAnything() throws IOException {
        Ctl.Result run = ctl.run("run", "platform/failure-drill", score(uniqueApp()), "--env", "development", "--dry-run",
                "--watch", "-v");
        assertExit(0, run);
        assertContains(run.out(), "(dry run)", run);
        assertContains(run.out(), "] dry run: would run [sh, -c,", run);
    }

    @Test
    void requestIdsMakeStartsIdempotentAndAReuseIsAnotherServerError() throws IOException {
        String app = uniqueApp();
        String score = score(app);
        Ctl.Result first = ctl.run("run", "platform/failure-drill", score, "--env", "development", "--dry-run", "--request-id",
                "drill-" + app);
        assertExit(0, first);
        Ctl.Result again = ctl.run("run", "platform/failure-drill", score, "--env", "development", "--dry-run", "--request-id",
                "drill-" + app);
        assertExit(0, again);
        assertEquals(first.executionId(), again.executionId());
        Ctl.Result reused = ctl.run("run", "platform/failure-drill", score, "--env", "staging", "--dry-run", "--request-id",
                "drill-" + app);
        assertExit(8, reused);
        assertContains(reused.err(), "  status: ALREADY_EXISTS, reason: REQUEST_ID_REUSED\n", reused);
        assertContains(reused.err(), "  execution_id: " + first.executionId() + "\n", reused);
        assertExit(0, ctl.run("watch", first.executionId()));
    }

    @Test
    void productionRunsWaitForApprovalBoundToThePlanDigest() throws IOException {
        Ctl.Result run = ctl.run("run", "platform/diagnostics", score(uniqueApp()), "--env", "production");
        assertExit(0, run);
        String id = run.executionId();
        assertContains(run.out(), ": AWAITING_APPROVAL\nIt waits for approval: innominatus-ctl approve " + id + "\n", run);
        assertContains(run.out(), "Follow it with: innominatus-ctl watch " + id, run);

        Ctl.Result mismatch = ctl.run("approve", id, "--plan-digest", "0".repeat(64));
        assertExit(4, mismatch);
        assertContains(mismatch.err(), "reason: PLAN_DIGEST_MISMATCH", mismatch);

        Ctl.Result approved = ctl.run("approve", id, "-m", "change ticket 42", "--watch");
        assertExit(0, approved);
        assertContains(approved.out(), "Approving workflow of ", approved);
        assertContains(approved.out(), "Approved " + id + ": ", approved);
        assertContains(approved.out(), "Execution " + id + " SUCCEEDED", approved);

        Ctl.Result get = ctl.run("get", id);
        assertContains(get.out(), "Approved by   anonymous\n", get);
        assertContains(get.out(), "Comment       change ticket 42\n", get);
        assertContains(get.out(), "Outputs:\n", get);
        assertContains(get.out(), "  platform/diagnostics/check-orchestrator ready = ok\n", get);

        Ctl.Result twice = ctl.run("approve", id);
        assertExit(4, twice);
        Ctl.Result json = ctl.run("get", id, "-o", "json");
        assertEquals("EXECUTION_STATE_SUCCEEDED", JSON.readTree(json.out()).path("execution").path("state").asText());
    }

    @Test
    void rejectedRunsEndAsRejected() throws IOException {
        Ctl.Result run = ctl.run("run", "platform/failure-drill", score(uniqueApp()), "--env", "production");
        String id = run.executionId();
        Ctl.Result rejected = ctl.run("reject", id, "--comment", "change freeze");
        assertExit(0, rejected);
        assertEquals("Rejected " + id + ": REJECTED\n", rejected.out());
        Ctl.Result watch = ctl.run("watch", id);
        assertExit(1, watch);
        assertContains(watch.out(), "rejected by anonymous: change freeze", watch);
        assertContains(watch.out(), "Execution " + id + " REJECTED", watch);
        assertExit(4, ctl.run("reject", id));
    }

    @Test
    void cancelStopsARunningExecutionThatIsBeingWatched() throws Exception {
        Ctl.Result run = ctl.run("run", "platform/maintenance-window", score(uniqueApp()), "--env", "staging");
        assertExit(0, run);
        String id = run.executionId();
        Ctl watcher = Ctl.forServer(home, url.getPort());
        CompletableFuture<Ctl.Result> watching = CompletableFuture.supplyAsync(() -> watcher.run("watch", id, "--verbose"));
        // Wait until the step is running (its log lines are stored) before cancelling.
        org.awaitility.Awaitility.await("the step logging").atMost(java.time.Duration.ofSeconds(30))
                .pollInterval(java.time.Duration.ofMillis(200)).until(() -> ctl.run("logs", id).out().contains("draining"));
        Ctl.Result cancelled = ctl.run("cancel", id, "-m", "window closed");
        assertExit(0, cancelled);
        assertEquals("Cancelled " + id + ": CANCELLED\n", cancelled.out());
        Ctl.Result watched = watching.get(60, TimeUnit.SECONDS);
        assertExit(1, watched);
        assertContains(watched.out(), "] draining ", watched);
        assertContains(watched.out(), "execution CANCELLED: cancelled by anonymous: window closed", watched);
        assertContains(watched.out(), "Retry it with: innominatus-ctl retry " + id, watched);

        Ctl.Result again = ctl.run("cancel", id);
        assertExit(4, again);
        assertContains(again.err(), "reason: EXECUTION_ENDED", again);
    }

    @Test
    void unknownAndMalformedIdsAreNotFoundOrInvalid() throws IOException {
        String unknown = UUID.randomUUID().toString();
        for (String command : List.of("get", "watch", "logs", "approve", "reject", "cancel", "retry")) {
            Ctl.Result result = ctl.run(command, unknown);
            assertExit(7, result);
            assertContains(result.err(), "error: execution '" + unknown + "' not found", result);
        }
        Ctl.Result malformed = ctl.run("get", "../../etc");
        assertExit(3, malformed);
        assertContains(malformed.err(), "invalid execution_id", malformed);
        Ctl.Result workflow = ctl.run("run", "platform/nope", score(uniqueApp()), "--env", "development");
        assertExit(7, workflow);
        assertContains(workflow.err(), "reason: WORKFLOW_NOT_FOUND", workflow);
        assertContains(workflow.err(), "not found: workflow platform/nope", workflow);
    }

    @Test
    void policiesStepTypesAndReload() {
        Ctl.Result policies = ctl.run("policies");
        assertExit(0, policies);
        assertContains(policies.out(), "Required platform workflows  cost-monitoring, security-scan\n", policies);
        assertContains(policies.out(), "Allowed environments         development, production, staging\n", policies);
        assertContains(policies.out(), "Require approval in          production\n", policies);
        assertContains(policies.out(), "Sources:\n", policies);
        Ctl.Result yaml = ctl.run("policies", "-o", "yaml");
        assertContains(yaml.out(), "requiredPlatformWorkflows:\n", yaml);

        Ctl.Result types = ctl.run("step-types");
        assertExit(0, types);
        assertTrue(types.out().lines().anyMatch(l -> l.matches("exec\\s+yes\\s+yes\\s+built-in\\s+.+")), types::toString);
        assertTrue(types.out().lines().anyMatch(l -> l.matches("kubernetes\\s+(yes|no)\\s+(yes|no)\\s+.*")), types::toString);

        Ctl.Result reload = ctl.run("reload");
        assertExit(0, reload);
        assertContains(reload.out(), "Reloaded: 6 platform workflows, 4 product workflows in 2 products", reload);
    }

    @Test
    void unreachableServerIsAConnectionError() {
        Ctl.Result result = new Ctl(home).run("--server", "127.0.0.1:1", "list-products");
        assertExit(5, result);
        assertContains(result.err(), "error: cannot reach innominatus at 127.0.0.1:1", result);
        assertContains(result.err(), "hint: ", result);
    }
}
