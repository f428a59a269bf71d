package io.innominatus.model;

/**
 * A rule of a {@code policy} step: a CEL expression over the Score spec and the rendered manifests that
 * must be true. Written inline in a step, or once in admin-config's {@code policyRules} and listed by name.
 *
 * @param name how the rule is reported
 * @param expression boolean CEL over {@code score}, {@code manifests}, {@code application},
 *     {@code environment} and {@code metadata}
 * @param message what a violation tells people
 */
public record PolicyRule(String name, String expression, String message) {}
