package io.innominatus.model;

import java.util.Collection;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * An allow-list that may be absent. When no policy source sets it, everything is permitted;
 * once set (even to an empty list), only what its entries match is. An entry is a name, or a
 * pattern ending in {@code *} that matches every name starting with what precedes it
 * ({@code billing/*}, or {@code *} for everything).
 */
public record AllowList(boolean restricted, SortedSet<String> entries) {

    /** The entry that matches every name. */
    public static final String EVERYTHING = "*";

    public static final AllowList UNRESTRICTED = new AllowList(false, Collections.emptySortedSet());

    public AllowList {
        entries = Collections.unmodifiableSortedSet(new TreeSet<>(entries));
    }

    public static AllowList of(Collection<String> entries) {
        return new AllowList(true, simplified(entries));
    }

    public boolean permits(String value) {
        return !restricted || entries.stream().anyMatch(entry -> matches(entry, value));
    }

    /** The entries in force: {@code *} alone when nothing restricts the list, none when nothing is allowed. */
    public SortedSet<String> inForce() {
        return restricted ? entries : Collections.unmodifiableSortedSet(new TreeSet<>(java.util.List.of(EVERYTHING)));
    }

    /**
     * The most restrictive combination: what both lists allow, computed on the meaning of the entries
     * ({@code billing/*} and {@code billing/api} allow {@code billing/api}), or whichever of the two is set.
     */
    public AllowList intersect(AllowList other) {
        if (!other.restricted) {
            return this;
        }
        if (!restricted) {
            return other;
        }
        TreeSet<String> both = new TreeSet<>();
        for (String mine : entries) {
            for (String theirs : other.entries) {
                meet(mine, theirs).ifPresent(both::add);
            }
        }
        return AllowList.of(both);
    }

    public static boolean isPattern(String entry) {
        return entry.endsWith("*");
    }

    private static boolean matches(String entry, String value) {
        return isPattern(entry) ? value.startsWith(prefix(entry)) : entry.equals(value);
    }

    private static String prefix(String pattern) {
        return pattern.substring(0, pattern.length() - 1);
    }

    /** What two entries both allow, as one entry, if anything. */
    private static java.util.Optional<String> meet(String a, String b) {
        if (!isPattern(a) && !isPattern(b)) {
            return a.equals(b) ? java.util.Optional.of(a) : java.util.Optional.empty();
        }
        if (!isPattern(a)) {
            return matches(b, a) ? java.util.Optional.of(a) : java.util.Optional.empty();
        }
        if (!isPattern(b)) {
            return matches(a, b) ? java.util.Optional.of(b) : java.util.Optional.empty();
        }
        String pa = prefix(a);
        String pb = prefix(b);
        if (pa.startsWith(pb)) {
            return java.util.Optional.of(a);
        }
        return pb.startsWith(pa) ? java.util.Optional.of(b) : java.util.Optional.empty();
    }

    /** Drops entries another entry of the list already covers, so the list reads as what it allows. */
    private static SortedSet<String> simplified(Collection<String> entries) {
        TreeSet<String> kept = new TreeSet<>();
        for (String entry : entries) {
            boolean covered = entries.stream().anyMatch(other -> !other.equals(entry) && isPattern(other)
                    && (isPattern(entry) ? prefix(entry).startsWith(prefix(other)) : matches(other, entry)));
            if (!covered) {
                kept.add(entry);
            }
        }
        return kept;
    }
}
