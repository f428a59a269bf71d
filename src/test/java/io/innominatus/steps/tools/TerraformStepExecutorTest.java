package io.innominatus.steps.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.innominatus.steps.StepTests;
import io.innominatus.steps.TestStepContext;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.steps.spi.StepMode;
import io.innominatus.steps.spi.StepResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The terraform step against a stand-in CLI ({@code steps/terraform/fake-terraform.sh}) that records
 * what it was asked to do and answers like terraform, plus one run of the real terraform when it is
 * installed.
 */
class TerraformStepExecutorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path workflowDirectory;
    @TempDir
    Path tools;

    @TempDir
    Path data;

    private TerraformStepExecutor executor;
    private Path fake;
    private Path record;

    @BeforeEach
    void setUp() throws IOException {
        executor = new TerraformStepExecutor(data);
        fake = StepTests.executable("/steps/terraform/fake-terraform.sh", tools, "terraform");
        record = tools.resolve("calls.log");
        Files.createDirectories(workflowDirectory.resolve("infra"));
        Files.writeString(workflowDirectory.resolve("infra/main.tf"), "# resources\n");
    }

    private TestStepContext context(Map<String, String> env) {
        Map<String, Object> environment = new LinkedHashMap<>(env);
        environment.put("FAKE_TF_RECORD", record.toString());
        return new TestStepContext("terraform").workflowDirectory(workflowDirectory)
                .config("binary", fake.toString()).config("workingDir", "./infra").config("env", environment);
    }

    private List<String> calls() throws IOException {
        return Files.readAllLines(record);
    }

    private List<String> args() throws IOException {
        return calls().stream().filter(l -> l.startsWith("ARGS ")).map(l -> l.substring(5)).toList();
    }

    @Test
    void applyInitialisesAppliesAndTurnsOutputsIntoStepOutputs() throws IOException {
        Map<String, Object> variables = new LinkedHashMap<>();
        variables.put("region", "eu-west-1");
        variables.put("replicas", 2L);
        variables.put("tags", Map.of("team", "payments"));
        TestStepContext context = context(Map.of()).config("variables", variables);

        StepResult result = StepTests.run(() -> executor.run(context, StepMode.APPLY));

        List<String> args = args();
        assertEquals(3, args.size(), "init, apply, output: " + args);
        assertEquals("init -input=false -no-color", args.get(0));
        assertTrue(args.get(1).startsWith("apply -auto-approve -input=false -no-color -var-file="), args.get(1));
        assertEquals("output -json", args.get(2));
        String varFile = calls().stream().filter(l -> l.startsWith("VARFILE ")).findFirst().orElseThrow().substring(8);
        assertTrue(varFile.endsWith(".tfvars.json"), varFile);
        assertFalse(Path.of(varFile).startsWith(workflowDirectory), "var file must live outside the working directory");
        assertFalse(Files.exists(Path.of(varFile)), "the generated var file is removed afterwards");
        JsonNode vars = JSON.readTree(calls().stream().filter(l -> l.startsWith("VARS ")).findFirst().orElseThrow().substring(5));
        assertEquals("eu-west-1", vars.get("region").asText());
        assertEquals(2, vars.get("replicas").asInt());
        assertEquals("payments", vars.get("tags").get("team").asText());
        assertTrue(calls().contains("CWD " + workspace().toRealPath()), calls().toString());
        assertTrue(calls().contains("ENV TF_IN_AUTOMATION=1 TF_INPUT=0"));

        assertEquals("shop-assets", result.outputs().get("bucket_name"));
        assertEquals("3", result.outputs().get("replicas"));
        assertEquals("[\"a\",\"b\"]", result.outputs().get("zones"));
        assertEquals("s3cr3t-pa55", result.outputs().get("db_password"));
        assertEquals(Set.of("db_password"), result.secretOutputs());
        assertTrue(context.secrets.contains("s3cr3t-pa55"));
        assertFalse(context.log().contains("s3cr3t-pa55"), "sensitive values are never logged");
        assertTrue(context.lines.contains(new TestStepContext.Line("stdout",
                "Apply complete! Resources: 1 added, 0 changed, 0 destroyed.")), "terraform's output is streamed");
        assertTrue(Files.exists(workspace().resolve("applied.state")), "state lives in the step's workspace");
        assertFalse(Files.exists(workflowDirectory.resolve("infra/applied.state")), "never in the catalog");
    }

    /** The workspace of the test context: data/terraform/<environment>/<application>/<workflow>/<step>. */
    private Path workspace() {
        return data.resolve("terraform/staging/shop/platform.test/step-1");
    }

    @Test
    void credentialsInVariablesAndEnvironmentAreRegisteredAsSecrets() {
        TestStepContext context = context(Map.of("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG", "AWS_REGION", "eu-west-1"))
                .config("variables", Map.of("db_password", "pw-123456", "region", "eu-west-1", "api_key", "k1"));

        StepTests.run(() -> executor.run(context, StepMode.APPLY));

        assertTrue(context.secrets.containsAll(List.of("wJalrXUtnFEMI/K7MDENG", "pw-123456")), context.secrets.toString());
        assertFalse(context.secrets.contains("eu-west-1"), "values whose names do not say credential are not secrets");
        assertFalse(context.secrets.contains("k1"), "too short to redact safely");
        assertFalse(context.log().contains("pw-123456"), "variable values are never logged");
    }

    @Test
    void longOutputValuesArriveWhole() {
        TestStepContext context = context(Map.of("FAKE_TF_LONG_OUTPUT", "1"));

        StepResult result = StepTests.run(() -> executor.run(context, StepMode.APPLY));

        assertEquals("k".repeat(10_000), result.outputs().get("kubeconfig"));
        assertEquals(Set.of("kubeconfig"), result.secretOutputs());
        assertTrue(context.secrets.contains("k".repeat(10_000)));
    }

    @Test
    void withoutVariablesNoVarFileIsPassedAndThePathShortcutIsTheWorkingDirectory() throws IOException {
        TestStepContext context = context(Map.of()).path("infra");
        context.config().remove("workingDir");

        StepTests.run(() -> executor.run(context, StepMode.APPLY));

        assertTrue(calls().contains("CWD " + workspace().toRealPath()));
        assertTrue(args().stream().noneMatch(a -> a.contains("-var-file")), args().toString());
    }

    @Test
    void dryRunInitialisesAndPlansButNeverApplies() throws IOException {
        TestStepContext context = context(Map.of("FAKE_TF_CHANGES", "1")).config("variables", Map.of("region", "eu"));

        StepResult result = StepTests.run(() -> executor.run(context, StepMode.DRY_RUN));

        List<String> args = args();
        assertEquals(2, args.size(), args.toString());
        assertEquals("init -input=false -no-color", args.get(0));
        assertTrue(args.get(1).startsWith("plan -input=false -no-color -detailed-exitcode -var-file="), args.get(1));
        assertEquals("true", result.outputs().get("changes"));
        assertEquals("true", result.outputs().get("dryRun"));
        assertFalse(Files.exists(workspace().resolve("applied.state")), "a dry run changes nothing");
        assertTrue(context.logged("Plan: 1 to add, 0 to change, 0 to destroy."));
    }

    @Test
    void planOperationReportsWhetherChangesArePending() throws IOException {
        StepResult result = StepTests.run(() -> executor.run(context(Map.of()).config("operation", "plan"), StepMode.APPLY));

        assertEquals("false", result.outputs().get("changes"));
        assertEquals(List.of("init -input=false -no-color", "plan -input=false -no-color -detailed-exitcode"), args());
    }

    @Test
    void destroyInitialisesAndDestroysWithoutPrompting() throws IOException {
        StepResult result = StepTests.run(() -> executor.run(context(Map.of()).config("operation", "destroy"), StepMode.APPLY));

        assertEquals(List.of("init -input=false -no-color", "destroy -auto-approve -input=false -no-color"), args());
        assertTrue(result.outputs().isEmpty());
    }

    @Test
    void dryRunOfDestroyPlansTheDestruction() throws IOException {
        StepTests.run(() -> executor.run(context(Map.of()).config("operation", "destroy"), StepMode.DRY_RUN));

        assertEquals("plan -input=false -no-color -detailed-exitcode -destroy", args().get(1));
    }

    @Test
    void tofuIsFoundOnThePathLikeTerraform() throws IOException {
        StepTests.executable("/steps/terraform/fake-terraform.sh", tools, "tofu");
        TestStepContext context = context(Map.of("PATH", tools + ":" + System.getenv("PATH"))).config("binary", "tofu");

        StepResult result = StepTests.run(() -> executor.run(context, StepMode.APPLY));

        assertEquals("shop-assets", result.outputs().get("bucket_name"));
        assertTrue(context.logged("running tofu init -input=false -no-color"));
    }

    @Test
    void aMissingBinaryIsAClearError() {
        TestStepContext context = context(Map.of()).config("binary", "terraform-not-installed");

        StepFailure failure = StepTests.failure(() -> executor.run(context, StepMode.APPLY));

        assertEquals("terraform binary 'terraform-not-installed' not found on PATH; install it or set config.binary",
                failure.getMessage());
    }

    @Test
    void aFailingApplyFailsTheStepWithTerraformsError() throws IOException {
        TestStepContext context = context(Map.of("FAKE_TF_FAIL", "apply"));

        StepFailure failure = StepTests.failure(() -> executor.run(context, StepMode.APPLY));

        assertTrue(failure.getMessage().startsWith("terraform apply exited with code 1"), failure.getMessage());
        assertTrue(failure.getMessage().contains("Invalid provider configuration during apply"), failure.getMessage());
        assertTrue(args().stream().noneMatch(a -> a.startsWith("output")), "no outputs are read after a failed apply");
    }

    @Test
    void aFailingInitStopsBeforeApply() throws IOException {
        StepFailure failure = StepTests.failure(() -> executor.run(context(Map.of("FAKE_TF_FAIL", "init")), StepMode.APPLY));

        assertTrue(failure.getMessage().startsWith("terraform init exited with code 1"), failure.getMessage());
        assertEquals(1, args().size());
    }

    @Test
    void cancellationStopsTerraformAndEverythingItStarted() throws IOException {
        TestStepContext context = context(Map.of("FAKE_TF_SLEEP", "apply")).config("variables", Map.of("a", "b"));
        CompletableFuture<StepResult> running = StepTests.start(() -> executor.run(context, StepMode.APPLY));
        Path pids = Path.of(record + ".pids");
        StepTests.await(() -> Files.exists(pids) && !readQuietly(pids).isBlank(), "terraform apply to start");

        context.cancellation().cancel("execution cancelled by alice");

        StepFailure failure = StepTests.failureOf(running);
        assertEquals("cancelled: execution cancelled by alice", failure.getMessage());
        long[] started = Arrays.stream(readQuietly(pids).trim().split("\\s+")).mapToLong(Long::parseLong).toArray();
        for (long pid : started) {
            StepTests.await(() -> !StepTests.alive(pid), "process " + pid + " to be gone");
        }
        String varFile = calls().stream().filter(l -> l.startsWith("VARFILE ")).findFirst().orElseThrow().substring(8);
        assertFalse(Files.exists(Path.of(varFile)), "the var file is removed after cancellation too");
        assertTrue(args().stream().noneMatch(a -> a.startsWith("output")));
    }

    @Test
    void theWorkingDirectoryMustStayInsideTheWorkflowDirectory() {
        StepFailure failure = StepTests.failure(() -> executor.run(context(Map.of()).config("workingDir", "../elsewhere"), StepMode.APPLY));

        assertTrue(failure.getMessage().contains("leaves the workflow's directory"), failure.getMessage());
    }

    @Test
    void aWorkingDirectoryIsRequired() {
        TestStepContext context = context(Map.of());
        context.config().remove("workingDir");

        StepFailure failure = StepTests.failure(() -> executor.run(context, StepMode.APPLY));

        assertEquals("terraform steps need config.workingDir or the step's path", failure.getMessage());
    }

    @Test
    void anUnknownOperationIsRejected() {
        StepFailure failure = StepTests.failure(() -> executor.run(context(Map.of()).config("operation", "import"), StepMode.APPLY));

        assertEquals("config.operation 'import' is not one of init, plan, apply, destroy", failure.getMessage());
    }

    @Test
    void outputsOfTheRealTerraformCli() throws IOException {
        Map<String, String> env = ProcessRunner.baseEnvironment(new TestStepContext("terraform"));
        boolean installed;
        try {
            CliTools.locate(new TestStepContext("terraform"), "terraform", "terraform", env, "", "");
            installed = true;
        } catch (StepFailure e) {
            installed = false;
        }
        assumeTrue(installed, "terraform is not installed; the real-CLI check is skipped (the stand-in covers the contract)");
        Path dir = Files.createDirectories(workflowDirectory.resolve("real"));
        // Only Terraform's built-in provider: init needs no network.
        Files.writeString(dir.resolve("main.tf"), """
                variable "name" { type = string }
                variable "replicas" { type = number }
                resource "terraform_data" "app" { input = var.name }
                output "name" { value = terraform_data.app.output }
                output "replicas" { value = var.replicas }
                output "token" {
                  value     = "tok-${var.name}"
                  sensitive = true
                }
                """);
        TestStepContext context = new TestStepContext("terraform").workflowDirectory(workflowDirectory)
                .config("workingDir", "real").config("variables", Map.of("name", "shop", "replicas", 2L));

        StepResult result = StepTests.run(() -> executor.run(context, StepMode.APPLY));

        assertEquals("shop", result.outputs().get("name"));
        assertEquals("2", result.outputs().get("replicas"));
        assertEquals(Set.of("token"), result.secretOutputs());
        assertTrue(context.secrets.contains("tok-shop"));
        assertFalse(context.log().contains("tok-shop"));
        assertTrue(Files.exists(workspace().getParent().resolve("step-1/terraform.tfstate")));
        assertFalse(Files.exists(dir.resolve("terraform.tfstate")), "no state file in the catalog");

        StepResult plan = StepTests.run(() -> executor.run(new TestStepContext("terraform").workflowDirectory(workflowDirectory)
                .config("workingDir", "real").config("variables", Map.of("name", "shop", "replicas", 3L)), StepMode.DRY_RUN));
        assertEquals("true", plan.outputs().get("changes"), "a changed variable changes an output");
    }

    @Test
    void twoApplicationsInTwoEnvironmentsKeepFourStatesWithTheRealTerraformCli() throws IOException {
        assumeTrue(realTerraform(), "terraform is not installed; the state-isolation check with the real CLI is skipped");
        Path dir = Files.createDirectories(workflowDirectory.resolve("bucket"));
        Files.writeString(dir.resolve("main.tf"), """
                variable "name" { type = string }
                resource "terraform_data" "bucket" { input = var.name }
                output "bucket" { value = terraform_data.bucket.output }
                """);
        Map<String, String> created = new LinkedHashMap<>();
        for (String environment : List.of("qa", "prod")) {
            for (String application : List.of("orders", "billing")) {
                String name = application + "-" + environment;
                TestStepContext context = new TestStepContext("terraform").workflowDirectory(workflowDirectory)
                        .config("workingDir", "bucket").config("variables", Map.of("name", name));
                context.plan(TestStepContext.plan(application, "retail", environment, Map.of()));
                created.put(name, StepTests.run(() -> executor.run(context, StepMode.APPLY)).outputs().get("bucket"));
            }
        }
        assertEquals(Map.of("orders-qa", "orders-qa", "billing-qa", "billing-qa", "orders-prod", "orders-prod",
                "billing-prod", "billing-prod"), created);
        // A second apply of one (application, environment) sees its own state only: no change for the others.
        TestStepContext again = new TestStepContext("terraform").workflowDirectory(workflowDirectory)
                .config("workingDir", "bucket").config("variables", Map.of("name", "orders-qa"));
        again.plan(TestStepContext.plan("orders", "retail", "qa", Map.of()));
        StepResult plan = StepTests.run(() -> executor.run(again, StepMode.DRY_RUN));
        assertEquals("false", plan.outputs().get("changes"), "orders in qa still has its own state");
        for (String state : List.of("qa/orders", "qa/billing", "prod/orders", "prod/billing")) {
            Path file = data.resolve("terraform/" + state + "/platform.test/step-1/terraform.tfstate");
            assertTrue(Files.exists(file), file.toString());
            String name = state.replace("qa/", "").replace("prod/", "") + "-" + state.substring(0, state.indexOf('/'));
            assertTrue(Files.readString(file).contains("\"" + name + "\""), "state of " + state + " holds " + name);
        }
        try (var files = Files.walk(workflowDirectory)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("terraform.tfstate")
                    || f.getFileName().toString().equals(".terraform")), "nothing of terraform's state in the catalog");
        }
    }

    private static boolean realTerraform() {
        try {
            CliTools.locate(new TestStepContext("terraform"), "terraform", "terraform",
                    ProcessRunner.baseEnvironment(new TestStepContext("terraform")), "", "");
            return true;
        } catch (StepFailure e) {
            return false;
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
