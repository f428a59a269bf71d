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
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The ansible step running the real {@code ansible-playbook} against localhost (Debian package
 * {@code ansible}). Tests that need it are skipped, saying so, where it is not installed.
 */
class AnsibleStepExecutorTest {

    private static final String SKIP = "ansible-playbook is not installed (Debian package 'ansible': apt-get install ansible);"
            + " skipping the real-ansible test";

    @TempDir
    Path workflowDirectory;
    @TempDir
    Path scratch;

    private final AnsibleStepExecutor executor = new AnsibleStepExecutor();

    @BeforeEach
    void copyPlaybooks() throws IOException {
        for (String file : List.of("site.yml", "fail.yml", "slow.yml", "unreachable.ini")) {
            StepTests.copy("/steps/ansible/" + file, workflowDirectory, "ansible/" + file);
        }
    }

    private static boolean installed(String program) {
        try {
            CliTools.locate(new TestStepContext("ansible"), program, program,
                    ProcessRunner.baseEnvironment(new TestStepContext("ansible")), "", "");
            return true;
        } catch (StepFailure e) {
            return false;
        }
    }

    private TestStepContext context(String playbook) {
        return new TestStepContext("ansible").workflowDirectory(workflowDirectory).config("playbook", playbook);
    }

    private Map<String, Object> vars(Path marker) {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("app_name", "shop");
        vars.put("env_name", "staging");
        vars.put("marker", marker.toString());
        vars.put("api_token", "tok-0123456789");
        return vars;
    }

    @Test
    void aPlaybookRunsAgainstLocalhostWithExtraVars() {
        assumeTrue(installed("ansible-playbook"), SKIP);
        Path marker = scratch.resolve("marker");
        TestStepContext context = context("./ansible/site.yml").config("extraVars", vars(marker));

        StepResult result = StepTests.run(() -> executor.run(context, StepMode.APPLY));

        assertTrue(context.logged("\"msg\": \"deploying shop to staging\""), "extra vars reach the playbook:\n" + context.log());
        assertTrue(context.logged("PLAY RECAP"), "ansible's output is streamed");
        assertTrue(Files.exists(marker), "the playbook ran for real");
        assertEquals("localhost", result.outputs().get("hosts"));
        assertEquals("2", result.outputs().get("ok"));
        assertEquals("1", result.outputs().get("changed"));
        assertEquals("0", result.outputs().get("failed"));
        assertTrue(context.secrets.contains("tok-0123456789"), "an extra var named like a credential is a secret");
        assertFalse(context.secrets.contains("staging"));
    }

    @Test
    void dryRunUsesCheckModeAndChangesNothing() {
        assumeTrue(installed("ansible-playbook"), SKIP);
        Path marker = scratch.resolve("never-created");
        TestStepContext context = context("ansible/site.yml").config("extraVars", vars(marker));

        StepResult result = StepTests.run(() -> executor.run(context, StepMode.DRY_RUN));

        assertFalse(Files.exists(marker), "check mode changes nothing");
        assertEquals("true", result.outputs().get("dryRun"));
        assertTrue(context.logged("deploying shop to staging"));
        assertTrue(context.logged("dry run (check mode)"));
    }

    @Test
    void aFailedHostFailsTheStepNamingTheHostAndReason() {
        assumeTrue(installed("ansible-playbook"), SKIP);
        TestStepContext context = context("ansible/fail.yml").config("extraVars", Map.of("db_name", "payments"));

        StepFailure failure = StepTests.failure(() -> executor.run(context, StepMode.APPLY));

        assertEquals("ansible-playbook exited with code 2; failed hosts: localhost "
                + "(localhost: database payments is not reachable)", failure.getMessage());
        assertTrue(context.logged("fatal: [localhost]: FAILED!"));
    }

    @Test
    void anUnreachableHostFromAnInventoryFileIsNamed() {
        assumeTrue(installed("ansible-playbook"), SKIP);
        assumeTrue(installed("ssh"), "the ssh client is not installed; skipping the unreachable-host test");
        Path marker = scratch.resolve("marker");
        TestStepContext context = context("ansible/site.yml").config("inventory", "ansible/unreachable.ini")
                .config("extraVars", vars(marker));

        StepFailure failure = StepTests.failure(() -> executor.run(context, StepMode.APPLY));

        assertTrue(failure.getMessage().startsWith("ansible-playbook exited with code 4; unreachable hosts: ghost"),
                failure.getMessage());
        assertFalse(context.logged("--connection=local"));
    }

    @Test
    void aBrokenPlaybookFailsWithAnsiblesOwnError() throws IOException {
        assumeTrue(installed("ansible-playbook"), SKIP);
        Files.writeString(workflowDirectory.resolve("ansible/broken.yml"), "- hosts: all\n  tasks:\n    - no_such_module_xyz: {}\n");

        StepFailure failure = StepTests.failure(() -> executor.run(context("ansible/broken.yml"), StepMode.APPLY));

        assertTrue(failure.getMessage().startsWith("ansible-playbook exited with code 4"), failure.getMessage());
        assertTrue(failure.getMessage().contains("no_such_module_xyz"), failure.getMessage());
    }

    @Test
    void cancellationStopsAnsibleAndTheTaskItStarted() throws IOException {
        assumeTrue(installed("ansible-playbook"), SKIP);
        Path pidFile = scratch.resolve("task.pid");
        TestStepContext context = context("ansible/slow.yml").config("extraVars", Map.of("pidfile", pidFile.toString()));
        CompletableFuture<StepResult> running = StepTests.start(() -> executor.run(context, StepMode.APPLY));
        StepTests.await(() -> Files.exists(pidFile) && read(pidFile).matches("\\d+"), "the playbook's task to start");
        long taskPid = Long.parseLong(read(pidFile));

        context.cancellation().cancel("timeout after 30s");

        assertEquals("cancelled: timeout after 30s", StepTests.failureOf(running).getMessage());
        StepTests.await(() -> !StepTests.alive(taskPid), "the task's process to be gone");
    }

    @Test
    void aMissingBinaryIsAClearError() {
        StepFailure failure = StepTests.failure(() -> executor.run(context("ansible/site.yml")
                .config("binary", "ansible-playbook-not-installed"), StepMode.APPLY));

        assertTrue(failure.getMessage().startsWith("ansible-playbook binary 'ansible-playbook-not-installed' not found on PATH;"
                + " install it"), failure.getMessage());
        assertTrue(failure.getMessage().endsWith("or set config.binary"), failure.getMessage());
    }

    @Test
    void thePlaybookIsRequiredAndMustExistInsideTheWorkflowDirectory() {
        assertEquals("config.playbook is required for ansible steps",
                StepTests.failure(() -> executor.run(new TestStepContext("ansible").workflowDirectory(workflowDirectory), StepMode.APPLY))
                        .getMessage());
        assertEquals("playbook 'ansible/none.yml' does not exist",
                StepTests.failure(() -> executor.run(context("ansible/none.yml"), StepMode.APPLY)).getMessage());
        assertTrue(StepTests.failure(() -> executor.run(context("../site.yml"), StepMode.APPLY)).getMessage()
                .contains("leaves the workflow's directory"));
    }

    @Test
    void aMissingInventoryFileIsAClearError() {
        StepFailure failure = StepTests.failure(() -> executor.run(context("ansible/site.yml").config("inventory", "hosts.ini"), StepMode.APPLY));

        assertTrue(failure.getMessage().startsWith("inventory 'hosts.ini' does not exist"), failure.getMessage());
    }

    @Test
    void thePlayRecapIsParsed() {
        List<AnsibleStepExecutor.HostRecap> recap = AnsibleStepExecutor.recap(List.of(
                "PLAY [all] ****",
                "PLAY RECAP *********************************************************************",
                "db1                        : ok=3    changed=1    unreachable=0    failed=1    skipped=2    rescued=0    ignored=0   ",
                "web1                       : ok=0    changed=0    unreachable=1    failed=0    skipped=0    rescued=0    ignored=0   ",
                ""));

        assertEquals(List.of(new AnsibleStepExecutor.HostRecap("db1", 3, 1, 0, 1, 2),
                new AnsibleStepExecutor.HostRecap("web1", 0, 0, 1, 0, 0)), recap);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            return "";
        }
    }
}
