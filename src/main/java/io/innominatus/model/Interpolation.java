package io.innominatus.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code ${...}} template syntax shared by workflow steps and Score files: {@code ${expr}} is a
 * reference, {@code $${} is a literal {@code ${}.
 */
public final class Interpolation {

    /**
     * What a dry run renders for a value only a real run produces (a step's output, a terraform output,
     * a resource's output that the dry-run path did not report).
     */
    public static final String KNOWN_AFTER_APPLY = "(known after apply)";

    private Interpolation() {}

    /** A reference found in a text; {@code offset} is the index of its {@code $}. */
    public record Occurrence(String expression, int offset) {}

    /** A syntax problem, such as an unterminated {@code ${}. */
    public static final class SyntaxException extends IllegalArgumentException {
        private final int offset;

        public SyntaxException(String message, int offset) {
            super(message);
            this.offset = offset;
        }

        public int offset() {
            return offset;
        }
    }

    /** Thrown by {@link #render} when a reference has no value. */
    public static final class UnresolvedException extends IllegalArgumentException {
        private final String expression;

        public UnresolvedException(String expression, String message) {
            super(message);
            this.expression = expression;
        }

        public String expression() {
            return expression;
        }
    }

    public static boolean containsReference(String text) {
        return text != null && text.contains("${");
    }

    /** Every reference in {@code text}, in order, skipping escaped {@code $${}. */
    public static List<Occurrence> references(String text) {
        List<Occurrence> result = new ArrayList<>();
        scan(text, (expression, offset) -> {
            result.add(new Occurrence(expression, offset));
            return "";
        });
        return result;
    }

    /**
     * Replaces every reference with the value {@code lookup} returns and every {@code $${} with
     * {@code ${}.
     *
     * @throws UnresolvedException when lookup returns empty for a reference
     * @throws SyntaxException when a {@code ${} is not terminated
     */
    public static String render(String text, Function<String, Optional<String>> lookup) {
        return scan(text, (expression, offset) -> lookup.apply(expression.trim())
                .orElseThrow(() -> new UnresolvedException(expression, "no value for ${" + expression.trim() + "}")));
    }

    private interface Replacement {
        String apply(String expression, int offset);
    }

    private static String scan(String text, Replacement replacement) {
        if (text == null || text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (c == '$' && text.startsWith("${", i)) {
                int end = text.indexOf('}', i + 2);
                if (end < 0) {
                    throw new SyntaxException("unterminated ${ (missing })", i);
                }
                String expression = text.substring(i + 2, end);
                if (expression.contains("${")) {
                    throw new SyntaxException("nested ${ inside a reference", i);
                }
                out.append(replacement.apply(expression, i));
                i = end + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
