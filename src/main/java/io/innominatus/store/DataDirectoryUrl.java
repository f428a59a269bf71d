package io.innominatus.store;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;
import java.nio.file.Path;

/**
 * Supplies the URL of the embedded H2 database from {@code innominatus.data-dir} (default {@code data}),
 * resolved to an absolute path, unless {@code quarkus.datasource.jdbc.url} is set explicitly.
 * {@code WRITE_DELAY=0} writes every commit to the file before the commit returns, so a killed process
 * loses nothing it acknowledged.
 */
@Priority(Priorities.APPLICATION)
public class DataDirectoryUrl implements ConfigSourceInterceptor {

    static final String URL_PROPERTY = "quarkus.datasource.jdbc.url";
    static final String OPTIONS = ";WRITE_DELAY=0;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (!URL_PROPERTY.equals(name) || (value != null && value.getValue() != null && !value.getValue().isBlank())) {
            return value;
        }
        ConfigValue dataDir = context.proceed("innominatus.data-dir");
        String dir = dataDir == null || dataDir.getValue() == null || dataDir.getValue().isBlank() ? "data" : dataDir.getValue();
        String url = "jdbc:h2:file:" + Path.of(dir).toAbsolutePath().normalize().resolve("innominatus") + OPTIONS;
        return ConfigValue.builder().withName(name).withValue(url).withConfigSourceName("innominatus.data-dir").build();
    }
}
