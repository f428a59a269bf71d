package io.innominatus.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PathRulesTest {

    @Test
    void encodedAndUnusablePathsEscape() {
        for (String value : new String[] {"../x", "%2e%2e/x", "%252e%252e%252fx", "..\\x", "a/../../x", "/etc", "~/x",
                "C:\\x", "a\u0000b", "a\uD800b"}) {
            assertTrue(PathRules.escapes(PathRules.decode(value)), value);
        }
        assertFalse(PathRules.escapes("./k8s/../k8s/app.yaml"));
        assertFalse(PathRules.isUsable("a\uDC00"));
        assertTrue(PathRules.isUsable("caf\u00E9/\uD83D\uDE00"));
    }

    @Test
    void linksOutOfTheDirectoryAreRefusedEvenWhenTheyDangle(@TempDir Path dir) throws IOException {
        Path base = Files.createDirectories(dir.resolve("workflows"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.createSymbolicLink(base.resolve("out"), outside);
        Files.createSymbolicLink(base.resolve("dangling"), dir.resolve("not-yet"));
        Files.createDirectories(base.resolve("k8s"));

        assertEquals(base.resolve("k8s/app.yaml"), PathRules.resolveInside(base, "./k8s/app.yaml"));
        assertThrows(IllegalArgumentException.class, () -> PathRules.resolveInside(base, "out"));
        assertThrows(IllegalArgumentException.class, () -> PathRules.resolveInside(base, "out/new-file"));
        assertThrows(IllegalArgumentException.class, () -> PathRules.resolveInside(base, "dangling"),
                "a file written through a dangling link would land outside");
        assertThrows(IllegalArgumentException.class, () -> PathRules.resolveInside(base, "x\u0000"));
    }
}
