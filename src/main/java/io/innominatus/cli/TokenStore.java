package io.innominatus.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * The access token saved by {@code login}: {@code $XDG_CONFIG_HOME/innominatus/token} (default
 * {@code ~/.config/innominatus/token}), readable by its owner only.
 */
final class TokenStore {

    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

    private final Path file;

    TokenStore(Path file) {
        this.file = file;
    }

    static TokenStore of(CliEnvironment env) {
        String config = env.variable("XDG_CONFIG_HOME");
        Path base;
        if (config != null) {
            base = Path.of(config);
        } else {
            String home = env.variable("HOME");
            base = Path.of(home != null ? home : System.getProperty("user.home"), ".config");
        }
        return new TokenStore(base.resolve("innominatus").resolve("token"));
    }

    Path file() {
        return file;
    }

    Optional<String> read() {
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            String token = Files.readString(file, StandardCharsets.UTF_8).trim();
            return token.isEmpty() ? Optional.empty() : Optional.of(token);
        } catch (IOException e) {
            throw new CliException(ExitCodes.AUTH, "cannot read the stored token " + file + ": " + e.getMessage());
        }
    }

    /** Writes the token atomically; the file is created with mode 600 so it is never readable by others. */
    void write(String token) {
        try {
            Path dir = file.getParent();
            boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
            if (!Files.isDirectory(dir)) {
                if (posix) {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
                } else {
                    Files.createDirectories(dir);
                }
            }
            FileAttribute<?>[] attributes = posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_FILE)}
                    : new FileAttribute<?>[0];
            Path temporary = Files.createTempFile(dir, ".token-", ".tmp", attributes);
            try {
                Files.writeString(temporary, token + "\n", StandardCharsets.UTF_8);
                try {
                    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
                    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
                }
                if (posix) {
                    Files.setPosixFilePermissions(file, OWNER_FILE);
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot store the token in " + file + ": " + e.getMessage());
        }
    }

    boolean delete() {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot remove " + file + ": " + e.getMessage());
        }
    }
}
