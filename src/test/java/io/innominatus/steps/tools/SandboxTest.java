package io.innominatus.steps.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.innominatus.steps.TestStepContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Programs of steps in the bubblewrap jail: what they can no longer see, write or signal. Needs {@code bwrap}. */
class SandboxTest {

    @TempDir
    Path temp;
    private Path data;
    private Path work;
    private Path outside;

    @BeforeEach
    void directories() throws Exception {
        data = Files.createDirectories(temp.resolve("data"));
        Files.writeString(data.resolve("store.mv.db"), "the execution store");
        work = Files.createDirectories(data.resolve("work/attempt-1"));
        outside = Files.createDirectories(temp.resolve("elsewhere"));
    }

    @AfterEach
    void reset() {
        Sandbox.configure(Sandbox.Mode.NONE, "bwrap", List.of());
    }

    private int run(String script) {
        return ProcessRunner.runSandboxed(new TestStepContext("exec"), List.of("sh", "-c", script), Map.of("PATH", "/usr/bin:/bin"),
                work, null, true, true).exitCode();
    }

    private String checks() {
        return "cat " + data.resolve("store.mv.db") + " >/dev/null 2>&1 && echo read-store; touch " + outside.resolve("x")
                + " 2>/dev/null && echo wrote-outside; kill -0 " + ProcessHandle.current().pid()
                + " 2>/dev/null && echo sees-service; echo inside > inside.txt";
    }

    @Test
    void withoutASandboxProgramsSeeWhatTheServiceSees() {
        assertEquals(0, run("cat " + data.resolve("store.mv.db") + " > /dev/null && touch " + outside.resolve("x")
                + " && kill -0 " + ProcessHandle.current().pid()));
        assertTrue(Files.exists(outside.resolve("x")));
    }

    @Test
    void inTheJailOnlyTheWorkingDirectoryIsWritableAndTheServiceIsOutOfSight() throws Exception {
        assumeTrue(Sandbox.available("bwrap"), "bwrap is not installed or cannot create namespaces here: the bubblewrap "
                + "sandbox is not tested on this machine");
        Sandbox.configure(Sandbox.Mode.BUBBLEWRAP, "bwrap", List.of(data));
        assertNotEquals(0, run("cat " + data.resolve("store.mv.db")), "the data directory is hidden");
        assertNotEquals(0, run("touch " + outside.resolve("x")), "the host file system is read-only");
        assertFalse(Files.exists(outside.resolve("x")));
        assertNotEquals(0, run("kill -0 " + ProcessHandle.current().pid()), "the service's process is out of sight");
        assertEquals(0, run(checks()));
        assertEquals("inside\n", Files.readString(work.resolve("inside.txt")), "the working directory is writable");
    }
}
