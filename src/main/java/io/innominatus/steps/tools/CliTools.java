package io.innominatus.steps.tools;

import io.innominatus.steps.spi.StepContext;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.support.PathRules;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the steps that drive a command-line tool share: finding the program (with an error that says how
 * to fix a missing one), the environment it runs in, and private temporary files for the values handed
 * to it (variables may hold secrets, so only the server's user may read them).
 */
final class CliTools {

    private static final Pattern CREDENTIAL = Pattern.compile(
            "(?i).*(password|passwd|secret|token|credential|private_?key|access_?key|api_?key).*");
    /** Shorter values would be redacted wherever they happen to appear, which hides more than it protects. */
    private static final int MIN_SECRET_LENGTH = 4;

    private CliTools() {}

    /**
     * The environment of a tool: {@link ProcessRunner#baseEnvironment} plus {@code config.env}, which is
     * how a workflow hands a tool the credentials and settings it reads from its environment.
     */
    static Map<String, String> environment(StepContext context) {
        Map<String, String> env = ProcessRunner.baseEnvironment(context);
        context.map("env").forEach((k, v) -> env.put(k, v == null ? "" : String.valueOf(v)));
        registerCredentials(context, context.map("env"));
        return env;
    }

    /**
     * Registers as secrets the values whose names say they are credentials ({@code AWS_SECRET_ACCESS_KEY},
     * {@code db_password}, {@code api_token}...), so that a tool echoing them does not show them.
     */
    static void registerCredentials(StepContext context, Map<String, Object> values) {
        values.forEach((name, value) -> {
            if (value != null && !(value instanceof Map) && !(value instanceof List) && CREDENTIAL.matcher(name).matches()) {
                String text = String.valueOf(value);
                if (text.length() >= MIN_SECRET_LENGTH) {
                    context.secret(text);
                }
            }
        });
    }

    /**
     * Finds the program named by {@code config.binary} (or {@code defaultName}): a bare name is looked up
     * on the tool's PATH, {@code ./x} resolves inside the workflow directory, an absolute path is taken
     * as it is.
     *
     * @param installHint how to install the tool, e.g. "install it"
     * @throws StepFailure when there is no such executable program
     */
    static Path binary(StepContext context, String defaultName, Map<String, String> environment, String installHint) {
        String name = context.string("binary").filter(s -> !s.isBlank()).orElse(defaultName);
        return locate(context, name, defaultName, environment, installHint, "config.binary");
    }

    static Path locate(StepContext context, String name, String tool, Map<String, String> environment, String installHint,
            String field) {
        String decoded = PathRules.decode(name);
        if (decoded.contains("/")) {
            Path candidate;
            if (PathRules.isAbsolute(decoded)) {
                candidate = Path.of(decoded);
            } else {
                Path base = context.workflowDirectory().orElseThrow(() -> StepFailure.configuration(
                        "relative " + field + " '" + name + "' needs a workflow directory"));
                candidate = ExecStepExecutor.inside(base, decoded, field);
            }
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
            throw StepFailure.configuration(tool + " binary '" + name + "' not found or not executable; " + installHint
                    + " or set " + field);
        }
        String path = environment.getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path candidate = Path.of(dir).resolve(name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw StepFailure.configuration(tool + " binary '" + name + "' not found on PATH; " + installHint + " or set " + field);
    }

    /** A fresh directory only the server's user can read, outside any workflow directory. */
    static Path privateTempDirectory(String prefix) {
        try {
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                return Files.createTempDirectory(prefix, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new StepFailure("cannot create a temporary directory: " + e.getMessage());
        }
    }

    /** Writes {@code value} as JSON to {@code directory/name}. */
    static Path writeJson(Path directory, String name, Object value) {
        Path file = directory.resolve(name);
        try {
            Files.writeString(file, OutputFiles.JSON.writeValueAsString(value), StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new StepFailure("cannot write " + name + ": " + e.getMessage());
        }
    }

    /** The failure of a tool's run: its exit code and the last lines it wrote to stderr. */
    static StepFailure exitFailure(String what, ProcessRunner.Outcome outcome) {
        List<String> tail = outcome.stderrTail().stream().filter(l -> !l.isBlank()).toList();
        if (tail.size() > 5) {
            tail = tail.subList(tail.size() - 5, tail.size());
        }
        return new StepFailure(what + " exited with code " + outcome.exitCode()
                + (tail.isEmpty() ? "" : ": " + String.join(" | ", tail)));
    }
}
