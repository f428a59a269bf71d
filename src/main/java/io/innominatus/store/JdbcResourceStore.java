package io.innominatus.store;

import com.fasterxml.jackson.core.type.TypeReference;
import io.innominatus.model.ProvisionedResource;
import io.innominatus.model.Provisioner;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/** The JDBC resource store, on the same database and schema as the execution store. */
public class JdbcResourceStore implements ResourceStore {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
    private final JdbcTransactions transactions;

    public JdbcResourceStore(DataSource dataSource) {
        this.transactions = new JdbcTransactions(dataSource, "resource store");
    }

    private <T> T transaction(JdbcTransactions.Work<T> work) {
        return transactions.inTransaction(work);
    }

    @Override
    public Optional<ProvisionedResource> find(String key) {
        return transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT resource_key, environment, type, namespace, outputs_json, "
                    + "objects_json, provisioner_json, provisioned_by FROM provisioned_resources WHERE resource_key = ?")) {
                s.setString(1, key);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(read(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public void save(ProvisionedResource resource, String application, String resourceName) {
        transaction(c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM provisioned_resources WHERE resource_key = ?")) {
                delete.setString(1, resource.key());
                delete.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO provisioned_resources (resource_key, environment, type, "
                    + "namespace, outputs_json, objects_json, provisioner_json, provisioned_by, update_time) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, resource.key());
                s.setString(2, resource.environment());
                s.setString(3, resource.type());
                s.setString(4, resource.namespace());
                s.setString(5, JsonCodec.write(resource.outputs()));
                s.setString(6, JsonCodec.write(resource.objects()));
                s.setString(7, JsonCodec.write(resource.provisioner()));
                s.setString(8, resource.provisionedBy());
                s.setObject(9, JdbcExecutionStore.time(Instant.now()));
                s.executeUpdate();
            }
            try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM resource_consumers WHERE resource_key = ? "
                    + "AND application = ? AND environment = ?")) {
                exists.setString(1, resource.key());
                exists.setString(2, application);
                exists.setString(3, resource.environment());
                try (ResultSet rs = exists.executeQuery()) {
                    if (rs.next()) {
                        return null;
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO resource_consumers (resource_key, application, "
                    + "environment, resource_name) VALUES (?, ?, ?, ?)")) {
                s.setString(1, resource.key());
                s.setString(2, application);
                s.setString(3, resource.environment());
                s.setString(4, resourceName);
                s.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<Use> usedBy(String application, String environment) {
        return transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT r.resource_key, r.environment, r.type, r.namespace, "
                    + "r.outputs_json, r.objects_json, r.provisioner_json, r.provisioned_by, u.resource_name "
                    + "FROM resource_consumers u JOIN provisioned_resources r ON r.resource_key = u.resource_key "
                    + "WHERE u.application = ? AND u.environment = ? ORDER BY u.resource_name")) {
                s.setString(1, application);
                s.setString(2, environment);
                List<Use> uses = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        uses.add(new Use(read(rs), rs.getString("resource_name")));
                    }
                }
                return uses;
            }
        });
    }

    @Override
    public int consumers(String key) {
        return transaction(c -> count(c, key));
    }

    private static int count(Connection c, String key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM resource_consumers WHERE resource_key = ?")) {
            s.setString(1, key);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Override
    public int release(String key, String application, String environment) {
        return transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM resource_consumers WHERE resource_key = ? "
                    + "AND application = ? AND environment = ?")) {
                s.setString(1, key);
                s.setString(2, application);
                s.setString(3, environment);
                s.executeUpdate();
            }
            return count(c, key);
        });
    }

    @Override
    public void delete(String key) {
        transaction(c -> {
            for (String table : List.of("resource_consumers", "provisioned_resources")) {
                try (PreparedStatement s = c.prepareStatement("DELETE FROM " + table + " WHERE resource_key = ?")) {
                    s.setString(1, key);
                    s.executeUpdate();
                }
            }
            return null;
        });
    }

    private static ProvisionedResource read(ResultSet rs) throws SQLException {
        Map<String, String> outputs = JsonCodec.outputs(rs.getString("outputs_json"));
        List<String> objects = JsonCodec.read(rs.getString("objects_json"), STRINGS);
        Provisioner provisioner = JsonCodec.read(rs.getString("provisioner_json"), Provisioner.class);
        return new ProvisionedResource(rs.getString("resource_key"), rs.getString("environment"), rs.getString("type"),
                rs.getString("namespace"), outputs, objects, provisioner, rs.getString("provisioned_by"));
    }
}
