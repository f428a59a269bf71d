package io.innominatus.steps.tools;

import com.fasterxml.jackson.databind.JsonNode;
import io.innominatus.steps.spi.StepContext;
import io.innominatus.steps.spi.StepExecutor;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.steps.spi.StepMode;
import io.innominatus.steps.spi.StepResult;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code terraform}: runs Terraform (or OpenTofu: {@code config.binary: tofu}) in {@code config.workingDir}
 * or the step's {@code path} (relative to the workflow file). {@code config.operation} is {@code init},
 * {@code plan}, {@code apply} (default) or {@code destroy}; plan, apply and destroy run
 * {@code init -input=false} first. {@code config.variables} reach Terraform through a generated
 * {@code .tfvars.json} file in a private temporary directory outside the working directory, never through
 * a shell or the command line. After an apply, {@code output -json} becomes the step's outputs; outputs
 * Terraform marks sensitive become secret outputs. A dry run runs init and plan, which change no
 * infrastructure.
 *
 * <p>Terraform never runs in the catalog: the configuration is copied into a workspace of its own per
 * (environment, application, workflow, step) under the data directory,
 * {@code terraform/<environment>/<application>/<workflow>/<step>/}, where its local state and
 * {@code .terraform} directory stay between runs. Two applications, or one application in two
 * environments, never share state. A configuration that declares its own backend keeps its state there;
 * {@code config.backendConfig} values (interpolated, e.g. {@code key: ${environment.name}/${application.name}})
 * reach {@code init} as {@code -backend-config} so that each gets a key of its own.
 */
@ApplicationScoped
public class TerraformStepExecutor implements StepExecutor {

    static final String VAR_FILE = "innominatus.tfvars.json";
    private static final List<String> OPERATIONS = List.of("init", "plan", "apply", "destroy");
    /** What a workspace keeps between runs; everything else is the configuration, copied afresh. */
    private static final Set<String> KEPT = Set.of("terraform.tfstate", "terraform.tfstate.backup", "terraform.tfstate.d",
            ".terraform", ".terraform.lock.hcl");
    private static final java.util.regex.Pattern BACKEND = java.util.regex.Pattern.compile("(?m)^\\s*backend\\s+\"");
    private final Path dataDirectory;

    @jakarta.inject.Inject
    public TerraformStepExecutor(@org.eclipse.microprofile.config.inject.ConfigProperty(name = "innominatus.data-dir",
            defaultValue = "data") String dataDirectory) {
        this(Path.of(dataDirectory));
    }

    public TerraformStepExecutor(Path dataDirectory) {
        this.dataDirectory = dataDirectory.toAbsolutePath().normalize();
    }

    @Override
    public String type() {
        return "terraform";
    }

    @Override
    public StepResult run(StepContext context, StepMode mode) {
        boolean dryRun = mode.dryRun();
        String operation = context.string("operation").orElse("apply").trim().toLowerCase(Locale.ROOT);
        if (!OPERATIONS.contains(operation)) {
            throw new StepFailure("config.operation '" + operation + "' is not one of " + String.join(", ", OPERATIONS));
        }
        Path configuration = workingDirectory(context);
        Path workingDirectory = workspace(context, configuration);
        Map<String, String> env = CliTools.environment(context);
        env.putIfAbsent("TF_IN_AUTOMATION", "1");
        env.putIfAbsent("TF_INPUT", "0");
        env.putIfAbsent("CHECKPOINT_DISABLE", "1");
        Path binary = CliTools.binary(context, "terraform", env, "install it");
        String tool = binary.getFileName().toString();
        Map<String, Object> variables = context.map("variables");
        CliTools.registerCredentials(context, variables);
        if (dryRun && operation.equals("init")) {
            context.log("dry run: would run " + tool + " init -input=false for " + relative(context, configuration) + " in "
                    + workingDirectory);
            return StepResult.of(Map.of("dryRun", "true"));
        }
        Path varsDirectory = null;
        try {
            List<String> varFile = List.of();
            if (!variables.isEmpty()) {
                varsDirectory = CliTools.privateTempDirectory("innominatus-tfvars-");
                Path file = CliTools.writeJson(varsDirectory, VAR_FILE, variables);
                varFile = List.of("-var-file=" + file);
                context.log("passing variables " + variables.keySet() + " through a generated var file");
            }
            Runner runner = new Runner(context, binary, tool, env, workingDirectory);
            context.progress(5, tool + " init");
            List<String> init = new ArrayList<>(List.of("init", "-input=false", "-no-color"));
            Map<String, Object> backendConfig = context.map("backendConfig");
            backendConfig.forEach((key, value) -> init.add("-backend-config=" + key + "=" + value));
            if (!backendConfig.isEmpty() && !declaresBackend(workingDirectory)) {
                throw new StepFailure("config.backendConfig is set but " + relative(context, configuration)
                        + " declares no backend block; its state is kept in " + workingDirectory);
            }
            runner.run("init", init);
            if (operation.equals("init")) {
                return StepResult.EMPTY;
            }
            if (dryRun || operation.equals("plan")) {
                List<String> plan = new ArrayList<>(List.of("plan", "-input=false", "-no-color", "-detailed-exitcode"));
                if (operation.equals("destroy")) {
                    plan.add("-destroy");
                }
                plan.addAll(varFile);
                context.progress(40, tool + " plan");
                ProcessRunner.Outcome outcome = runner.start(plan);
                // -detailed-exitcode: 0 no changes, 2 changes present, anything else an error.
                if (outcome.exitCode() != 0 && outcome.exitCode() != 2) {
                    throw CliTools.exitFailure(tool + " plan", outcome);
                }
                boolean changes = outcome.exitCode() == 2;
                context.log(changes ? "plan: changes pending" : "plan: no changes");
                Map<String, String> outputs = new LinkedHashMap<>();
                if (dryRun) {
                    outputs.put("dryRun", "true");
                }
                outputs.put("changes", Boolean.toString(changes));
                return StepResult.of(outputs);
            }
            List<String> change = new ArrayList<>(List.of(operation, "-auto-approve", "-input=false", "-no-color"));
            change.addAll(varFile);
            context.progress(40, tool + " " + operation);
            runner.run(operation, change);
            if (operation.equals("destroy")) {
                return StepResult.EMPTY;
            }
            context.progress(90, tool + " output");
            ProcessRunner.Outcome outputs = ProcessRunner.run(context, runner.command(List.of("output", "-json")), env,
                    workingDirectory, null, true, false);
            if (outputs.exitCode() != 0) {
                throw CliTools.exitFailure(tool + " output", outputs);
            }
            return outputs(context, String.join("\n", outputs.stdout()));
        } finally {
            if (varsDirectory != null) {
                ExecStepExecutor.deleteQuietly(varsDirectory);
            }
        }
    }

    private static Path workingDirectory(StepContext context) {
        String value = context.string("workingDir").filter(s -> !s.isBlank()).or(context::path)
                .filter(s -> !s.isBlank())
                .orElseThrow(() -> new StepFailure("terraform steps need config.workingDir or the step's path"));
        Path base = context.workflowDirectory().orElseThrow(() -> new StepFailure(
                "the terraform working directory '" + value + "' needs a workflow directory; this workflow has none"));
        Path directory = ExecStepExecutor.inside(base, value, "config.workingDir");
        if (!Files.isDirectory(directory)) {
            throw new StepFailure("terraform working directory '" + value + "' does not exist");
        }
        return directory;
    }

    /**
     * The step's own workspace with a fresh copy of the configuration; state and provider data of earlier
     * runs stay.
     */
    Path workspace(StepContext context, Path configuration) {
        var plan = context.plan();
        Path workspace = dataDirectory.resolve("terraform").resolve(segment(plan.environment()))
                .resolve(segment(plan.application())).resolve(segment(context.workflowId().replace('/', '.')))
                .resolve(segment(context.step().replace('/', '.')));
        try {
            Files.createDirectories(workspace);
            try (var entries = Files.list(workspace)) {
                for (Path entry : entries.toList()) {
                    if (!KEPT.contains(entry.getFileName().toString())) {
                        ExecStepExecutor.deleteQuietly(entry);
                    }
                }
            }
            try (var walk = Files.walk(configuration)) {
                for (Path source : walk.toList()) {
                    Path relative = configuration.relativize(source);
                    String first = relative.getNameCount() == 0 ? "" : relative.getName(0).toString();
                    if (first.equals(".terraform") || first.startsWith("terraform.tfstate")) {
                        continue;
                    }
                    Path copy = workspace.resolve(relative.toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(copy);
                    } else if (Files.isRegularFile(source, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        Files.copy(source, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } catch (IOException e) {
            throw new StepFailure("cannot prepare the terraform workspace " + workspace + ": " + e.getMessage());
        }
        if (Files.exists(configuration.resolve("terraform.tfstate"))) {
            context.log("ignoring terraform.tfstate in " + relative(context, configuration) + ": state is kept per "
                    + "application and environment in " + workspace);
        }
        context.log("terraform workspace: " + workspace);
        return workspace;
    }

    private static boolean declaresBackend(Path directory) {
        try (var files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".tf")).toList()) {
                if (BACKEND.matcher(Files.readString(file)).find()) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private static String segment(String name) {
        String cleaned = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return cleaned.isEmpty() || cleaned.chars().allMatch(c -> c == '.') ? "_" : cleaned;
    }

    private static String relative(StepContext context, Path directory) {
        return context.workflowDirectory().map(base -> base.relativize(directory).toString()).filter(s -> !s.isEmpty())
                .orElse(".");
    }

    /** Turns {@code output -json} into outputs: strings as they are, other values as JSON text. */
    static StepResult outputs(StepContext context, String json) {
        JsonNode root;
        try {
            root = OutputFiles.JSON.readTree(json.isBlank() ? "{}" : json);
        } catch (IOException e) {
            throw new StepFailure("terraform output -json did not print a JSON object");
        }
        if (!root.isObject()) {
            throw new StepFailure("terraform output -json did not print a JSON object");
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        Set<String> secret = new LinkedHashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue().path("value");
            String text = value.isTextual() ? value.asText() : value.isMissingNode() ? "" : value.toString();
            if (field.getValue().path("sensitive").asBoolean(false)) {
                // Registered before the value goes anywhere, so that no log or event shows it.
                context.secret(text);
                textualLeaves(value, context);
                secret.add(field.getKey());
            }
            outputs.put(field.getKey(), text);
        }
        context.log("outputs: " + outputs.keySet() + (secret.isEmpty() ? "" : " (sensitive: " + secret + ")"));
        return new StepResult(outputs, secret);
    }

    private static void textualLeaves(JsonNode node, StepContext context) {
        if (node.isTextual() && !node.asText().isBlank()) {
            context.secret(node.asText());
        }
        node.elements().forEachRemaining(child -> textualLeaves(child, context));
    }

    /** Runs one Terraform command in the working directory, streaming its output. */
    private record Runner(StepContext context, Path binary, String tool, Map<String, String> env, Path directory) {

        List<String> command(List<String> arguments) {
            List<String> command = new ArrayList<>();
            command.add(binary.toString());
            command.addAll(arguments);
            return command;
        }

        ProcessRunner.Outcome start(List<String> arguments) {
            context.log("running " + tool + " " + String.join(" ", arguments.stream()
                    .map(a -> a.startsWith("-var-file=") ? "-var-file=" + VAR_FILE : a).toList()));
            return ProcessRunner.run(context, command(arguments), env, directory, null, false, true);
        }

        void run(String what, List<String> arguments) {
            ProcessRunner.Outcome outcome = start(arguments);
            if (outcome.exitCode() != 0) {
                throw CliTools.exitFailure(tool + " " + what, outcome);
            }
        }
    }
}
