package io.innominatus.steps.tools;

import io.innominatus.steps.spi.StepContext;
import io.innominatus.steps.spi.StepExecutor;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.steps.spi.StepMode;
import io.innominatus.steps.spi.StepResult;
import io.innominatus.support.PathRules;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code exec}: runs {@code config.command} (program and arguments; through a shell only when the list
 * says {@code sh -c}) with {@code config.env} in {@code config.workingDir} (relative to the workflow
 * file, default a fresh empty directory per attempt). Outputs come from {@code config.outputFile} (a
 * JSON object or {@code key=value} lines, relative to the working directory). A non-zero exit fails the
 * step with the last lines of stderr.
 */
@ApplicationScoped
public class ExecStepExecutor implements StepExecutor {

    @Override
    public String type() {
        return "exec";
    }

    @Override
    public StepResult run(StepContext context, StepMode mode) {
        return mode.dryRun() ? dryRun(context) : apply(context);
    }

    private StepResult apply(StepContext context) {
        return run(context);
    }

    private StepResult dryRun(StepContext context) {
        List<String> command = command(context);
        context.log("dry run: would run " + command + " in " + context.string("workingDir").orElse("a fresh directory")
                + (context.map("env").isEmpty() ? "" : " with env " + context.map("env").keySet()));
        return StepResult.of(Map.of("dryRun", "true"));
    
    }

    private StepResult run(StepContext context) {
        List<String> command = command(context);
        Path base = context.workflowDirectory().orElse(null);
        Path workingDirectory;
        boolean temporary = false;
        try {
            if (context.string("workingDir").isPresent()) {
                if (base == null) {
                    throw StepFailure.configuration("config.workingDir needs a workflow directory; this workflow has none");
                }
                workingDirectory = inside(base, context.string("workingDir").get(), "config.workingDir");
                if (!Files.isDirectory(workingDirectory)) {
                    throw StepFailure.configuration("config.workingDir " + context.string("workingDir").get() + " is not a directory");
                }
            } else {
                workingDirectory = Files.createTempDirectory("innominatus-step-");
                temporary = true;
            }
        } catch (IOException e) {
            throw new StepFailure("cannot create a working directory: " + e.getMessage());
        }
        try {
            List<String> resolved = new ArrayList<>(command);
            String program = resolved.get(0);
            if (PathRules.looksRelative(program)) {
                if (base == null) {
                    throw StepFailure.configuration("relative program " + program + " needs a workflow directory");
                }
                resolved.set(0, inside(base, program, "config.command[0]").toString());
            }
            Map<String, String> env = ProcessRunner.baseEnvironment(context);
            context.map("env").forEach((k, v) -> env.put(k, String.valueOf(v)));
            ProcessRunner.Outcome outcome = ProcessRunner.runSandboxed(context, resolved, env, workingDirectory, null, false, true);
            if (outcome.exitCode() != 0) {
                String tail = outcome.stderrTail().isEmpty() ? "" : ": " + String.join(" | ", outcome.stderrTail());
                throw new StepFailure("'" + program + "' exited with code " + outcome.exitCode() + tail);
            }
            Map<String, String> outputs = new java.util.LinkedHashMap<>();
            if (context.string("outputFile").isPresent()) {
                outputs.putAll(OutputFiles.read(inside(workingDirectory, context.string("outputFile").get(), "config.outputFile")));
            }
            return StepResult.of(outputs);
        } finally {
            if (temporary) {
                deleteQuietly(workingDirectory);
            }
        }
    }

    private static List<String> command(StepContext context) {
        Object raw = context.config().get("command");
        if (raw == null) {
            throw StepFailure.configuration("config.command is required for exec steps: [program, arg, ...]");
        }
        if (!(raw instanceof List)) {
            throw StepFailure.configuration("config.command must be a list [program, arg, ...]; write [sh, -c, \"...\"] to use a shell");
        }
        List<String> command = context.stringList("command");
        if (command.isEmpty() || command.get(0).isBlank()) {
            throw StepFailure.configuration("config.command needs at least the program");
        }
        return command;
    }

    public static Path inside(Path base, String relative, String field) {
        try {
            return PathRules.resolveInside(base, relative);
        } catch (IllegalArgumentException e) {
            throw StepFailure.configuration(field + ": " + e.getMessage());
        }
    }

    public static void deleteQuietly(Path directory) {
        try (Stream<Path> walk = Files.walk(directory)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A leftover temporary directory is harmless.
        }
    }
}
