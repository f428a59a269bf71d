package io.innominatus.cli;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/** The bundled catalog and admin config copied to {@code target/cli-scratch-catalog}, where tests may change them. */
public class ScratchCatalogProfile implements QuarkusTestProfile {

    static final Path ROOT = Path.of("target/cli-scratch-catalog").toAbsolutePath();

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            if (Files.exists(ROOT)) {
                try (Stream<Path> files = Files.walk(ROOT)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(ROOT);
            Files.copy(Path.of("admin-config.yaml"), ROOT.resolve("admin-config.yaml"));
            try (Stream<Path> files = Files.walk(Path.of("workflows"))) {
                for (Path source : files.sorted().toList()) {
                    Path target = ROOT.resolve(source.toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("innominatus.admin-config", ROOT.resolve("admin-config.yaml").toString());
    }
}
