package io.innominatus.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** The JDBC delivery inventory, on the same database and schema as the execution store. */
public class JdbcDeliveryInventory implements DeliveryInventory {

    /** SQLSTATE of a unique-constraint violation, in H2 and PostgreSQL alike. */
    private static final String UNIQUE_VIOLATION = "23505";
    private final JdbcTransactions transactions;

    public JdbcDeliveryInventory(DataSource dataSource) {
        this.transactions = new JdbcTransactions(dataSource, "delivery inventory");
    }

    private <T> T withConnection(JdbcTransactions.Work<T> work) {
        return transactions.autoCommit(work);
    }

    @Override
    public void record(Entry entry) {
        withConnection(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO delivered_objects (application, environment, "
                    + "object_ref, resource_key, execution_id, record_time) VALUES (?, ?, ?, ?, ?, ?)")) {
                s.setString(1, entry.application());
                s.setString(2, entry.environment());
                s.setString(3, entry.reference());
                s.setString(4, entry.resourceKey());
                s.setString(5, entry.executionId());
                s.setObject(6, JdbcExecutionStore.time(Instant.now()));
                s.executeUpdate();
            } catch (SQLException e) {
                // Applying an object again (a redeployment, a retried attempt) keeps its first record.
                if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
            }
            return null;
        });
    }

    @Override
    public List<Entry> list(String application, String environment) {
        return withConnection(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT object_ref, resource_key, execution_id FROM "
                    + "delivered_objects WHERE application = ? AND environment = ? ORDER BY id")) {
                s.setString(1, application);
                s.setString(2, environment);
                List<Entry> entries = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        entries.add(new Entry(application, environment, rs.getString(1), rs.getString(2), rs.getString(3)));
                    }
                }
                return entries;
            }
        });
    }

    @Override
    public List<String> otherUsers(String application, String environment, String namespace) {
        return withConnection(c -> {
            // References are apiVersion|kind|namespace|name[|file]: the namespace is the third part.
            try (PreparedStatement s = c.prepareStatement("SELECT DISTINCT application FROM delivered_objects WHERE "
                    + "environment = ? AND application <> ? AND object_ref LIKE ? ORDER BY application")) {
                s.setString(1, environment);
                s.setString(2, application);
                s.setString(3, "%|%|" + namespace.replace("%", "\\%").replace("_", "\\_") + "|%");
                List<String> users = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        users.add(rs.getString(1));
                    }
                }
                return users;
            }
        });
    }

    @Override
    public void remove(String application, String environment, String reference) {
        withConnection(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM delivered_objects WHERE application = ? "
                    + "AND environment = ? AND object_ref = ?")) {
                s.setString(1, application);
                s.setString(2, environment);
                s.setString(3, reference);
                s.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void remove(String environment, String reference) {
        withConnection(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM delivered_objects WHERE environment = ? "
                    + "AND object_ref = ?")) {
                s.setString(1, environment);
                s.setString(2, reference);
                s.executeUpdate();
            }
            return null;
        });
    }
}
