/**
 * Neutral building blocks that the pipeline and the engine both use, so that neither reaches into the
 * other: YAML loading with its limits ({@code YamlLoader}, {@code YamlNode}, {@code PlainValues}, the cap on
 * reported problems), durations, path rules, {@code ${env:...}} references, CEL compilation and
 * evaluation with their budgets ({@code CelExpressions}, {@code RegexComplexity}), and Score's {@code ${...}}
 * placeholder syntax ({@code ScorePlaceholders}), read when a Score file is parsed and when a workload is rendered.
 *
 * <p>Depends on {@code model} and the YAML and CEL libraries only; no framework.
 */
package io.innominatus.support;
