/**
 * Strict YAML reading: documents are composed by SnakeYAML (SafeConstructor settings, alias, depth
 * and size limits, no arbitrary tags) into a positioned node tree, then read into {@code model}
 * records with every problem reported at once as a {@link io.innominatus.model.Diagnostic} with file,
 * line, column and field path.
 *
 * <p>Depends on {@code model} and {@code support} (YAML loading, CEL, durations, paths) only.
 */
package io.innominatus.parse;
