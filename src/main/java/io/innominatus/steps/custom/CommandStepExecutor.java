package io.innominatus.steps.custom;

import io.innominatus.model.StepTypeRegistration;
import io.innominatus.steps.spi.StepContext;
import io.innominatus.steps.spi.StepExecutor;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.steps.spi.StepMode;
import io.innominatus.steps.spi.StepResult;
import io.innominatus.steps.tools.ExecStepExecutor;
import io.innominatus.steps.tools.ProcessRunner;
import io.innominatus.support.PathRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A step type registered in admin-config with {@code command}: runs the program with the step request
 * as JSON on stdin; its stdout is the JSON answer, each stderr line a log line, and a non-zero exit a
 * failure.
 */
public final class CommandStepExecutor implements StepExecutor {

    private final StepTypeRegistration registration;
    private final Path adminDirectory;

    public CommandStepExecutor(StepTypeRegistration registration, Path adminDirectory) {
        this.registration = registration;
        this.adminDirectory = adminDirectory;
    }

    @Override
    public String type() {
        return registration.type();
    }

    @Override
    public StepResult run(StepContext context, StepMode mode) {
        boolean dryRun = mode.dryRun();
        List<String> command = new ArrayList<>(registration.command());
        String program = command.get(0);
        if (PathRules.looksRelative(program)) {
            command.set(0, adminDirectory.resolve(program).normalize().toString());
        }
        Path workingDirectory;
        try {
            workingDirectory = Files.createTempDirectory("innominatus-" + registration.type() + "-");
        } catch (IOException e) {
            throw new StepFailure("cannot create a working directory: " + e.getMessage());
        }
        try {
            ProcessRunner.Outcome outcome = ProcessRunner.runSandboxed(context, command, ProcessRunner.baseEnvironment(context),
                    workingDirectory, CustomStepProtocol.request(context, dryRun), true, false);
            if (outcome.exitCode() != 0) {
                throw new StepFailure("step type " + registration.type() + ": '" + program + "' exited with code "
                        + outcome.exitCode() + (outcome.stderrTail().isEmpty() ? "" : ": " + String.join(" | ",
                        outcome.stderrTail())));
            }
            return CustomStepProtocol.response(String.join("\n", outcome.stdout()), "step type " + registration.type());
        } finally {
            ExecStepExecutor.deleteQuietly(workingDirectory);
        }
    }
}
