package io.innominatus.steps;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import io.innominatus.steps.spi.StepFailure;
import io.innominatus.steps.spi.StepResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Helpers shared by the executor tests of every step family. */
public final class StepTests {

    /** Upper bound for anything a test waits for; a hang fails the test instead of blocking the build. */
    public static final Duration PATIENCE = Duration.ofMinutes(2);

    private StepTests() {}

    /** Runs an attempt to its end, failing the test if it takes longer than {@link #PATIENCE}. */
    public static StepResult run(Supplier<StepResult> attempt) {
        return assertTimeoutPreemptively(PATIENCE, attempt::get);
    }

    /** Runs an attempt that must fail with a {@link StepFailure}, and returns that failure. */
    public static StepFailure failure(Supplier<StepResult> attempt) {
        return assertTimeoutPreemptively(PATIENCE, () -> assertThrows(StepFailure.class, attempt::get));
    }

    /** Runs an attempt on another thread, as the engine does, so that the test can cancel while it runs. */
    public static CompletableFuture<StepResult> start(Supplier<StepResult> attempt) {
        CompletableFuture<StepResult> future = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                future.complete(attempt.get());
            } catch (Throwable t) {
                future.completeExceptionally(t);
            }
        }, "step-under-test");
        thread.setDaemon(true);
        thread.start();
        return future;
    }

    /** The failure a started step ended with. */
    public static StepFailure failureOf(CompletableFuture<StepResult> future) {
        try {
            future.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StepFailure failure) {
                return failure;
            }
            throw new AssertionError("step failed with something else than a StepFailure", e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("step did not end", e);
        }
        return fail("step succeeded but was expected to fail");
    }

    public static void await(BooleanSupplier condition, String what) {
        org.awaitility.Awaitility.await(what).atMost(PATIENCE).pollInterval(java.time.Duration.ofMillis(50))
                .until(condition::getAsBoolean);
    }

    /** Copies a test resource to {@code directory/name} and makes it executable (Maven drops the mode bits). */
    public static Path executable(String resource, Path directory, String name) throws IOException {
        Path target = directory.resolve(name);
        try (InputStream in = StepTests.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing test resource " + resource);
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        if (!target.toFile().setExecutable(true)) {
            throw new IOException("cannot make " + target + " executable");
        }
        return target;
    }

    /** Copies a test resource to {@code directory/name}, creating parent directories. */
    public static Path copy(String resource, Path directory, String name) throws IOException {
        Path target = directory.resolve(name);
        Files.createDirectories(target.getParent());
        try (InputStream in = StepTests.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing test resource " + resource);
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    public static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
