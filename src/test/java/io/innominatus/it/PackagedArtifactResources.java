package io.innominatus.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * What the packaged service needs around it in {@link PackagedArtifactIT}: a real PostgreSQL server (the
 * production store, and the only one a native executable should use) with a second database for the
 * migration step, and a copy of the test catalog that points at it.
 */
public class PackagedArtifactResources implements QuarkusTestResourceLifecycleManager {

    static final Path CATALOG = Path.of("src/test/resources/catalogs/packaged");
    private EmbeddedPostgres postgres;

    @Override
    public Map<String, String> start() {
        try {
            postgres = EmbeddedPostgres.builder().start();
            try (Connection connection = postgres.getPostgresDatabase().getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE smoke");
            }
            Path work = Path.of("target/packaged-it", UUID.randomUUID().toString()).toAbsolutePath();
            Path catalog = work.resolve("catalog");
            copy(CATALOG, catalog);
            Path admin = catalog.resolve("admin-config.yaml");
            Files.writeString(admin, Files.readString(admin)
                    .replace("@MIGRATION_URL@", "jdbc:postgresql://localhost:" + postgres.getPort() + "/smoke")
                    .replace("@MIGRATION_USER@", "postgres"));
            return Map.of(
                    "innominatus.admin-config", admin.toString(),
                    "innominatus.data-dir", work.resolve("data").toString(),
                    "quarkus.datasource.postgresql.jdbc.url", "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres",
                    "quarkus.datasource.postgresql.username", "postgres",
                    "quarkus.datasource.postgresql.password", "postgres");
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("cannot prepare the packaged service's database and catalog", e);
        }
    }

    @Override
    public void stop() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }
}
