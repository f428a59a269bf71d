package io.innominatus.steps;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import io.smallrye.mutiny.Uni;
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

/** Helpers shared by the executor tests. */
final class StepTests {

    /** Upper bound for anything a test waits for; a hang fails the test instead of blocking the build. */
    static final Duration PATIENCE = Duration.ofMinutes(2);

    private StepTests() {}

    static StepResult run(Uni<StepResult> uni) {
        return uni.await().atMost(PATIENCE);
    }

    static StepFailure failure(Uni<StepResult> uni) {
        return assertThrows(StepFailure.class, () -> uni.await().atMost(PATIENCE));
    }

    /** Subscribes on another thread, as the engine does, so that the test can cancel while it runs. */
    static CompletableFuture<StepResult> start(Uni<StepResult> uni) {
        CompletableFuture<StepResult> future = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                future.complete(uni.await().atMost(PATIENCE));
            } catch (Throwable t) {
                future.completeExceptionally(t);
            }
        }, "step-under-test");
        thread.setDaemon(true);
        thread.start();
        return future;
    }

    /** The failure a started step ended with. */
    static StepFailure failureOf(CompletableFuture<StepResult> future) {
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

    static void await(BooleanSupplier condition, String what) {
        org.awaitility.Awaitility.await(what).atMost(PATIENCE).pollInterval(java.time.Duration.ofMillis(50))
                .until(condition::getAsBoolean);
    }

    /** Copies a test resource to {@code directory/name} and makes it executable (Maven drops the mode bits). */
    static Path executable(String resource, Path directory, String name) throws IOException {
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
    static Path copy(String resource, Path directory, String name) throws IOException {
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

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
