package io.innominatus.cli;

/** ANSI colours and symbols, or plain text when colours are off. */
final class Style {

    private final boolean colours;
    private final boolean unicode;

    Style(boolean colours, boolean unicode) {
        this.colours = colours;
        this.unicode = unicode;
    }

    static Style plain() {
        return new Style(false, false);
    }

    boolean colours() {
        return colours;
    }

    boolean unicode() {
        return unicode;
    }

    String bold(String s) {
        return wrap("1", s);
    }

    String dim(String s) {
        return wrap("2", s);
    }

    String red(String s) {
        return wrap("31", s);
    }

    String green(String s) {
        return wrap("32", s);
    }

    String yellow(String s) {
        return wrap("33", s);
    }

    String cyan(String s) {
        return wrap("36", s);
    }

    /** Colours a state name by what it means: green for success, red for failure, yellow while in progress. */
    String state(String state) {
        return switch (state) {
            case "SUCCEEDED" -> green(state);
            case "FAILED", "REJECTED", "CANCELLED" -> red(state);
            case "RUNNING", "QUEUED", "AWAITING_APPROVAL" -> yellow(state);
            case "SKIPPED", "PENDING" -> dim(state);
            default -> state;
        };
    }

    /** Yes/no, coloured. */
    String yesNo(boolean value) {
        return value ? green("yes") : red("no");
    }

    private String wrap(String code, String s) {
        return colours ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
    }
}
