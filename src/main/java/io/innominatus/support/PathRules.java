package io.innominatus.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
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

    /** True when one of the {@code /}-separated segments is {@code ..}. */
    public static boolean hasParentSegment(String decoded) {
        for (String segment : decoded.split("/", -1)) {
            if (segment.equals("..")) {
                return true;
            }
        }
        return false;
    }

    public static boolean isAbsolute(String decoded) {
        return decoded.startsWith("/") || decoded.startsWith("~") || decoded.matches("^[A-Za-z]:.*");
    }

    /**
     * True when the text can name a file on this system: no NUL, no half of a surrogate pair, nothing the
     * platform's file-name encoding cannot represent.
     */
    public static boolean isUsable(String decoded) {
        if (decoded.indexOf('\0') >= 0) {
            return false;
        }
        for (int i = 0; i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < decoded.length() && Character.isLowSurrogate(decoded.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        try {
            Path.of(decoded.isEmpty() ? "." : decoded);
            return true;
        } catch (InvalidPathException e) {
            return false;
        }
    }

    /**
     * True when the path, normalised lexically, climbs above its starting directory. A text that cannot
     * name a file at all counts as escaping, so that no caller goes on to use it.
     */
    public static boolean escapes(String decoded) {
        if (isAbsolute(decoded) || !isUsable(decoded)) {
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
     * True when the deepest part of {@code target} (inside {@code base}) that exists — a dangling link
     * counts — lies outside {@code base} once links are followed: through it, a file the step reads or
     * writes, or a directory it creates, would be outside.
     */
    public static boolean leavesThroughLinks(Path base, Path target) {
        Path existing = target;
        while (existing != null && existing.startsWith(base) && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        return existing != null && existing.startsWith(base) && !staysInside(base, existing);
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
        if (leavesThroughLinks(base, target)) {
            throw new IllegalArgumentException("path '" + value + "' resolves outside the workflow's directory");
        }
        return target;
    }

}
