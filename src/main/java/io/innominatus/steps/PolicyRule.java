package io.innominatus.steps;

/**
 * A rule of a {@code policy} step: a CEL expression over the Score spec and the rendered manifests that
 * must be true.
 *
 * @param name how the rule is reported
 * @param expression boolean CEL over {@code score}, {@code manifests}, {@code application},
 *     {@code environment} and {@code metadata}
 * @param message what a violation tells people
 */
public record PolicyRule(String name, String expression, String message) {}
