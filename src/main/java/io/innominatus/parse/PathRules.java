package io.innominatus.parse;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Rules for file references in workflows: relative to the workflow's directory and never leaving it,
 * whether written with {@code ..}, as an absolute path, percent-encoded, or through a symbolic link.
 */
public final class PathRules {

    private PathRules() {}

    /** Undoes percent-encoding of dots and separators (repeatedly, for double encoding) and backslashes. */
    public static String decode(String value) {
        String current = value;
        for (int i = 0; i < 3; i++) {
            String next = current.replaceAll("(?i)%25", "%").replaceAll("(?i)%2e", ".").replaceAll("(?i)%2f", "/")
                    .replaceAll("(?i)%5c", "/");
            if (next.equals(current)) {
                break;
            }
            current = next;
        }
        return current.replace('\\', '/');
    }

    public static boolean looksRelative(String decoded) {
        return decoded.equals(".") || decoded.equals("..") || decoded.startsWith("./") || decoded.startsWith("../");
    }

    public static boolean isAbsolute(String decoded) {
        return decoded.startsWith("/") || decoded.startsWith("~") || decoded.matches("^[A-Za-z]:.*");
    }

    /** True when the path, normalised lexically, climbs above its starting directory. */
    public static boolean escapes(String decoded) {
        if (isAbsolute(decoded) || decoded.indexOf('\0') >= 0) {
            return true;
        }
        Path normalized = normalized(decoded);
        return normalized.startsWith("..") || normalized.toString().equals("..");
    }

    public static Path normalized(String decoded) {
        return Path.of(decoded.isEmpty() ? "." : decoded).normalize();
    }

    /** True when {@code target} (which must exist) is {@code base} or lies inside it once links are followed. */
    public static boolean staysInside(Path base, Path target) {
        try {
            Path realBase = base.toRealPath();
            Path realTarget = target.toRealPath();
            return realTarget.startsWith(realBase);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Resolves a relative reference against {@code base} for use at run time.
     *
     * @throws IllegalArgumentException when it is absolute or leaves {@code base}
     */
    public static Path resolveInside(Path base, String value) {
        String decoded = decode(value);
        if (isAbsolute(decoded) || escapes(decoded)) {
            throw new IllegalArgumentException("path '" + value + "' leaves the workflow's directory");
        }
        Path target = base.resolve(normalized(decoded)).normalize();
        if (target.toFile().exists() && !staysInside(base, target)) {
            throw new IllegalArgumentException("path '" + value + "' resolves outside the workflow's directory");
        }
        return target;
    }

}
