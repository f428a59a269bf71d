package io.innominatus.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The start-up check that lets a restart against a current schema skip Flyway, and every way it must say no. */
class StoreSchemaTest {

    private DataSource database;

    @BeforeEach
    void freshDatabase() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1" + DataDirectoryUrl.OPTIONS);
        database = h2;
    }

    @Test
    void theListedMigrationsAreTheMigrationFiles() throws IOException {
        List<String> files;
        try (Stream<Path> list = Files.list(Path.of("src/main/resources", StoreSchema.LOCATION))) {
            files = list.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".sql"))
                    .sorted(Comparator.comparingInt(f -> Integer.parseInt(f.substring(1, f.indexOf("__"))))).toList();
        }
        assertEquals(files, StoreSchema.MIGRATIONS, "StoreSchema.MIGRATIONS lags the migration files");
    }

    @Test
    void aDatabaseFlywayMigratedIsCurrent() {
        assertFalse(StoreSchema.isCurrent(database), "no history table yet");
        MigrateResult result = StoreSchema.migrate(database);
        assertEquals(StoreSchema.LATEST_VERSION, result.migrationsExecuted);
        assertTrue(StoreSchema.isCurrent(database), "the checksums must be computed as Flyway computes them");
        assertEquals(0, StoreSchema.migrate(database).migrationsExecuted);
    }

    @Test
    void aDatabaseMigratedFromTheClassPathIsCurrent() {
        // As the tests' stores and earlier builds migrate: Flyway scanning db/migration on the class path.
        Flyway.configure().dataSource(database).load().migrate();
        assertTrue(StoreSchema.isCurrent(database));
        assertEquals(0, StoreSchema.migrate(database).migrationsExecuted, "Flyway validates that history as its own");
    }

    @Test
    void scriptsRecordedAsClassPathResourcesAreCurrent() throws SQLException {
        migrate(database);
        // The service's Flyway (the Quarkus extension) records "db/migration/V1__executions.sql", not the name alone.
        sql("UPDATE flyway_schema_history SET script = '" + StoreSchema.LOCATION + "' || script WHERE type = 'SQL'");
        assertTrue(StoreSchema.isCurrent(database));
        migrate(database); // and Flyway, run when a schema is not current, validates that history
        assertTrue(StoreSchema.isCurrent(database));
    }

    @Test
    void aMigrationNotYetAppliedIsNotCurrent() throws SQLException {
        migrate(database);
        sql("DELETE FROM flyway_schema_history WHERE version = '" + StoreSchema.LATEST_VERSION + "'");
        assertFalse(StoreSchema.isCurrent(database));
    }

    @Test
    void aScriptEditedSinceItWasAppliedIsNotCurrent() throws SQLException {
        migrate(database);
        sql("UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '3'");
        assertFalse(StoreSchema.isCurrent(database), "Flyway must run and report the mismatch");
        FlywayException refused = assertThrows(FlywayException.class, () -> StoreSchema.migrate(database));
        assertTrue(refused.getMessage().contains("checksum"), refused.getMessage());
    }

    @Test
    void aFailedMigrationIsNotCurrent() throws SQLException {
        migrate(database);
        sql("UPDATE flyway_schema_history SET success = false WHERE version = '5'");
        assertFalse(StoreSchema.isCurrent(database));
    }

    @Test
    void aMigrationFromANewerBuildIsNotCurrent() throws SQLException {
        migrate(database);
        sql("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                + " installed_by, execution_time, success) VALUES (99, '" + (StoreSchema.LATEST_VERSION + 1)
                + "', 'newer', 'SQL', 'V" + (StoreSchema.LATEST_VERSION + 1) + "__newer.sql', 1, 'test', 1, true)");
        assertFalse(StoreSchema.isCurrent(database), "a schema ahead of this build is Flyway's to judge");
    }

    @Test
    void aHistoryRowNamingAPathIsNotCurrent() throws SQLException {
        migrate(database);
        sql("UPDATE flyway_schema_history SET script = '../V1__executions.sql' WHERE version = '1'");
        assertFalse(StoreSchema.isCurrent(database));
        sql("UPDATE flyway_schema_history SET script = '" + StoreSchema.LOCATION + "../migration/V1__executions.sql'"
                + " WHERE version = '1'");
        assertFalse(StoreSchema.isCurrent(database));
    }

    @Test
    void aPostgresqlDatabaseFlywayMigratedIsCurrent() throws IOException {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            DataSource pg = postgres.getPostgresDatabase();
            assertFalse(StoreSchema.isCurrent(pg));
            migrate(pg);
            assertTrue(StoreSchema.isCurrent(pg));
        }
    }

    private static void migrate(DataSource dataSource) {
        StoreSchema.migrate(dataSource);
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate(statement);
        }
    }
}
