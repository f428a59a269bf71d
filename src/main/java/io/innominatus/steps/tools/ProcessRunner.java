package io.innominatus.steps.tools;

import io.innominatus.steps.spi.StepContext;
import io.innominatus.steps.spi.StepFailure;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external program the way steps need it: arguments passed as a list (never through a shell),
 * a chosen environment and working directory, every stdout/stderr line streamed to the step log, and
 * cancellation that stops the whole process tree.
 */
public final class ProcessRunner {

    /** Longest line kept in a log event; longer lines are cut. */
    static final int MAX_LINE = 4096;
    private static final int TAIL_LINES = 20;
    private static final long TERMINATE_GRACE_SECONDS = 5;

    /** How a process ended: its exit code and the last lines it wrote to stderr (for error messages). */
    public record Outcome(int exitCode, List<String> stderrTail, List<String> stdout) {}

    private ProcessRunner() {}

    /**
     * Runs a command to completion.
     *
     * @param stdin bytes written to the process's standard input, or null
     * @param captureStdout whether to keep stdout lines in the outcome (they are logged either way unless
     *     {@code logStdout} is false)
     * @throws StepFailure when the program cannot be started or the step is cancelled
     */
    public static Outcome run(StepContext context, List<String> command, Map<String, String> environment, Path workingDirectory,
            byte[] stdin, boolean captureStdout, boolean logStdout) {
        return run(context, command, environment, workingDirectory, stdin, captureStdout, logStdout, false);
    }

    /**
     * Runs a program whose command a workflow or a registration names ({@code exec}, command step types, command
     * provisioners) in the configured {@link Sandbox}. Tools with state of their own (terraform, ansible, the
     * scanner) run outside it: their state lives in directories the jail hides.
     */
    public static Outcome runSandboxed(StepContext context, List<String> command, Map<String, String> environment,
            Path workingDirectory, byte[] stdin, boolean captureStdout, boolean logStdout) {
        return run(context, command, environment, workingDirectory, stdin, captureStdout, logStdout, true);
    }

    private static Outcome run(StepContext context, List<String> command, Map<String, String> environment,
            Path workingDirectory, byte[] stdin, boolean captureStdout, boolean logStdout, boolean sandboxed) {
        if (command.isEmpty()) {
            throw StepFailure.configuration("no command to run");
        }
        ProcessBuilder builder = new ProcessBuilder(sandboxed ? Sandbox.wrap(command, workingDirectory) : command)
                .directory(workingDirectory.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw StepFailure.configuration("cannot start '" + command.get(0) + "': " + reason(e));
        }
        Runnable stop = () -> stop(process);
        context.cancellation().onCancel(stop);
        Deque<String> stderrTail = new ArrayDeque<>();
        List<String> stdout = new java.util.ArrayList<>();
        Thread errors = daemon("step-stderr", () -> pump(process.getErrorStream(), full -> {
            String line = shortened(full);
            context.log("stderr", line);
            synchronized (stderrTail) {
                stderrTail.addLast(line);
                if (stderrTail.size() > TAIL_LINES) {
                    stderrTail.removeFirst();
                }
            }
        }));
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin);
            }
        } catch (IOException ignored) {
            // The program may not read its input; what it does with it shows in its exit code.
        }
        // Captured lines stay whole (a program's JSON answer may hold long values); logged lines are cut.
        pump(process.getInputStream(), line -> {
            if (logStdout) {
                context.log("stdout", shortened(line));
            }
            if (captureStdout) {
                stdout.add(line);
            }
        });
        int exit;
        try {
            exit = process.waitFor();
            errors.join(TimeUnit.SECONDS.toMillis(TERMINATE_GRACE_SECONDS));
        } catch (InterruptedException e) {
            stop(process);
            Thread.currentThread().interrupt();
            throw new StepFailure("interrupted while waiting for '" + command.get(0) + "'");
        }
        context.cancellation().check();
        synchronized (stderrTail) {
            return new Outcome(exit, List.copyOf(stderrTail), stdout);
        }
    }

    /** Stops the process and everything it started: politely, then forcibly after a grace period. */
    static void stop(Process process) {
        List<ProcessHandle> tree = new java.util.ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        daemon("step-kill", () -> {
            try {
                if (!process.waitFor(TERMINATE_GRACE_SECONDS, TimeUnit.SECONDS)) {
                    tree.forEach(ProcessHandle::destroyForcibly);
                }
                tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            } catch (InterruptedException e) {
                tree.forEach(ProcessHandle::destroyForcibly);
                Thread.currentThread().interrupt();
            }
        });
    }

    private static Thread daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static String shortened(String line) {
        return line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + " …(truncated)" : line;
    }

    private static void pump(InputStream stream, java.util.function.Consumer<String> sink) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                sink.accept(line);
            }
        } catch (IOException ignored) {
            // The stream closes when the process is stopped; nothing more to read.
        }
    }

    /** A failure reason without exception class names. */
    static String reason(IOException e) {
        String message = e.getMessage() == null ? "I/O error" : e.getMessage();
        int cause = message.indexOf("error=");
        return cause >= 0 ? message.substring(cause) : message;
    }

    /** The environment steps start with: enough to find programs, nothing of the server's secrets. */
    public static Map<String, String> baseEnvironment(StepContext context) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        for (String name : List.of("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "USER")) {
            String value = System.getenv(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        env.putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("INNOMINATUS_EXECUTION_ID", context.executionId());
        env.put("INNOMINATUS_WORKFLOW_ID", context.workflowId());
        env.put("INNOMINATUS_STEP", context.step());
        env.put("INNOMINATUS_ATTEMPT", Integer.toString(context.attempt()));
        env.put("INNOMINATUS_IDEMPOTENCY_KEY", context.idempotencyKey());
        env.put("INNOMINATUS_APPLICATION", context.plan().application());
        env.put("INNOMINATUS_PRODUCT", context.plan().product());
        env.put("INNOMINATUS_ENVIRONMENT", context.plan().environment());
        return env;
    }
}
