package io.innominatus.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs innominatus-ctl in-process through its picocli entry point with its own environment (no stored token
 * from the real home directory), capturing standard output and error.
 */
final class Ctl {

    static final Pattern EXECUTION_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** What one command line did. */
    record Result(List<String> args, int exitCode, String out, String err) {

        /** The first execution id printed. */
        String executionId() {
            Matcher m = EXECUTION_ID.matcher(out + err);
            if (!m.find()) {
                throw new AssertionError("no execution id in the output of " + this);
            }
            return m.group();
        }

        List<String> outLines() {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }

        @Override
        public String toString() {
            return "innominatus-ctl " + String.join(" ", args) + "\n--- exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private final Map<String, String> variables = new HashMap<>();
    private final List<String> prefix = new ArrayList<>();
    private Path workingDirectory = Path.of("").toAbsolutePath();
    private CliEnvironment.Sleeper sleeper = d -> Thread.sleep(d.toMillis());
    private final List<Duration> sleeps = new ArrayList<>();
    private CliEnvironment.Interrupts interrupts = action -> () -> { };

    Ctl(Path home) {
        variables.put("HOME", home.toString());
        variables.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        variables.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    }

    static Ctl forServer(Path home, int port) {
        return new Ctl(home).withPrefix("--server", "127.0.0.1:" + port);
    }

    static Path tempHome() {
        try {
            return Files.createTempDirectory("innominatus-ctl-home");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Ctl withPrefix(String... args) {
        prefix.addAll(List.of(args));
        return this;
    }

    Ctl withVariable(String name, String value) {
        variables.put(name, value);
        return this;
    }

    Ctl withoutVariable(String name) {
        variables.remove(name);
        return this;
    }

    Ctl in(Path directory) {
        workingDirectory = directory;
        return this;
    }

    /** Records waits instead of sleeping, so retry and polling tests stay fast. */
    Ctl withRecordedSleeps() {
        sleeper = sleeps::add;
        return this;
    }

    /** What the CLI registers to run on Ctrl-C goes to {@code interrupts} instead of the JVM's shutdown hooks. */
    Ctl withInterrupts(CliEnvironment.Interrupts interrupts) {
        this.interrupts = interrupts;
        return this;
    }

    List<Duration> sleeps() {
        return sleeps;
    }

    Map<String, String> variables() {
        return variables;
    }

    /** The token store the CLI uses in this environment. */
    TokenStore tokenStore() {
        return TokenStore.of(environment(new StringWriter(), new StringWriter()));
    }

    private CliEnvironment environment(StringWriter out, StringWriter err) {
        return new CliEnvironment(variables, workingDirectory, new PrintWriter(out, true), new PrintWriter(err, true), false,
                sleeper, interrupts);
    }

    Result run(String... args) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = InnominatusCtl.execute(environment(out, err), all.toArray(String[]::new));
        return new Result(List.copyOf(all), code, out.toString(), err.toString());
    }
}
