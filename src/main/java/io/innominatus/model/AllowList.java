package io.innominatus.model;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.Collections;
import java.util.SortedSet;

/**
 * An allow-list that may be absent. When no policy source sets it, everything is permitted;
 * once set (even to an empty list), only its entries are.
 */
public record AllowList(boolean restricted, SortedSet<String> entries) {

    public static final AllowList UNRESTRICTED = new AllowList(false, Collections.emptySortedSet());

    public AllowList {
        entries = Collections.unmodifiableSortedSet(new TreeSet<>(entries));
    }

    public static AllowList of(Collection<String> entries) {
        return new AllowList(true, new TreeSet<>(entries));
    }

    public boolean permits(String value) {
        return !restricted || entries.contains(value);
    }

    /** The most restrictive combination: the intersection, or whichever of the two is set. */
    public AllowList intersect(AllowList other) {
        if (!other.restricted) {
            return this;
        }
        if (!restricted) {
            return other;
        }
        Set<String> both = new TreeSet<>(entries);
        both.retainAll(other.entries);
        return AllowList.of(both);
    }
}
