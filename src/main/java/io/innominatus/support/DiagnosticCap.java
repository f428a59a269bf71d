package io.innominatus.support;

import io.innominatus.model.Diagnostic;
import java.util.List;

/** The cap on the problems one document reports: a hostile file cannot make the report unbounded. */
public final class DiagnosticCap {

    public static final int MAX_DIAGNOSTICS = 500;
    public static final String TOO_MANY_PROBLEMS = "TOO_MANY_PROBLEMS";

    private DiagnosticCap() {}

    /**
     * Adds {@code diagnostic} unless {@code list} already holds {@link #MAX_DIAGNOSTICS}; the first one
     * left out is replaced by a {@code TOO_MANY_PROBLEMS} diagnostic at its position, which is an error
     * as soon as any left-out problem is one (so that a truncated report never looks valid).
     */
    public static void add(List<Diagnostic> list, Diagnostic diagnostic) {
        if (list.size() < MAX_DIAGNOSTICS) {
            list.add(diagnostic);
        } else {
            noteDropped(list, diagnostic);
        }
    }

    public static void noteDropped(List<Diagnostic> list, Diagnostic dropped) {
        Diagnostic last = list.isEmpty() ? null : list.get(list.size() - 1);
        boolean noted = last != null && last.code().equals(TOO_MANY_PROBLEMS);
        if (noted && (last.isError() || !dropped.isError())) {
            return;
        }
        Diagnostic note = new Diagnostic(dropped.isError() ? io.innominatus.model.Severity.ERROR
                : io.innominatus.model.Severity.WARNING, TOO_MANY_PROBLEMS, "more than " + MAX_DIAGNOSTICS
                + " problems; the rest, from here on, are not reported", noted ? last.location() : dropped.location(),
                noted ? last.fieldPath() : dropped.fieldPath());
        if (noted) {
            list.set(list.size() - 1, note);
        } else {
            list.add(note);
        }
    }
}
