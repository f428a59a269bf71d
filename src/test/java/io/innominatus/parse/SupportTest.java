package io.innominatus.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.innominatus.support.Durations;
import io.innominatus.support.PathRules;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SupportTest {

    @Test
    void suggestionsFindTyposButNotUnrelatedWords() {
        assertEquals(Optional.of("dependsOn"), Suggestions.closest("dependOn", List.of("name", "dependsOn", "type")));
        assertEquals(Optional.of("timeout"), Suggestions.closest("timeuot", List.of("timeout", "retry")));
        assertTrue(Suggestions.closest("zebra", List.of("name", "type")).isEmpty());
    }

    @Test
    void durationsAcceptGoStyleAndSeconds() {
        assertEquals(Optional.of(Duration.ofSeconds(30)), Durations.parse("30s"));
        assertEquals(Optional.of(Duration.ofMinutes(90)), Durations.parse("1h30m"));
        assertEquals(Optional.of(Duration.ofMillis(500)), Durations.parse("500ms"));
        assertEquals(Optional.of(Duration.ofSeconds(45)), Durations.parse("45"));
        assertTrue(Durations.parse("soon").isEmpty());
        assertTrue(Durations.parse("5x").isEmpty());
        assertTrue(Durations.parse("").isEmpty());
        assertEquals("1h30m", Durations.format(Duration.ofMinutes(90)));
    }

    @Test
    void pathRulesCatchEveryEscape() {
        assertTrue(PathRules.escapes("../x"));
        assertTrue(PathRules.escapes("a/../../x"));
        assertTrue(PathRules.escapes(PathRules.decode("%2e%2e/x")));
        assertTrue(PathRules.escapes(PathRules.decode("%252e%252e/x")));
        assertTrue(PathRules.escapes(PathRules.decode("..\\x")));
        assertTrue(PathRules.escapes("/etc/passwd"));
        assertFalse(PathRules.escapes("./k8s/manifests"));
        assertFalse(PathRules.escapes("a/../b"));
    }
}
