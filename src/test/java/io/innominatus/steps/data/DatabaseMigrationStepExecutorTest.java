package io.innominatus.steps.data;

import io.innominatus.steps.StepTests;
import io.innominatus.steps.TestStepContext;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.steps.spi.StepMode;
import io.innominatus.steps.spi.StepResult;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The database-migration step against a real PostgreSQL server (embedded, started from Maven artifacts). */
class DatabaseMigrationStepExecutorTest {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    @TempDir
    Path workflowDirectory;

    private final DatabaseMigrationStepExecutor executor = new DatabaseMigrationStepExecutor();
    private String database;

    @BeforeAll
    static void start() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stop() throws IOException {
        postgres.close();
    }

    @BeforeEach
    void freshDatabase() throws Exception {
        database = "app" + DATABASES.incrementAndGet();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
        for (String file : List.of("V1__create_orders.sql", "V2__add_order_status.sql")) {
            StepTests.copy("/steps/migrations/" + file, workflowDirectory, "db/migrations/" + file);
        }
    }

    private DataSource db() {
        return postgres.getDatabase("postgres", database);
    }

    private String url() {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + database;
    }

    private TestStepContext context() {
        return new TestStepContext("database-migration").workflowDirectory(workflowDirectory)
                .config("migrationPath", "./db/migrations").config("connectionString", url())
                .config("user", "postgres").config("password", "not-so-secret-pw");
    }

    private List<String> applied() throws SQLException {
        List<String> scripts = new ArrayList<>();
        try (Connection c = db().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT script FROM flyway_schema_history WHERE success ORDER BY installed_rank")) {
            while (rs.next()) {
                scripts.add(rs.getString(1));
            }
        }
        return scripts;
    }

    private boolean tableExists(String table) throws SQLException {
        try (Connection c = db().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT to_regclass('public." + table + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    @Test
    void appliesPendingMigrationsOnceAndIsIdempotent() throws SQLException {
        TestStepContext first = context();
        StepResult result = StepTests.run(() -> executor.run(first, StepMode.APPLY));

        assertEquals("2", result.outputs().get("migrationsApplied"));
        assertEquals("2", result.outputs().get("schemaVersion"));
        assertEquals(List.of("V1__create_orders.sql", "V2__add_order_status.sql"), applied());
        assertTrue(tableExists("orders"));
        assertTrue(first.logged("applying version 1 — create orders (V1__create_orders.sql)"), first.log());
        assertTrue(first.secrets.contains("not-so-secret-pw"));

        StepResult again = StepTests.run(() -> executor.run(context(), StepMode.APPLY));

        assertEquals("0", again.outputs().get("migrationsApplied"));
        assertEquals("2", again.outputs().get("schemaVersion"));
        assertEquals(2, applied().size());
    }

    @Test
    void dryRunListsPendingMigrationsWithoutApplyingThem() throws SQLException {
        StepTests.run(() -> executor.run(context().config("target", "1"), StepMode.APPLY));
        TestStepContext context = context();

        StepResult result = StepTests.run(() -> executor.run(context, StepMode.DRY_RUN));

        assertEquals("1", result.outputs().get("pendingMigrations"));
        assertEquals("V2__add_order_status.sql", result.outputs().get("pending"));
        assertEquals("1", result.outputs().get("schemaVersion"));
        assertTrue(context.logged("dry run: would apply version 2 — add order status (V2__add_order_status.sql)"),
                context.log());
        assertEquals(List.of("V1__create_orders.sql"), applied(), "a dry run applies nothing");
    }

    @Test
    void dryRunOnAnEmptyDatabaseCreatesNothing() throws SQLException {
        StepResult result = StepTests.run(() -> executor.run(context().config("migrationsPath", "db/migrations")
                .config("migrationPath", null), StepMode.DRY_RUN));

        assertEquals("2", result.outputs().get("pendingMigrations"));
        assertEquals("", result.outputs().get("schemaVersion"));
        assertFalse(tableExists("flyway_schema_history"));
    }

    @Test
    void aTargetVersionStopsThere() throws SQLException {
        StepResult result = StepTests.run(() -> executor.run(context().config("target", "1"), StepMode.APPLY));

        assertEquals("1", result.outputs().get("migrationsApplied"));
        assertEquals("1", result.outputs().get("schemaVersion"));
        assertEquals(List.of("V1__create_orders.sql"), applied());
    }

    @Test
    void aBrokenMigrationFailsNamingItsScript() throws IOException, SQLException {
        Files.writeString(workflowDirectory.resolve("db/migrations/V3__seed_orders.sql"),
                "INSERT INTO orders (customer) VALUES ('acme');\nSELEKT broken FROM nowhere;\n");

        StepFailure failure = StepTests.failure(() -> executor.run(context(), StepMode.APPLY));

        assertEquals("migration V3__seed_orders.sql failed: ERROR: syntax error at or near \"SELEKT\"", failure.getMessage());
        assertEquals(List.of("V1__create_orders.sql", "V2__add_order_status.sql"), applied(),
                "the migrations before it stay applied; the failed one is rolled back");
        try (Connection c = db().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM orders")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "the failing migration's first statement was rolled back");
        }
    }

    @Test
    void aMisnamedMigrationIsAnErrorRatherThanSilentlySkipped() throws IOException, SQLException {
        Files.writeString(workflowDirectory.resolve("db/migrations/V3_missing_underscore.sql"), "SELECT 1;\n");

        StepFailure failure = StepTests.failure(() -> executor.run(context(), StepMode.APPLY));

        assertTrue(failure.getMessage().contains("V3_missing_underscore.sql"), failure.getMessage());
        assertFalse(failure.getMessage().contains("Exception"), failure.getMessage());
        assertFalse(tableExists("orders"), "nothing is applied");
    }

    @Test
    void anUnreachableDatabaseIsAClearErrorWithoutThePassword() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        TestStepContext context = context().config("user", null).config("password", null)
                .config("connectionString", "jdbc:postgresql://localhost:" + port + "/orders?user=app&password=url-pw-123");

        StepFailure failure = StepTests.failure(() -> executor.run(context, StepMode.APPLY));

        assertTrue(failure.getMessage().startsWith("cannot connect to the database jdbc:postgresql://localhost:" + port
                + "/orders?user=app&password=****: Connection to localhost:" + port + " refused"), failure.getMessage());
        assertFalse(failure.getMessage().contains("url-pw-123"));
        assertTrue(context.secrets.contains("url-pw-123"), "a password inside the URL is registered as a secret");
        assertFalse(context.log().contains("url-pw-123"));
    }

    @Test
    void cancellationStopsTheRunningMigration() throws Exception {
        Files.writeString(workflowDirectory.resolve("db/migrations/V3__backfill.sql"), "SELECT pg_sleep(300);\n");
        TestStepContext context = context();
        CompletableFuture<StepResult> running = StepTests.start(() -> executor.run(context, StepMode.APPLY));
        StepTests.await(() -> sleeping() > 0, "the slow migration to run");

        context.cancellation().cancel("execution cancelled");

        assertEquals("cancelled: execution cancelled", StepTests.failureOf(running).getMessage());
        StepTests.await(() -> sleeping() == 0, "the database to stop the query");
        assertEquals(List.of("V1__create_orders.sql", "V2__add_order_status.sql"), applied());
    }

    @Test
    void configurationErrorsAreClear() {
        assertEquals("config.connectionString is required for database-migration steps",
                StepTests.failure(() -> executor.run(context().config("connectionString", null), StepMode.APPLY)).getMessage());
        assertEquals("config.migrationPath is required for database-migration steps",
                StepTests.failure(() -> executor.run(context().config("migrationPath", null), StepMode.APPLY)).getMessage());
        assertEquals("migration directory 'db/none' does not exist",
                StepTests.failure(() -> executor.run(context().config("migrationPath", "db/none"), StepMode.APPLY)).getMessage());
        assertTrue(StepTests.failure(() -> executor.run(context().config("migrationPath", "../up"), StepMode.APPLY)).getMessage()
                .contains("leaves the workflow's directory"));
        assertEquals("config.connectionString must be a JDBC URL such as jdbc:postgresql://host:5432/db",
                StepTests.failure(() -> executor.run(context().config("connectionString", "postgres://x/y"), StepMode.APPLY)).getMessage());
    }

    @Test
    void passwordsInsideUrlsAreFoundAndMasked() {
        String url = "jdbc:postgresql://app:p%40ss@db:5432/orders?sslmode=require&password=hunter2";

        assertEquals(List.of("hunter2", "p%40ss"), DatabaseMigrationStepExecutor.urlPasswords(url));
        assertEquals("jdbc:postgresql://app:****@db:5432/orders?sslmode=require&password=****",
                DatabaseMigrationStepExecutor.masked(url));
        assertEquals("jdbc:h2:mem:x;USER=sa;PASSWORD=****", DatabaseMigrationStepExecutor.masked("jdbc:h2:mem:x;USER=sa;PASSWORD=pw"));
    }

    private int sleeping() {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE state = 'active'"
                        + " AND query LIKE 'SELECT pg_sleep(300)%'")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
