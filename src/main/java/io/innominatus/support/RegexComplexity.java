package io.innominatus.support;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Bounds the regular expressions of CEL's {@code matches}: CEL compiles them with RE2/J, whose matching time is
 * linear, but whose compiled program grows with the product of nested repetitions ({@code ((a{100}){100}){100}}
 * is a million instructions, one level more exhausts any heap) and is built before any size check can look at
 * it. This estimates the program size from the pattern text, cheaply and before compiling.
 */
public final class RegexComplexity {

    public static final int MAX_PATTERN_LENGTH = 1000;
    /** Instructions of an RE2 program (RE2/J needs some hundred bytes each while compiling). */
    public static final long MAX_PROGRAM_SIZE = 25_000;

    private RegexComplexity() {}

    /** Why {@code pattern} is refused, if it is. */
    public static Optional<String> problem(String pattern) {
        if (pattern.length() > MAX_PATTERN_LENGTH) {
            return Optional.of("the regular expression is longer than " + MAX_PATTERN_LENGTH + " characters");
        }
        long size = estimatedProgramSize(pattern);
        if (size > MAX_PROGRAM_SIZE) {
            return Optional.of("the regular expression is too complex (nested repetitions expand to about "
                    + (size >= Long.MAX_VALUE / 4 ? "too many" : String.valueOf(size)) + " instructions; at most "
                    + MAX_PROGRAM_SIZE + ")");
        }
        return Optional.empty();
    }

    /**
     * An estimate of the RE2 program size: every atom counts one, a counted repetition {@code {n,m}} copies what it
     * repeats m (or n, or n+1 for {@code {n,}}) times, groups count as the sum of their parts. Saturates instead of
     * overflowing.
     */
    static long estimatedProgramSize(String pattern) {
        Deque<long[]> groups = new ArrayDeque<>();
        long total = 0;
        long last = 0;
        int i = 0;
        int n = pattern.length();
        while (i < n) {
            char c = pattern.charAt(i);
            long atom = -1;
            switch (c) {
                case '\\' -> {
                    if (i + 1 < n && pattern.charAt(i + 1) == 'Q') {
                        int end = pattern.indexOf("\\E", i + 2);
                        end = end < 0 ? n : end;
                        atom = Math.max(1, end - (i + 2));
                        i = Math.min(n, end + 2);
                    } else if (i + 2 < n && (pattern.charAt(i + 1) == 'p' || pattern.charAt(i + 1) == 'P')
                            && pattern.charAt(i + 2) == '{') {
                        int end = pattern.indexOf('}', i + 3);
                        i = end < 0 ? n : end + 1;
                        atom = 1;
                    } else {
                        i += 2;
                        atom = 1;
                    }
                }
                case '[' -> {
                    int j = i + 1;
                    if (j < n && pattern.charAt(j) == '^') {
                        j++;
                    }
                    if (j < n && pattern.charAt(j) == ']') {
                        j++;
                    }
                    while (j < n && pattern.charAt(j) != ']') {
                        j += pattern.charAt(j) == '\\' ? 2 : (pattern.startsWith("[:", j) ? Math.max(1,
                                pattern.indexOf(":]", j + 2) < 0 ? 1 : pattern.indexOf(":]", j + 2) + 2 - j) : 1);
                    }
                    i = Math.min(n, j + 1);
                    atom = 1;
                }
                case '(' -> {
                    groups.push(new long[] {total, last});
                    total = 0;
                    last = 0;
                    i++;
                }
                case ')' -> {
                    long group = saturated(total + 1);
                    long[] outer = groups.isEmpty() ? new long[] {0, 0} : groups.pop();
                    total = saturated(outer[0] + group);
                    last = group;
                    i++;
                }
                case '|' -> {
                    total = saturated(total + 1);
                    last = 0;
                    i++;
                }
                case '*', '+', '?' -> {
                    total = saturated(total + 1);
                    i++;
                }
                case '{' -> {
                    int close = pattern.indexOf('}', i);
                    long count = close < 0 ? -1 : repetitions(pattern.substring(i + 1, close));
                    if (count < 0) {
                        atom = 1;
                        i++;
                    } else {
                        total = saturated(total + times(last, Math.max(0, count - 1)));
                        last = times(last, Math.max(1, count));
                        i = close + 1;
                    }
                }
                default -> {
                    atom = 1;
                    i++;
                }
            }
            if (atom >= 0) {
                total = saturated(total + atom);
                last = atom;
            }
        }
        while (!groups.isEmpty()) {
            total = saturated(groups.pop()[0] + total);
        }
        return total;
    }

    /** The copies a counted repetition's body makes ({@code n}, {@code n,} or {@code n,m}); -1 if it is not one. */
    private static long repetitions(String body) {
        int comma = body.indexOf(',');
        try {
            if (comma < 0) {
                return Long.parseLong(body);
            }
            long min = Long.parseLong(body.substring(0, comma));
            String max = body.substring(comma + 1);
            return max.isEmpty() ? min + 1 : Math.max(min, Long.parseLong(max));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long times(long a, long b) {
        return b != 0 && a > (Long.MAX_VALUE / 4) / b ? Long.MAX_VALUE / 4 : saturated(a * b);
    }

    private static long saturated(long value) {
        return value < 0 || value > Long.MAX_VALUE / 4 ? Long.MAX_VALUE / 4 : value;
    }
}
