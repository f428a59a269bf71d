package io.innominatus.model;

/**
 * A position in a source document; line and column are 1-based, 0 when the position concerns the
 * whole file.
 */
public record SourceLocation(String file, int line, int column) {

    public static SourceLocation ofFile(String file) {
        return new SourceLocation(file, 0, 0);
    }

    @Override
    public String toString() {
        return line == 0 ? file : file + ":" + line + ":" + column;
    }
}
