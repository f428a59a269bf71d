package io.innominatus.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The PostgreSQL every benchmark measures against: embedded, but with durable commits. The embedded
 * server's defaults ({@code synchronous_commit=off}, {@code fsync=off}) acknowledge commits before they
 * are on disk, which would make the figures claim a durability the service does not have in production.
 */
final class BenchPostgres {

    private BenchPostgres() {}

    /** A fresh server that flushes every commit to disk before acknowledging it. */
    static EmbeddedPostgres durable() throws IOException {
        return durableBuilder().start();
    }

    /**
     * A durable server that also counts statements ({@code pg_stat_statements}, loaded at start), for
     * benchmarks that report what a workflow costs the database.
     */
    static EmbeddedPostgres durableCountingStatements() throws IOException {
        return durableBuilder()
                .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                .setServerConfig("pg_stat_statements.track_utility", "on")
                .start();
    }

    private static EmbeddedPostgres.Builder durableBuilder() {
        return EmbeddedPostgres.builder()
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("fsync", "on")
                .setServerConfig("full_page_writes", "on");
    }

    /** The JDBC URL of a database as the service connects to it (batched inserts rewritten as multi-row ones). */
    static String url(EmbeddedPostgres postgres, String database) {
        return postgres.getJdbcUrl("postgres", database) + "&reWriteBatchedInserts=true";
    }

    /** The settings in force, as the results state them: {@code synchronous_commit=on, fsync=on, …}. */
    static String settings(EmbeddedPostgres postgres) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            for (String name : new String[] {"server_version", "synchronous_commit", "fsync", "full_page_writes", "wal_level"}) {
                try (ResultSet rs = s.executeQuery("SHOW " + name)) {
                    rs.next();
                    out.append(out.length() == 0 ? "" : ", ").append(name).append('=').append(rs.getString(1));
                }
            }
        }
        return out.toString();
    }
}
