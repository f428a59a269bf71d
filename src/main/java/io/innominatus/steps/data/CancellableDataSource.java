package io.innominatus.steps.data;

import io.quarkus.runtime.annotations.RegisterForProxy;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source for one step attempt that can stop everything it handed out: {@link #cancel} cancels the
 * running statements (the database stops the query) and aborts the connections, so that a cancelled
 * migration ends at once instead of when its SQL finishes. It also remembers why a connection could
 * not be opened, to tell an unreachable database apart from a failing migration.
 *
 * <p>The connections it hands out are dynamic proxies that call the driver's connection reflectively; a
 * native executable needs both declared ahead of time, hence the two registrations.
 */
@RegisterForProxy(targets = Connection.class)
@RegisterForReflection(targets = Connection.class, fields = false)
final class CancellableDataSource implements DataSource {

    private final Driver driver;
    private final String url;
    private final Properties properties;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final Set<Statement> statements = ConcurrentHashMap.newKeySet();
    private volatile boolean cancelled;
    private volatile SQLException connectFailure;

    CancellableDataSource(Driver driver, String url, Properties properties) {
        this.driver = driver;
        this.url = url;
        this.properties = properties;
    }

    /** Why the last attempt to connect failed, or null. */
    SQLException connectFailure() {
        return connectFailure;
    }

    void cancel() {
        cancelled = true;
        for (Statement statement : statements) {
            try {
                statement.cancel();
            } catch (SQLException | RuntimeException ignored) {
                // Closed already, or the driver cannot cancel: aborting the connection below still stops it.
            }
        }
        for (Connection connection : connections) {
            try {
                connection.abort(Runnable::run);
            } catch (SQLException | RuntimeException ignored) {
                // Already closed.
            }
        }
    }

    /** Closes whatever is still open once the step is done. */
    void closeAll() {
        for (Connection connection : connections) {
            try {
                connection.close();
            } catch (SQLException | RuntimeException ignored) {
                // Nothing more to release.
            }
        }
        connections.clear();
        statements.clear();
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (cancelled) {
            throw new SQLException("cancelled");
        }
        Connection connection;
        try {
            connection = driver.connect(url, properties);
        } catch (SQLException e) {
            connectFailure = e;
            throw e;
        }
        if (connection == null) {
            connectFailure = new SQLException("the database driver does not accept this connection string");
            throw connectFailure;
        }
        connections.add(connection);
        if (cancelled) {
            cancel();
        }
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                new Tracking(connection));
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("credentials are fixed per step");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // Logging goes through the step log.
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // Connect timeouts belong in the connection string (e.g. connectTimeout for PostgreSQL).
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper for " + type.getSimpleName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }

    private static boolean closed(Statement statement) {
        try {
            return statement.isClosed();
        } catch (SQLException | RuntimeException e) {
            return true;
        }
    }

    /** Passes every call to the real connection, remembering the statements it creates. */
    private final class Tracking implements InvocationHandler {
        private final Connection connection;

        Tracking(Connection connection) {
            this.connection = connection;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            Object result;
            try {
                result = method.invoke(connection, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (result instanceof Statement statement) {
                if (statements.size() > 64) {
                    statements.removeIf(CancellableDataSource::closed);
                }
                statements.add(statement);
                if (cancelled) {
                    cancel();
                }
            }
            if (method.getName().equals("close")) {
                connections.remove(connection);
                statements.removeIf(CancellableDataSource::closed);
            }
            return result;
        }
    }
}
