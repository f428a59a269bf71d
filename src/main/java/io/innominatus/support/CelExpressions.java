package io.innominatus.support;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.navigation.CelNavigableExpr;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelEvaluationListener;
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
    /**
     * Deepest nesting of brackets (and longest run of unary operators) accepted. CEL's own recursion limit
     * applies too, but only after its parser has worked through the whole expression, which deep
     * nesting makes slow; this cheap scan turns such expressions away first.
     */
    public static final int MAX_NESTING = 32;
    /** Evaluation steps (sub-expressions evaluated) one evaluation may take, nested comprehensions included. */
    public static final long MAX_EVALUATION_STEPS = 1_000_000;
    /** Wall-clock time one evaluation may take. */
    public static final long MAX_EVALUATION_NANOS = 2_000_000_000L;

    private static final CelOptions OPTIONS = CelOptions.current()
            .comprehensionMaxIterations(MAX_ITERATIONS)
            .maxParseRecursionDepth(64)
            .maxRegexProgramSize((int) RegexComplexity.MAX_PROGRAM_SIZE)
            .build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();
    private static final Map<List<String>, CelCompiler> COMPILERS = new ConcurrentHashMap<>();
    private static final Map<String, CelRuntime.Program> PROGRAMS = new ConcurrentHashMap<>();
    /** Compile results by expression, so that a document repeating one expression compiles it once. */
    private static final Map<String, Optional<Problem>> CHECKED = new ConcurrentHashMap<>();
    private static final int CACHE_LIMIT = 10_000;

    private CelExpressions() {}

    /** A compile problem: position inside the expression (1-based) and message. */
    public record Problem(int line, int column, String message) {}

    /** Compiles {@code expression} as a boolean over {@code variables}; empty when it is valid. */
    public static Optional<Problem> check(String expression, List<String> variables) {
        if (expression.length() > MAX_LENGTH) {
            return Optional.of(new Problem(1, 1, "expression longer than " + MAX_LENGTH + " characters"));
        }
        Optional<Problem> tooDeep = nesting(expression);
        if (tooDeep.isPresent()) {
            return tooDeep;
        }
        String key = String.join(",", variables) + "\u0000" + expression;
        Optional<Problem> cached = CHECKED.get(key);
        if (cached != null) {
            return cached;
        }
        Optional<Problem> result = compileProblem(expression, variables);
        if (CHECKED.size() < CACHE_LIMIT) {
            CHECKED.put(key, result);
        }
        return result;
    }

    /**
     * Finds brackets nested deeper than {@link #MAX_NESTING} (outside string literals) or a longer run of
     * unary operators, with the position where the limit is crossed.
     */
    static Optional<Problem> nesting(String expression) {
        int depth = 0;
        int unary = 0;
        // Selections and indexes in a row (a.b.c[0].d), counted per bracket level.
        int[] chain = new int[MAX_NESTING + 2];
        char quote = 0;
        int line = 1;
        int column = 0;
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            column++;
            if (c == '\n') {
                line++;
                column = 0;
            }
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                    column++;
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            if (c == '"' || c == '\'') {
                quote = c;
                unary = 0;
            } else if (c == '(' || c == '[' || c == '{') {
                if (c == '[' && ++chain[depth] > MAX_NESTING) {
                    return Optional.of(new Problem(line, column, "more than " + MAX_NESTING + " selections in a row"));
                }
                if (++depth > MAX_NESTING) {
                    return Optional.of(new Problem(line, column, "expression nests deeper than " + MAX_NESTING + " levels"));
                }
                chain[depth] = 0;
            } else if (c == ')' || c == ']' || c == '}') {
                depth = Math.max(0, depth - 1);
            } else if (c == '.') {
                if (++chain[depth] > MAX_NESTING) {
                    return Optional.of(new Problem(line, column, "more than " + MAX_NESTING + " selections in a row"));
                }
            } else if ("+-*/%<>=!&|?:,".indexOf(c) >= 0) {
                chain[depth] = 0;
            }
            if (c == '!' || c == '-') {
                if (++unary > MAX_NESTING) {
                    return Optional.of(new Problem(line, column, "more than " + MAX_NESTING
                            + " unary operators in a row"));
                }
            } else if (!Character.isWhitespace(c) && c != '(') {
                unary = 0;
            }
        }
        return Optional.empty();
    }

    private static Optional<Problem> compileProblem(String expression, List<String> variables) {
        try {
            CelValidationResult result = compiler(variables).compile(expression);
            if (result.hasError()) {
                CelIssue issue = result.getErrors().get(0);
                return Optional.of(new Problem(Math.max(1, issue.getSourceLocation().getLine()),
                        Math.max(1, issue.getSourceLocation().getColumn() + 1), issue.getMessage()));
            }
            return regexProblem(result.getAst());
        } catch (CelValidationException | RuntimeException e) {
            return Optional.of(new Problem(1, 1, "expression cannot be compiled"));
        }
    }

    /**
     * Every {@code matches} call must name its pattern as a string literal, so that the pattern is checked here,
     * when the document is loaded, against {@link RegexComplexity}: a pattern computed at run time could not be.
     */
    static Optional<Problem> regexProblem(CelAbstractSyntaxTree ast) {
        return CelNavigableAst.fromAst(ast).getRoot().allNodes().map(node -> (CelExpr) node.expr())
                .filter(e -> e.getKind() == CelExpr.ExprKind.Kind.CALL && e.call().function().equals("matches"))
                .map(e -> {
                    List<CelExpr> args = e.call().args();
                    CelExpr pattern = e.call().target().isPresent() ? args.get(0) : args.get(args.size() - 1);
                    int offset = ast.getSource().getPositionsMap().getOrDefault(e.id(), 0);
                    int line = ast.getSource().getOffsetLocation(offset).map(l -> l.getLine()).orElse(1);
                    int column = ast.getSource().getOffsetLocation(offset).map(l -> l.getColumn() + 1).orElse(1);
                    if (pattern.getKind() != CelExpr.ExprKind.Kind.CONSTANT
                            || pattern.constant().getKind() != dev.cel.common.ast.CelConstant.Kind.STRING_VALUE) {
                        return Optional.of(new Problem(line, column, "matches() takes its regular expression as a string "
                                + "literal, so that it can be checked before it runs"));
                    }
                    return RegexComplexity.problem(pattern.constant().stringValue())
                            .map(message -> new Problem(line, column, message));
                })
                .flatMap(Optional::stream).findFirst();
    }

    /**
     * Evaluates a boolean expression.
     *
     * @throws IllegalArgumentException with a readable message when it does not compile, fails, or is not boolean
     */
    public static boolean evaluate(String expression, List<String> variables, Map<String, ?> values) {
        Object result;
        CelRuntime.Program program = program(expression, variables);
        EvaluationBudget budget = new EvaluationBudget(MAX_EVALUATION_STEPS, System.nanoTime() + MAX_EVALUATION_NANOS);
        try {
            result = program.trace(values, budget);
        } catch (CelEvaluationException | RuntimeException e) {
            if (budget.exceeded) {
                throw new IllegalArgumentException("the expression was stopped: it needs more than " + MAX_EVALUATION_STEPS
                        + " evaluation steps or " + MAX_EVALUATION_NANOS / 1_000_000 + " ms");
            }
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (String.valueOf(e.getMessage()).contains("Iteration budget exceeded")) {
                throw new IllegalArgumentException("the expression was stopped: its comprehensions need more than "
                        + MAX_ITERATIONS + " iterations in all");
            }
            throw new IllegalArgumentException(e.getMessage());
        }
        if (!(result instanceof Boolean b)) {
            throw new IllegalArgumentException("'" + expression + "' is not a boolean expression");
        }
        return b;
    }

    /**
     * Counts evaluation steps and stops the evaluation once the budget or the deadline is spent: CEL's
     * iteration budget bounds comprehensions, this bounds everything else (and wall-clock time) as well.
     */
    private static final class EvaluationBudget implements CelEvaluationListener {
        private final long deadline;
        private long remaining;
        private boolean exceeded;

        EvaluationBudget(long steps, long deadline) {
            this.remaining = steps;
            this.deadline = deadline;
        }

        @Override
        public void callback(CelExpr expr, Object result) {
            if (--remaining < 0 || ((remaining & 0x3FF) == 0 && System.nanoTime() > deadline)) {
                exceeded = true;
                throw new BudgetExceeded();
            }
        }
    }

    private static final class BudgetExceeded extends RuntimeException {
        BudgetExceeded() {
            super("evaluation budget exceeded", null, false, false);
        }
    }

    private static CelRuntime.Program program(String expression, List<String> variables) {
        String key = String.join(",", variables) + "\u0000" + expression;
        CelRuntime.Program cached = PROGRAMS.get(key);
        if (cached != null) {
            return cached;
        }
        if (expression.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("expression longer than " + MAX_LENGTH + " characters");
        }
        nesting(expression).ifPresent(problem -> {
            throw new IllegalArgumentException("invalid expression: " + problem.message());
        });
        try {
            CelAbstractSyntaxTree ast = compiler(variables).compile(expression).getAst();
            regexProblem(ast).ifPresent(problem -> {
                throw new IllegalArgumentException("invalid expression: " + problem.message());
            });
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
