package io.innominatus.store;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.flyway.FlywayDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

/**
 * Chooses the database (PostgreSQL when {@code quarkus.datasource.postgresql.jdbc.url} is set, the
 * embedded H2 file database otherwise), migrates its schema with Flyway, and produces the store.
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
    javax.sql.DataSource database(@Any Instance<AgroalDataSource> dataSources, @Any Instance<Flyway> flyways,
            @ConfigProperty(name = "quarkus.datasource.postgresql.jdbc.url") Optional<String> postgresUrl) {
        boolean postgres = postgresUrl.filter(u -> !u.isBlank()).isPresent();
        AgroalDataSource dataSource = postgres
                ? dataSources.select(new DataSource.DataSourceLiteral(POSTGRESQL)).get()
                : dataSources.select(jakarta.enterprise.inject.Default.Literal.INSTANCE).get();
        Flyway flyway = postgres
                ? flyways.select(FlywayDataSource.FlywayDataSourceLiteral.of(POSTGRESQL)).get()
                : flyways.select(jakarta.enterprise.inject.Default.Literal.INSTANCE).get();
        var result = flyway.migrate();
        LOG.infof("execution store: %s, schema version %s (%d migration(s) applied)", postgres ? "PostgreSQL" : "embedded H2",
                result.targetSchemaVersion == null ? flyway.info().current().getVersion() : result.targetSchemaVersion,
                result.migrationsExecuted);
        return dataSource;
    }

    @Produces
    @ApplicationScoped
    ExecutionStore executionStore(@StoreDatabase javax.sql.DataSource database) {
        return new JdbcExecutionStore(database);
    }

    @Produces
    @ApplicationScoped
    AuditStore auditStore(@StoreDatabase javax.sql.DataSource database) {
        return new JdbcAuditStore(database);
    }

    @Produces
    @ApplicationScoped
    ResourceStore resourceStore(@StoreDatabase javax.sql.DataSource database) {
        return new JdbcResourceStore(database);
    }
}
