package io.innominatus.steps.tools;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where programs of steps run ({@code innominatus.sandbox.mode}). {@code none}: directly, as the service's user.
 * {@code bubblewrap}: inside a bubblewrap ({@code bwrap}) jail — own PID, IPC, UTS and cgroup namespaces (no view
 * of or signals to the service and other processes), the host file system read-only, an empty {@code /tmp}, the
 * service's data directory (the store, other executions' files) replaced by an empty directory, and only the
 * attempt's working directory writable; the network is shared (tools reach their APIs), and the program still
 * runs as the service's user. The jail dies with the service.
 */
public final class Sandbox {

    /** The sandbox modes. */
    public enum Mode {
        NONE, BUBBLEWRAP
    }

    private static volatile Mode mode = Mode.NONE;
    private static volatile String bwrap = "bwrap";
    private static volatile List<Path> hidden = List.of();

    private Sandbox() {}

    /**
     * @param program the {@code bwrap} executable
     * @param hiddenPaths directories programs must not see (the data directory)
     */
    public static void configure(Mode newMode, String program, List<Path> hiddenPaths) {
        bwrap = program;
        hidden = List.copyOf(hiddenPaths);
        mode = newMode;
    }

    /** Whether {@code program} can start a jail on this machine. */
    public static boolean available(String program) {
        try {
            Process probe = new ProcessBuilder(program, "--die-with-parent", "--unshare-pid", "--ro-bind", "/", "/", "--dev",
                    "/dev", "--proc", "/proc", "--", "true").redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            return probe.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public static Mode mode() {
        return mode;
    }

    /** {@code command} as it is started in the configured sandbox, working in {@code workingDirectory}. */
    static List<String> wrap(List<String> command, Path workingDirectory) {
        if (mode == Mode.NONE) {
            return command;
        }
        Path work = workingDirectory.toAbsolutePath().normalize();
        List<String> jailed = new ArrayList<>(List.of(bwrap, "--die-with-parent", "--new-session", "--unshare-ipc",
                "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try", "--ro-bind", "/", "/", "--dev", "/dev",
                "--proc", "/proc", "--tmpfs", "/tmp"));
        for (Path path : hidden) {
            jailed.addAll(List.of("--tmpfs", path.toAbsolutePath().normalize().toString()));
        }
        // Bound last, so that it shows through the empty directories above when it lies inside one of them.
        jailed.addAll(List.of("--bind", work.toString(), work.toString(), "--chdir", work.toString(), "--"));
        jailed.addAll(command);
        return jailed;
    }
}
