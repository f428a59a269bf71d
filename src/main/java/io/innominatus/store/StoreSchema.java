package io.innominatus.store;

import io.quarkus.runtime.annotations.RegisterResources;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.zip.CRC32;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.resource.LoadableResource;

/**
 * The store's schema: its migrations, whether a database already has them, and migrating one that has not.
 *
 * <p>A start against a current schema does not start Flyway at all. Creating it loads some 1,000 classes
 * (Jackson among them) and validating scans every migration: half a second of a start-up that is otherwise a
 * second or two. {@link #isCurrent} reads Flyway's history table with one query instead, and answers "current"
 * only when it can confirm it: every migration of {@link #MIGRATIONS} recorded as successful with the checksum of
 * its script (computed as Flyway computes it) and nothing else recorded. Anything else — no history table, a
 * failed or foreign row, an edited script, a migration from a newer build — is "not current", and
 * {@link #migrate} leaves migrating, validating and reporting to Flyway.
 *
 * <p>Flyway reads the migrations from this list, not by scanning the class path, so that the same code finds
 * them in a jar, an AOT-cache run and a native image.
 */
@RegisterResources(globs = "db/migration/*.sql")
final class StoreSchema {

    static final String LOCATION = "db/migration/";

    /** The migrations under {@value #LOCATION}, in order; {@code StoreSchemaTest} keeps the list in step with the files. */
    static final List<String> MIGRATIONS = List.of(
            "V1__executions.sql",
            "V2__resources.sql",
            "V3__audit.sql",
            "V4__cluster.sql",
            "V5__delivery_inventory.sql",
            "V6__requester_subject.sql",
            "V7__step_error_kind.sql");

    static final int LATEST_VERSION = MIGRATIONS.size();

    private StoreSchema() {}

    /** Whether the schema is current; any doubt, including a failing query, is "no". */
    static boolean isCurrent(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return isCurrent(connection);
        } catch (SQLException | IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean isCurrent(Connection connection) throws SQLException, IOException {
        // A new database has no history table; asking for it would put an error in the server's log.
        var metadata = connection.getMetaData();
        String escape = metadata.getSearchStringEscape();
        String table = escape == null ? "flyway_schema_history" : "flyway_schema_history".replace("_", escape + "_");
        try (ResultSet tables = metadata.getTables(null, connection.getSchema(), table, null)) {
            if (!tables.next()) {
                return false;
            }
        }
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT version, script, checksum, success, type FROM flyway_schema_history")) {
            BitSet applied = new BitSet();
            while (rows.next()) {
                String type = rows.getString(5);
                if ("SCHEMA".equals(type) || "TABLE".equals(type)) {
                    continue; // Flyway's markers that it created the schema or this table: no migration
                }
                int checksum = rows.getInt(3);
                boolean noChecksum = rows.wasNull();
                if (!"SQL".equals(type) || !rows.getBoolean(4) || noChecksum || rows.getString(1) == null) {
                    return false;
                }
                int version = Integer.parseInt(rows.getString(1));
                if (version < 1 || version > LATEST_VERSION || applied.get(version)
                        || !MIGRATIONS.get(version - 1).equals(name(rows.getString(2)))
                        || checksum != checksum(MIGRATIONS.get(version - 1))) {
                    return false;
                }
                applied.set(version);
            }
            return applied.cardinality() == LATEST_VERSION;
        }
    }

    /** Migrates the schema with Flyway, which validates what was applied before and fails on any mismatch. */
    static MigrateResult migrate(DataSource dataSource) {
        return Flyway.configure(StoreSchema.class.getClassLoader())
                .dataSource(dataSource)
                .resourceProvider(new Migrations())
                .javaMigrationClassProvider(List::of)
                .load()
                .migrate();
    }

    /** A history row's script: the file name, or (written by earlier builds' Flyway) its class path resource. */
    private static String name(String script) {
        return script != null && script.startsWith(LOCATION) ? script.substring(LOCATION.length()) : script;
    }

    /** Flyway's checksum of a migration: CRC32 of each line's UTF-8 bytes, a byte order mark dropped. */
    static int checksum(String migration) throws IOException {
        CRC32 crc = new CRC32();
        try (BufferedReader reader = new BufferedReader(open(migration), 4096)) {
            String line = reader.readLine();
            if (line != null && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            for (; line != null; line = reader.readLine()) {
                crc.update(line.getBytes(StandardCharsets.UTF_8));
            }
        }
        return (int) crc.getValue();
    }

    private static Reader open(String migration) throws IOException {
        InputStream in = StoreSchema.class.getClassLoader().getResourceAsStream(LOCATION + migration);
        if (in == null) {
            throw new IOException("migration " + LOCATION + migration + " is not on the class path");
        }
        return new InputStreamReader(in, StandardCharsets.UTF_8);
    }

    /** The migrations of {@link #MIGRATIONS} as Flyway resources. */
    private static final class Migrations implements ResourceProvider {

        @Override
        public LoadableResource getResource(String name) {
            String file = name(name);
            return MIGRATIONS.contains(file) ? new Migration(file) : null;
        }

        @Override
        public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
            return MIGRATIONS.stream()
                    .filter(m -> m.startsWith(prefix) && Arrays.stream(suffixes).anyMatch(m::endsWith))
                    .<LoadableResource>map(Migration::new)
                    .toList();
        }
    }

    private static final class Migration extends LoadableResource {

        private final String file;

        Migration(String file) {
            this.file = file;
        }

        @Override
        public Reader read() {
            try {
                return open(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String getAbsolutePath() {
            return LOCATION + file;
        }

        @Override
        public String getAbsolutePathOnDisk() {
            return LOCATION + file;
        }

        @Override
        public String getFilename() {
            return file;
        }

        @Override
        public String getRelativePath() {
            return file;
        }
    }
}
