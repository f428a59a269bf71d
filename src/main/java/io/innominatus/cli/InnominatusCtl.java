package io.innominatus.cli;

import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code innominatus-ctl}: the command-line client of innominatus. {@link #main} runs it as a program;
 * {@link #execute} runs it in-process with a given environment (tests do).
 */
@Command(name = "innominatus-ctl", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
        versionProvider = InnominatusCtl.Version.class, sortOptions = false, usageHelpAutoWidth = true,
        synopsisSubcommandLabel = "COMMAND",
        description = {
            "The self-service client of innominatus, the workflow orchestrator: browse, validate and test workflows, "
                    + "plan and run deployments, follow them live, approve, cancel and retry them.",
            "",
            "Server: --server, else $INNOMINATUS_SERVER, else localhost:8080. Plaintext for localhost and loopback "
                    + "addresses, TLS for any other host (--tls / --plaintext choose explicitly).",
            "Token: $INNOMINATUS_TOKEN, else the one stored by 'login' ($XDG_CONFIG_HOME/innominatus/token), sent as "
                    + "'authorization: Bearer <token>' on every call.",
        },
        subcommands = {
            CatalogCommands.ListProducts.class,
            CatalogCommands.ListProductWorkflows.class,
            CatalogCommands.ValidateProductWorkflow.class,
            CatalogCommands.TestProductWorkflow.class,
            DeploymentCommands.Plan.class,
            DeploymentCommands.Deploy.class,
            DeploymentCommands.Undeploy.class,
            DeploymentCommands.Run.class,
            ExecutionCommands.Watch.class,
            ExecutionCommands.Executions.class,
            ExecutionCommands.Get.class,
            ExecutionCommands.Logs.class,
            ExecutionCommands.Approve.class,
            ExecutionCommands.Reject.class,
            ExecutionCommands.Cancel.class,
            ExecutionCommands.Retry.class,
            AdminCommands.Policies.class,
            AdminCommands.StepTypes.class,
            AdminCommands.Environments.class,
            AdminCommands.Reload.class,
            LoginCommands.Login.class,
            LoginCommands.Logout.class,
            CommandLine.HelpCommand.class,
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:the watched execution FAILED, was CANCELLED or REJECTED",
            "2:usage error (bad option or argument, unreadable input file)",
            "3:validation failure (invalid workflow or Score file, INVALID_ARGUMENT)",
            "4:blocked by policy or a precondition (FAILED_PRECONDITION, or a plan with allowed=false)",
            "5:connection error (UNAVAILABLE, DEADLINE_EXCEEDED, cannot connect)",
            "6:authentication or authorization failed (UNAUTHENTICATED, PERMISSION_DENIED)",
            "7:not found (NOT_FOUND)",
            "8:any other server error",
        })
public final class InnominatusCtl implements Callable<Integer> {

    @Option(names = "--server", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT",
            description = "Server address (default: $INNOMINATUS_SERVER, else localhost:8080).")
    String server;

    @Option(names = "--tls", scope = ScopeType.INHERIT, description = "Use TLS (the default for hosts other than localhost).")
    boolean tls;

    @Option(names = "--plaintext", scope = ScopeType.INHERIT,
            description = "Use plaintext h2c even for a remote host (the default for localhost).")
    boolean plaintext;

    @Option(names = "--ca-cert", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "PEM file of the certificate authorities to trust for TLS instead of the system's (implies --tls).")
    String caCert;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "FORMAT",
            description = "Output format: table (default), json or yaml.")
    OutputFormat output = OutputFormat.table;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, description = "Show more: step log lines while watching.")
    boolean verbose;

    @Option(names = "--no-color", scope = ScopeType.INHERIT,
            description = "Never use colours (they are used only on a terminal, and never when NO_COLOR is set).")
    boolean noColor;

    @Option(names = "--timeout", scope = ScopeType.INHERIT, paramLabel = "SECONDS",
            description = "Deadline for each call, in seconds (default 30; watching has none).")
    int timeoutSeconds = 30;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final CliEnvironment env;

    InnominatusCtl(CliEnvironment env) {
        this.env = env;
    }

    /** Runs the CLI as a program. */
    public static void main(String[] args) {
        // grpc-java and netty log through java.util.logging; a command-line tool reports errors itself.
        Logger.getLogger("").setLevel(Level.OFF);
        int code = execute(CliEnvironment.system(), args);
        System.exit(code);
    }

    /** Runs one command line in {@code env} and returns its exit code. */
    public static int execute(CliEnvironment env, String... args) {
        InnominatusCtl root = new InnominatusCtl(env);
        CommandLine commandLine = new CommandLine(root);
        commandLine.setOut(env.out());
        commandLine.setErr(env.err());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        boolean colours = env.colours(Arrays.asList(args).contains("--no-color"));
        commandLine.setColorScheme(Help.defaultColorScheme(colours ? Help.Ansi.ON : Help.Ansi.OFF));
        commandLine.setParameterExceptionHandler((ex, arguments) -> {
            CommandLine failed = ex.getCommandLine();
            PrintWriter err = failed.getErr();
            err.println("error: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.print(failed.getHelp().synopsis(0));
            err.println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more information.");
            err.flush();
            return ExitCodes.USAGE;
        });
        commandLine.setExecutionExceptionHandler((ex, failed, parseResult) -> {
            ErrorReport report = ErrorReport.of(ex, root.addressForMessages());
            report.lines().forEach(env.err()::println);
            env.err().flush();
            return report.exitCode();
        });
        int code = commandLine.execute(args);
        env.out().flush();
        env.err().flush();
        return code;
    }

    @Override
    public Integer call() {
        // No command: show what there is, and fail like any other usage error.
        spec.commandLine().usage(env.err());
        return ExitCodes.USAGE;
    }

    CliEnvironment env() {
        return env;
    }

    Style style() {
        return new Style(env.colours(noColor), env.terminal() && utf8());
    }

    Printer printer() {
        return new Printer(env.out(), output);
    }

    boolean verbose() {
        return verbose;
    }

    ServerAddress address() {
        String value = server != null ? server : env.variable("INNOMINATUS_SERVER");
        return ServerAddress.parse(value != null ? value : ServerAddress.DEFAULT);
    }

    private ServerAddress addressForMessages() {
        try {
            return address();
        } catch (CliException e) {
            return ServerAddress.parse(ServerAddress.DEFAULT);
        }
    }

    /** Opens the connection the global options describe. */
    Connection connect() {
        if (tls && plaintext) {
            throw new CliException(ExitCodes.USAGE, "--tls and --plaintext exclude each other");
        }
        if (plaintext && caCert != null) {
            throw new CliException(ExitCodes.USAGE, "--ca-cert needs TLS; drop --plaintext");
        }
        if (timeoutSeconds <= 0) {
            throw new CliException(ExitCodes.USAGE, "--timeout must be a positive number of seconds");
        }
        ServerAddress address = address();
        boolean useTls = tls || caCert != null || (!plaintext && !address.loopback());
        String token = env.variable("INNOMINATUS_TOKEN");
        if (token == null) {
            token = TokenStore.of(env).read().orElse(null);
        }
        if (token != null && !useTls && !address.loopback()) {
            env.err().println("warning: sending the bearer token without TLS to " + address);
        }
        Path ca = caCert == null ? null : env.resolve(caCert);
        return Connection.open(address, useTls, ca, token, Duration.ofSeconds(timeoutSeconds));
    }

    /** Live progress on a terminal, one line per event otherwise, JSON/YAML documents with -o. */
    WatchRenderer renderer() {
        Printer printer = printer();
        if (printer.structured()) {
            return new StructuredWatchRenderer(printer, env.err());
        }
        if (env.terminal()) {
            int rows = 24;
            try {
                String lines = env.variable("LINES");
                rows = lines == null ? 24 : Integer.parseInt(lines.trim());
            } catch (NumberFormatException e) {
                rows = 24;
            }
            return new LiveWatchRenderer(env.out(), env.err(), style(), verbose, env.columns(), rows, Instant::now, true);
        }
        return new PlainWatchRenderer(env.out(), env.err(), style(), verbose);
    }

    private static boolean utf8() {
        String encoding = System.getProperty("stdout.encoding");
        Charset charset;
        try {
            charset = encoding == null ? Charset.defaultCharset() : Charset.forName(encoding);
        } catch (RuntimeException e) {
            charset = Charset.defaultCharset();
        }
        return charset.equals(StandardCharsets.UTF_8);
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = InnominatusCtl.class.getPackage().getImplementationVersion();
            return new String[] {"innominatus-ctl " + (version == null ? "(development build)" : version)};
        }
    }
}
