package io.innominatus.cli;

import java.io.Console;
import java.io.File;
import java.io.IOException;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What the CLI sees of the world: environment variables, the working directory that relative paths
 * resolve against, standard output and error, whether standard output is an interactive terminal, and how
 * to wait. Tests run the CLI in-process with their own environment.
 *
 * @param variables environment variables
 * @param workingDirectory directory relative file arguments resolve against
 * @param out standard output
 * @param err standard error
 * @param terminal true when standard output is an interactive terminal (live progress, colours)
 * @param sleeper how to wait between retries and polls
 * @param interrupts what runs when the user interrupts the process (Ctrl-C)
 */
public record CliEnvironment(Map<String, String> variables, Path workingDirectory, PrintWriter out, PrintWriter err,
        boolean terminal, Sleeper sleeper, Interrupts interrupts) {

    /** Waits; tests substitute a faster one. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(java.time.Duration duration) throws InterruptedException;
    }

    /** Registers what to say when the process is interrupted; closing the registration withdraws it. */
    @FunctionalInterface
    public interface Interrupts {
        Registration onInterrupt(Runnable action);

        /** Nothing to withdraw. */
        interface Registration extends AutoCloseable {
            @Override
            void close();
        }

        /** Ctrl-C ends the JVM with exit code 130 after its shutdown hooks ran: the action becomes one of them. */
        Interrupts SHUTDOWN_HOOKS = action -> {
            Thread hook = new Thread(action, "innominatus-ctl-interrupted");
            Runtime.getRuntime().addShutdownHook(hook);
            return () -> {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // The hook is running or has run; nothing to withdraw.
                }
            };
        };
    }

    public CliEnvironment(Map<String, String> variables, Path workingDirectory, PrintWriter out, PrintWriter err,
            boolean terminal, Sleeper sleeper) {
        this(variables, workingDirectory, out, err, terminal, sleeper, action -> () -> { });
    }

    public CliEnvironment {
        variables = Map.copyOf(variables);
        Objects.requireNonNull(workingDirectory);
        Objects.requireNonNull(out);
        Objects.requireNonNull(err);
        Objects.requireNonNull(sleeper);
        Objects.requireNonNull(interrupts);
    }

    /** The real process: its environment, working directory, standard streams and terminal. */
    public static CliEnvironment system() {
        Charset charset = outputCharset();
        PrintWriter out = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), charset), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), charset), true);
        Map<String, String> env = new HashMap<>(System.getenv());
        boolean terminal = stdoutIsTerminal() && !"dumb".equals(env.get("TERM"));
        if (terminal && (env.get("COLUMNS") == null || env.get("LINES") == null)) {
            terminalSize().ifPresent(size -> {
                env.putIfAbsent("LINES", Integer.toString(size[0]));
                env.putIfAbsent("COLUMNS", Integer.toString(size[1]));
            });
        }
        return new CliEnvironment(env, Path.of("").toAbsolutePath(), out, err, terminal,
                d -> Thread.sleep(d.toMillis()), Interrupts.SHUTDOWN_HOOKS);
    }

    /** An environment variable, or null when unset or empty. */
    public String variable(String name) {
        String value = variables.get(name);
        return value == null || value.isEmpty() ? null : value;
    }

    /** Resolves a path argument against the working directory. */
    public Path resolve(String path) {
        return workingDirectory.resolve(path).normalize();
    }

    /** Whether colours may be used: only on a terminal, never with NO_COLOR set or --no-color. */
    public boolean colours(boolean noColorOption) {
        return terminal && !noColorOption && variable("NO_COLOR") == null;
    }

    /** Terminal width from COLUMNS, 100 if unknown. */
    public int columns() {
        try {
            String columns = variable("COLUMNS");
            return columns == null ? 100 : Math.max(40, Integer.parseInt(columns.trim()));
        } catch (NumberFormatException e) {
            return 100;
        }
    }

    private static boolean stdoutIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        // From JDK 22 on System.console() exists even when the streams are redirected; isTerminal() tells.
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    /** Rows and columns of the controlling terminal, asked of {@code stty} (a shell exports COLUMNS to no one). */
    private static Optional<int[]> terminalSize() {
        File tty = new File("/dev/tty");
        if (!tty.canRead()) {
            return Optional.empty();
        }
        try {
            Process stty = new ProcessBuilder("stty", "size").redirectInput(tty).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String output = new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (!stty.waitFor(2, TimeUnit.SECONDS) || stty.exitValue() != 0) {
                return Optional.empty();
            }
            String[] parts = output.split("\\s+");
            return Optional.of(new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])});
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static Charset outputCharset() {
        String encoding = System.getProperty("stdout.encoding");
        try {
            return encoding == null ? Charset.defaultCharset() : Charset.forName(encoding);
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }
}
