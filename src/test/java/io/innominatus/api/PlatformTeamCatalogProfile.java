package io.innominatus.api;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A platform team's own catalog ({@code src/test/resources/catalogs/platform-team}: products billing and
 * shipping, environments development, staging and production) copied to {@code target/platform-team-catalog},
 * where tests may change it and reload. The fake terraform CLI sits next to the workflow that runs it.
 */
public class PlatformTeamCatalogProfile implements QuarkusTestProfile {

    public static final Path ROOT = Path.of("target/platform-team-catalog").toAbsolutePath();
    private static final Path SOURCE = Path.of("src/test/resources/catalogs/platform-team");

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
            try (Stream<Path> files = Files.walk(SOURCE)) {
                for (Path source : files.sorted().toList()) {
                    Path target = ROOT.resolve(SOURCE.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target);
                    }
                }
            }
            Path admin = ROOT.resolve("admin-config.yaml");
            Files.writeString(admin, Files.readString(admin).replace("@ROOT@", ROOT.toString()));
            Path terraform = ROOT.resolve("workflows/platform/infra/fake-terraform.sh");
            Files.copy(Path.of("src/test/resources/steps/terraform/fake-terraform.sh"), terraform);
            for (Path script : new Path[] {terraform, ROOT.resolve("workflows/products/billing/create-index.sh"),
                    ROOT.resolve("workflows/products/billing/drop-index.sh")}) {
                script.toFile().setExecutable(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("innominatus.admin-config", ROOT.resolve("admin-config.yaml").toString());
    }

    /** A file of the scratch catalog. */
    public static Path file(String relative) {
        return ROOT.resolve(relative);
    }

    public static String read(String relative) {
        try {
            return Files.readString(file(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
