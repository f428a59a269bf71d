package io.innominatus.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ${env:NAME}} in admin-config values: the value (or the part of it) comes from the environment
 * variable {@code NAME} of the innominatus process, so that credentials need not be written into the file.
 * The reference stays as written in the catalog and in plans; it is filled in only when a step's
 * {@code ${admin.<key>}} is rendered, and the value is then treated as a secret (masked in logs, events and
 * errors). A plan whose steps use a value whose variable is not set is blocked, naming the variable.
 */
public final class EnvironmentReferences {

    /** {@code ${env:...}}: everything up to the closing brace is the variable's name. */
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{env:([^}]*)}");
    public static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    public static final String PREFIX = "${env:";

    private EnvironmentReferences() {}

    /** A reference to a variable the process does not have. */
    public static final class UnsetException extends IllegalArgumentException {
        private final String variable;

        UnsetException(String variable) {
            super("environment variable " + variable + " is not set", null);
            this.variable = variable;
        }

        public String variable() {
            return variable;
        }
    }

    public static boolean contains(String text) {
        return text != null && text.contains(PREFIX);
    }

    /** The names referenced in {@code text}, as written (valid or not), in order. */
    public static List<String> names(String text) {
        List<String> names = new ArrayList<>();
        if (contains(text)) {
            Matcher m = REFERENCE.matcher(text);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** What is wrong with the references in {@code text}, if anything. */
    public static Optional<String> problem(String text) {
        if (!contains(text)) {
            return Optional.empty();
        }
        int unclosed = text.lastIndexOf(PREFIX);
        if (text.indexOf('}', unclosed) < 0) {
            return Optional.of("'${env:' is not closed with '}'");
        }
        for (String name : names(text)) {
            if (!NAME.matcher(name).matches()) {
                return Optional.of("'" + name + "' is not an environment variable name (letters, digits and _, "
                        + "not starting with a digit)");
            }
        }
        return Optional.empty();
    }

    /** The referenced variables that {@code environment} does not have. */
    public static List<String> unset(String text, Function<String, String> environment) {
        return names(text).stream().filter(name -> environment.apply(name) == null).distinct().toList();
    }

    /**
     * {@code text} with every reference replaced by its variable's value; each value is handed to
     * {@code secrets} first.
     *
     * @throws UnsetException naming the first variable that is not set
     */
    public static String resolve(String text, Function<String, String> environment, java.util.function.Consumer<String> secrets) {
        if (!contains(text)) {
            return text;
        }
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = environment.apply(m.group(1));
            if (value == null) {
                throw new UnsetException(m.group(1));
            }
            secrets.accept(value);
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
