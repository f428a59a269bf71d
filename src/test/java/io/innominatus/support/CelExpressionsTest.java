package io.innominatus.support;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CelExpressionsTest {

    private static final String HUNDRED = "[" + String.join(",", Collections.nCopies(100, "1")) + "]";

    @Test
    void nestedComprehensionsAreStoppedByTheEvaluationBudget() {
        // Four nested comprehensions over 100 items would take 10^8 iterations.
        String expression = HUNDRED + ".all(a, " + HUNDRED + ".all(b, " + HUNDRED + ".all(c, " + HUNDRED + ".all(d, true))))";
        assertTrue(CelExpressions.check(expression, CelExpressions.CONDITION_VARIABLES).isEmpty(), "it compiles");
        IllegalArgumentException stopped = assertThrows(IllegalArgumentException.class,
                () -> CelExpressions.evaluate(expression, CelExpressions.CONDITION_VARIABLES, Map.of()));
        assertTrue(stopped.getMessage().contains("was stopped"), stopped.getMessage());
    }

    @Test
    void ordinaryExpressionsStillEvaluate() {
        String fifty = "[" + String.join(",", Collections.nCopies(50, "1")) + "]";
        assertTrue(CelExpressions.evaluate(fifty + ".all(a, " + fifty + ".all(b, b == 1))",
                CelExpressions.CONDITION_VARIABLES, Map.of()));
        assertFalse(CelExpressions.evaluate("environment.name == 'production'", CelExpressions.CONDITION_VARIABLES,
                Map.of("environment", Map.of("name", "staging"))));
    }

    @Test
    void deepNestingIsRefusedBeforeCompiling() {
        assertTrue(CelExpressions.check("(".repeat(2000) + "true" + ")".repeat(2000), CelExpressions.CONDITION_VARIABLES)
                .orElseThrow().message().contains("nests deeper"));
        assertTrue(CelExpressions.check("!".repeat(100) + "true", CelExpressions.CONDITION_VARIABLES).isPresent());
    }
}
