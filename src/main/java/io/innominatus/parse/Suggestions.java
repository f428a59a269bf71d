package io.innominatus.parse;

import java.util.Collection;
import java.util.Optional;

/**
 * "Did you mean …?" suggestions for misspelt keys and names. The work is bounded whatever a document
 * holds: names longer than {@link #MAX_LENGTH} are never compared, at most {@link #MAX_CANDIDATES}
 * candidates are looked at, and a comparison stops as soon as it cannot stay within the typo threshold.
 */
public final class Suggestions {

    /** Longer names are not typos of a key; comparing them would cost time and memory for nothing. */
    static final int MAX_LENGTH = 64;
    static final int MAX_CANDIDATES = 512;

    private Suggestions() {}

    /** The closest candidate within an edit distance that still looks like a typo, if any. */
    public static Optional<String> closest(String input, Collection<String> candidates) {
        if (input.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        String lowerInput = input.toLowerCase(java.util.Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        int examined = 0;
        for (String candidate : candidates) {
            if (examined++ >= MAX_CANDIDATES) {
                break;
            }
            if (candidate.length() > MAX_LENGTH) {
                continue;
            }
            int threshold = threshold(input, candidate);
            if (Math.abs(input.length() - candidate.length()) > threshold) {
                continue;
            }
            int distance = distance(lowerInput, candidate.toLowerCase(java.util.Locale.ROOT), threshold);
            if (distance <= threshold && distance < bestDistance) {
                bestDistance = distance;
                best = candidate;
            }
        }
        return Optional.ofNullable(best);
    }

    private static int threshold(String input, String candidate) {
        return Math.max(2, Math.min(input.length(), candidate.length()) / 3);
    }

    /** " (did you mean 'x'?)" or an empty string. */
    public static String hint(String input, Collection<String> candidates) {
        return closest(input, candidates).map(s -> " (did you mean '" + s + "'?)").orElse("");
    }

    /**
     * Damerau-Levenshtein distance (optimal string alignment): transpositions count as one edit. Returns
     * a value above {@code limit} as soon as every alignment exceeds it.
     */
    static int distance(String a, String b, int limit) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int rowMinimum = i - 1;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
                rowMinimum = Math.min(rowMinimum, Math.min(d[i][j], d[i - 1][j]));
            }
            if (b.length() > 0 && rowMinimum > limit) {
                return limit + 1;
            }
        }
        return d[a.length()][b.length()];
    }
}
