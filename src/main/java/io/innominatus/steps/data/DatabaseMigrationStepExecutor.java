package io.innominatus.steps.data;

import io.innominatus.steps.spi.StepContext;
import io.innominatus.steps.spi.StepExecutor;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.steps.spi.StepMode;
import io.innominatus.steps.spi.StepResult;
import io.innominatus.steps.tools.ExecStepExecutor;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * {@code database-migration}: applies the versioned SQL migrations in {@code config.migrationPath}
 * (alias {@code migrationsPath}; a directory relative to the workflow file, Flyway naming
 * {@code V<version>__<description>.sql}) to the database at {@code config.connectionString} (a JDBC URL;
 * credentials in {@code config.user}/{@code config.password} or inside the URL) with Flyway, up to
 * {@code config.target} when given. Applying is idempotent: migrations already applied are skipped. A dry
 * run lists the pending migrations without applying them.
 */
@ApplicationScoped
public class DatabaseMigrationStepExecutor implements StepExecutor {

    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)([?&;]password=)([^&;]*)");
    private static final Pattern URL_USERINFO = Pattern.compile("(//[^/:@?;]+:)([^@/]*)(@)");

    @Override
    public String type() {
        return "database-migration";
    }

    @Override
    public StepResult run(StepContext context, StepMode mode) {
        boolean dryRun = mode.dryRun();
        String url = context.requiredString("connectionString").trim();
        // Secrets first, so that nothing below (errors included) can show them.
        context.string("password").filter(p -> !p.isEmpty()).ifPresent(context::secret);
        urlPasswords(url).forEach(context::secret);
        String shownUrl = masked(url);
        if (!url.startsWith("jdbc:")) {
            throw new StepFailure("config.connectionString must be a JDBC URL such as jdbc:postgresql://host:5432/db");
        }
        Path migrations = migrations(context);
        String target = context.string("target").map(String::trim).filter(s -> !s.isEmpty()).orElse(null);
        Properties properties = new Properties();
        context.string("user").filter(s -> !s.isBlank()).ifPresent(u -> properties.setProperty("user", u));
        context.string("password").ifPresent(p -> properties.setProperty("password", p));
        CancellableDataSource dataSource = new CancellableDataSource(driver(url, shownUrl), url, properties);
        context.cancellation().onCancel(dataSource::cancel);
        Progress progress = new Progress(context);
        try {
            var configuration = Flyway.configure(DatabaseMigrationStepExecutor.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations("filesystem:" + migrations)
                    .failOnMissingLocations(true)
                    .validateMigrationNaming(true)
                    .cleanDisabled(true)
                    .connectRetries(0)
                    .callbacks(progress);
            if (target != null) {
                configuration.target(target(target));
            }
            Flyway flyway = configuration.load();
            context.log((dryRun ? "dry run: checking " : "migrating ") + shownUrl + " with migrations from "
                    + context.string("migrationPath").or(() -> context.string("migrationsPath")).orElse("")
                    + (target == null ? "" : " up to version " + target));
            if (dryRun) {
                MigrationInfo[] pending = flyway.info().pending();
                MigrationInfo current = flyway.info().current();
                for (MigrationInfo migration : pending) {
                    context.log("dry run: would apply " + describe(migration));
                }
                context.log("dry run: " + pending.length + " pending migration(s); schema version "
                        + version(current).orElse("none"));
                Map<String, String> outputs = new LinkedHashMap<>();
                outputs.put("dryRun", "true");
                outputs.put("pendingMigrations", Integer.toString(pending.length));
                outputs.put("pending", String.join(",", List.of(pending).stream().map(MigrationInfo::getScript).toList()));
                outputs.put("schemaVersion", version(current).orElse(""));
                return StepResult.of(outputs);
            }
            MigrateResult result = flyway.migrate();
            context.cancellation().check();
            String version = version(flyway.info().current()).orElse("");
            context.log("applied " + result.migrationsExecuted + " migration(s); schema version "
                    + (version.isEmpty() ? "none" : version));
            Map<String, String> outputs = new LinkedHashMap<>();
            outputs.put("migrationsApplied", Integer.toString(result.migrationsExecuted));
            outputs.put("schemaVersion", version);
            return StepResult.of(outputs);
        } catch (FlywayException e) {
            context.cancellation().check();
            throw failure(e, dataSource, progress, shownUrl);
        } finally {
            dataSource.closeAll();
        }
    }

    private static Path migrations(StepContext context) {
        String value = context.string("migrationPath").or(() -> context.string("migrationsPath"))
                .filter(s -> !s.isBlank())
                .orElseThrow(() -> new StepFailure("config.migrationPath is required for database-migration steps"));
        Path base = context.workflowDirectory().orElseThrow(() -> new StepFailure(
                "config.migrationPath needs a workflow directory; this workflow has none"));
        Path directory = ExecStepExecutor.inside(base, value.startsWith("filesystem:")
                ? value.substring("filesystem:".length()) : value, "config.migrationPath");
        if (!Files.isDirectory(directory)) {
            throw new StepFailure("migration directory '" + value + "' does not exist");
        }
        return directory;
    }

    private static MigrationVersion target(String target) {
        try {
            return MigrationVersion.fromVersion(target);
        } catch (FlywayException | IllegalArgumentException e) {
            throw new StepFailure("config.target '" + target + "' is not a migration version such as 3 or 2.1");
        }
    }

    private static Driver driver(String url, String shownUrl) {
        for (Driver driver : ServiceLoader.load(Driver.class, DatabaseMigrationStepExecutor.class.getClassLoader())) {
            try {
                if (driver.acceptsURL(url)) {
                    return driver;
                }
            } catch (SQLException ignored) {
                // Not this driver.
            }
        }
        try {
            return DriverManager.getDriver(url);
        } catch (SQLException e) {
            throw new StepFailure("no database driver accepts " + shownUrl + " (supported: jdbc:postgresql:, jdbc:h2:)");
        }
    }

    private static StepFailure failure(FlywayException e, CancellableDataSource dataSource, Progress progress,
            String shownUrl) {
        if (dataSource.connectFailure() != null) {
            return new StepFailure("cannot connect to the database " + shownUrl + ": "
                    + firstLine(dataSource.connectFailure().getMessage()));
        }
        SQLException sql = sqlCause(e);
        if (progress.failed != null) {
            return new StepFailure("migration " + progress.failed.getScript() + " failed: "
                    + (sql != null ? firstLine(sql.getMessage()) : flywayMessage(e)));
        }
        return new StepFailure("migration failed: " + flywayMessage(e));
    }

    private static SQLException sqlCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }

    /** Flyway's message on one line, without its banner rules and blank lines. */
    private static String flywayMessage(FlywayException e) {
        String message = e.getMessage() == null ? "unknown error" : e.getMessage();
        List<String> lines = new ArrayList<>();
        for (String line : message.split("\\R")) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty() && !trimmed.matches("-+")) {
                lines.add(trimmed);
            }
        }
        String joined = String.join("; ", lines);
        return joined.length() > 600 ? joined.substring(0, 600) + "…" : joined;
    }

    private static String firstLine(String message) {
        if (message == null || message.isBlank()) {
            return "unknown error";
        }
        return message.strip().split("\\R", 2)[0];
    }

    private static String describe(MigrationInfo migration) {
        return (migration.getVersion() == null ? "repeatable" : "version " + migration.getVersion()) + " — "
                + migration.getDescription() + " (" + migration.getScript() + ")";
    }

    private static java.util.Optional<String> version(MigrationInfo info) {
        return java.util.Optional.ofNullable(info).map(MigrationInfo::getVersion).map(MigrationVersion::getVersion);
    }

    /** Passwords inside a JDBC URL ({@code ?password=}, {@code ;password=}, {@code //user:password@}). */
    static List<String> urlPasswords(String url) {
        List<String> passwords = new ArrayList<>();
        Matcher query = URL_PASSWORD.matcher(url);
        while (query.find()) {
            if (!query.group(2).isEmpty()) {
                passwords.add(query.group(2));
                passwords.add(java.net.URLDecoder.decode(query.group(2), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        Matcher userinfo = URL_USERINFO.matcher(url);
        if (userinfo.find() && !userinfo.group(2).isEmpty()) {
            passwords.add(userinfo.group(2));
        }
        return passwords.stream().distinct().toList();
    }

    /** The URL as it may be shown: passwords replaced. */
    static String masked(String url) {
        String masked = URL_PASSWORD.matcher(url).replaceAll("$1****");
        return URL_USERINFO.matcher(masked).replaceAll("$1****$3");
    }

    /** Logs each migration as it is applied, remembers the one that failed and stops between migrations on cancellation. */
    private static final class Progress implements Callback {
        private final StepContext context;
        private volatile MigrationInfo failed;

        Progress(StepContext context) {
            this.context = context;
        }

        @Override
        public boolean supports(Event event, Context flyway) {
            return event == Event.BEFORE_EACH_MIGRATE || event == Event.AFTER_EACH_MIGRATE
                    || event == Event.AFTER_EACH_MIGRATE_ERROR;
        }

        @Override
        public boolean canHandleInTransaction(Event event, Context flyway) {
            return true;
        }

        @Override
        public void handle(Event event, Context flyway) {
            MigrationInfo migration = flyway.getMigrationInfo();
            if (migration == null) {
                return;
            }
            if (event == Event.BEFORE_EACH_MIGRATE) {
                context.cancellation().check();
                context.log("applying " + describe(migration));
            } else if (event == Event.AFTER_EACH_MIGRATE) {
                context.log("applied " + migration.getScript());
            } else {
                failed = migration;
            }
        }

        @Override
        public String getCallbackName() {
            return "innominatus-step-progress";
        }
    }
}
