package io.innominatus.store;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Chooses the database (PostgreSQL when {@code quarkus.datasource.postgresql.jdbc.url} is set, the
 * embedded H2 file database otherwise), migrates its schema with Flyway unless it is already current, and produces
 * the store.
 */
@ApplicationScoped
public class StoreProducer {

    static final String POSTGRESQL = "postgresql";
    private static final Logger LOG = Logger.getLogger(StoreProducer.class);

    /**
     * The database the stores use, migrated. A singleton, not application-scoped: a normal scope needs a
     * client proxy, which for a JDK type is generated into the JDK's own package ({@code javax.sql}), and
     * the application class loader of the AOT-cache packaging (aot-jar) cannot load classes there.
     */
    @Produces
    @Singleton
    @StoreDatabase
    javax.sql.DataSource database(@Any Instance<AgroalDataSource> dataSources,
            @ConfigProperty(name = "quarkus.datasource.postgresql.jdbc.url") Optional<String> postgresUrl) {
        boolean postgres = postgresUrl.filter(u -> !u.isBlank()).isPresent();
        AgroalDataSource dataSource = postgres
                ? dataSources.select(new DataSource.DataSourceLiteral(POSTGRESQL)).get()
                : dataSources.select(jakarta.enterprise.inject.Default.Literal.INSTANCE).get();
        String store = postgres ? "PostgreSQL" : "embedded H2";
        if (StoreSchema.isCurrent(dataSource)) {
            LOG.infof("execution store: %s, schema version %d (current)", store, StoreSchema.LATEST_VERSION);
            return dataSource;
        }
        var result = StoreSchema.migrate(dataSource);
        LOG.infof("execution store: %s, schema version %s (%d migration(s) applied)", store,
                result.targetSchemaVersion == null ? result.initialSchemaVersion : result.targetSchemaVersion,
                result.migrationsExecuted);
        return dataSource;
    }

    @Produces
    @ApplicationScoped
    ExecutionStore executionStore(ClusterSupport cluster, @StoreDatabase javax.sql.DataSource database) {
        return cluster.store().<ExecutionStore>map(c -> c).orElseGet(() -> new JdbcExecutionStore(database));
    }

    /** On PostgreSQL the store is shared by every replica; on H2 it belongs to this process alone. */
    @Produces
    @Singleton
    ClusterSupport clusterSupport(@StoreDatabase javax.sql.DataSource database,
            @ConfigProperty(name = "quarkus.datasource.postgresql.jdbc.url") Optional<String> postgresUrl,
            @ConfigProperty(name = "quarkus.datasource.postgresql.username") Optional<String> user,
            @ConfigProperty(name = "quarkus.datasource.postgresql.password") Optional<String> password,
            @ConfigProperty(name = "innominatus.cluster.enabled", defaultValue = "true") boolean enabled) {
        if (postgresUrl.filter(u -> !u.isBlank()).isEmpty() || !enabled) {
            return new ClusterSupport(Optional.empty());
        }
        return new ClusterSupport(Optional.of(new PostgresClusterStore(database, () -> {
            Properties properties = new Properties();
            user.ifPresent(u -> properties.setProperty("user", u));
            password.ifPresent(p -> properties.setProperty("password", p));
            // A listening connection is mostly idle: notice a dead server or network within seconds.
            properties.setProperty("socketTimeout", "30");
            properties.setProperty("connectTimeout", "10");
            properties.setProperty("tcpKeepAlive", "true");
            properties.setProperty("ApplicationName", "innominatus-listener");
            Connection connection = new org.postgresql.Driver().connect(postgresUrl.get(), properties);
            if (connection == null) {
                throw new SQLException("not a PostgreSQL URL: " + postgresUrl.get());
            }
            return connection;
        })));
    }

    @Produces
    @ApplicationScoped
    AuditStore auditStore(@StoreDatabase javax.sql.DataSource database) {
        return new JdbcAuditStore(database);
    }

    @Produces
    @ApplicationScoped
    DeliveryInventory deliveryInventory(@StoreDatabase javax.sql.DataSource database) {
        return new JdbcDeliveryInventory(database);
    }

    @Produces
    @ApplicationScoped
    ResourceStore resourceStore(@StoreDatabase javax.sql.DataSource database) {
        return new JdbcResourceStore(database);
    }
}
