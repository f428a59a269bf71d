package io.innominatus.parse;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CEL (dev.cel) expressions: compiled when a document is loaded so that syntax errors are reported with
 * the rest, and evaluated at run time over plain-data variables (maps, lists, strings, numbers,
 * booleans). CEL's standard macros ({@code has}, {@code all}, {@code exists}, {@code exists_one},
 * {@code map}, {@code filter}) are available; comprehensions are bounded so that no expression can run
 * for long.
 */
public final class CelExpressions {

    /** Variables of step conditions ({@code if}/{@code unless}): the interpolation contexts. */
    public static final List<String> CONDITION_VARIABLES = List.of("application", "environment", "metadata", "admin",
            "workflow", "resources", "steps", "terraform", "execution");
    /** Variables of policy rules: the Score document, the rendered manifests and the application's values. */
    public static final List<String> POLICY_VARIABLES = List.of("score", "manifests", "application", "environment",
            "metadata");
    public static final int MAX_LENGTH = 4096;
    public static final int MAX_ITERATIONS = 10_000;

    private static final CelOptions OPTIONS = CelOptions.current()
            .comprehensionMaxIterations(MAX_ITERATIONS)
            .maxParseRecursionDepth(64)
            .build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();
    private static final Map<List<String>, CelCompiler> COMPILERS = new ConcurrentHashMap<>();
    private static final Map<String, CelRuntime.Program> PROGRAMS = new ConcurrentHashMap<>();

    private CelExpressions() {}

    /** A compile problem: position inside the expression (1-based) and message. */
    public record Problem(int line, int column, String message) {}

    /** Compiles {@code expression} as a boolean over {@code variables}; empty when it is valid. */
    public static Optional<Problem> check(String expression, List<String> variables) {
        if (expression.length() > MAX_LENGTH) {
            return Optional.of(new Problem(1, 1, "expression longer than " + MAX_LENGTH + " characters"));
        }
        try {
            CelValidationResult result = compiler(variables).compile(expression);
            if (result.hasError()) {
                CelIssue issue = result.getErrors().get(0);
                return Optional.of(new Problem(Math.max(1, issue.getSourceLocation().getLine()),
                        Math.max(1, issue.getSourceLocation().getColumn() + 1), issue.getMessage()));
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of(new Problem(1, 1, "expression cannot be compiled"));
        }
    }

    /**
     * Evaluates a boolean expression.
     *
     * @throws IllegalArgumentException with a readable message when it does not compile, fails, or is not boolean
     */
    public static boolean evaluate(String expression, List<String> variables, Map<String, ?> values) {
        Object result;
        try {
            result = program(expression, variables).eval(values);
        } catch (CelEvaluationException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        if (!(result instanceof Boolean b)) {
            throw new IllegalArgumentException("'" + expression + "' is not a boolean expression");
        }
        return b;
    }

    private static CelRuntime.Program program(String expression, List<String> variables) {
        String key = String.join(",", variables) + "\u0000" + expression;
        CelRuntime.Program cached = PROGRAMS.get(key);
        if (cached != null) {
            return cached;
        }
        try {
            CelAbstractSyntaxTree ast = compiler(variables).compile(expression).getAst();
            CelRuntime.Program program = RUNTIME.createProgram(ast);
            if (PROGRAMS.size() < 10_000) {
                PROGRAMS.put(key, program);
            }
            return program;
        } catch (CelValidationException e) {
            throw new IllegalArgumentException("invalid expression '" + expression + "': " + e.getMessage());
        } catch (CelEvaluationException e) {
            throw new IllegalArgumentException("cannot prepare '" + expression + "': " + e.getMessage());
        }
    }

    private static CelCompiler compiler(List<String> variables) {
        return COMPILERS.computeIfAbsent(List.copyOf(variables), vars -> {
            var builder = CelCompilerFactory.standardCelCompilerBuilder().setOptions(OPTIONS)
                    .setStandardMacros(CelStandardMacro.STANDARD_MACROS).setResultType(SimpleType.BOOL);
            vars.forEach(v -> builder.addVar(v, SimpleType.DYN));
            return builder.build();
        });
    }
}
