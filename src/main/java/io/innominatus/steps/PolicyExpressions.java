package io.innominatus.steps;

import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.innominatus.parse.CelExpressions;
import java.util.List;
import java.util.Map;

/**
 * CEL for policy rules. Unlike step conditions ({@link CelExpressions}), rules over lists of manifests
 * need CEL's standard macros ({@code has}, {@code all}, {@code exists}, {@code exists_one}, {@code map},
 * {@code filter}); the same limits apply: expression length and comprehension iterations are bounded, so
 * no rule can run for long.
 */
final class PolicyExpressions {

    private static final CelOptions OPTIONS = CelOptions.current()
            .comprehensionMaxIterations(CelExpressions.MAX_ITERATIONS)
            .maxParseRecursionDepth(64)
            .build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();
    private static final CelCompiler COMPILER = compiler(PolicyStepExecutor.VARIABLES);

    private PolicyExpressions() {}

    /** A compiled rule, or why it does not compile. */
    record Compiled(CelRuntime.Program program, String problem) {}

    static Compiled compile(String expression) {
        if (expression.length() > CelExpressions.MAX_LENGTH) {
            return new Compiled(null, "expression longer than " + CelExpressions.MAX_LENGTH + " characters");
        }
        try {
            CelValidationResult result = COMPILER.compile(expression);
            if (result.hasError()) {
                CelIssue issue = result.getErrors().get(0);
                return new Compiled(null, "column " + Math.max(1, issue.getSourceLocation().getColumn() + 1) + ": "
                        + issue.getMessage());
            }
            return new Compiled(RUNTIME.createProgram(result.getAst()), null);
        } catch (dev.cel.common.CelValidationException | CelEvaluationException | RuntimeException e) {
            return new Compiled(null, "the expression cannot be compiled");
        }
    }

    /**
     * Evaluates a compiled rule.
     *
     * @throws IllegalArgumentException with a readable message when evaluation fails or the result is not boolean
     */
    static boolean evaluate(CelRuntime.Program program, Map<String, ?> values) {
        Object result;
        try {
            result = program.eval(values);
        } catch (CelEvaluationException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        if (!(result instanceof Boolean holds)) {
            throw new IllegalArgumentException("the result is not true or false");
        }
        return holds;
    }

    private static CelCompiler compiler(List<String> variables) {
        CelCompilerBuilder builder = CelCompilerFactory.standardCelCompilerBuilder().setOptions(OPTIONS)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS).setResultType(SimpleType.BOOL);
        variables.forEach(v -> builder.addVar(v, SimpleType.DYN));
        return builder.build();
    }
}
