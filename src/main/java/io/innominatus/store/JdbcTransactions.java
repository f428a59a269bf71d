package io.innominatus.store;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The one way the JDBC stores borrow a connection: a unit of work runs either in a transaction that is
 * committed or rolled back as a whole, or in auto-commit mode, and any {@link SQLException} leaves as
 * {@link StoreException.Unavailable} naming the store, so callers handle one failure type.
 */
final class JdbcTransactions {

    /** A unit of work on a borrowed connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final DataSource dataSource;
    private final String storeName;

    /** @param storeName how failures name the store ("execution store", "audit store", …) */
    JdbcTransactions(DataSource dataSource, String storeName) {
        this.dataSource = dataSource;
        this.storeName = storeName;
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    <T> T inTransaction(Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollback(connection);
                throw e;
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /** Runs {@code work} in auto-commit mode: each statement commits on its own. */
    <T> T autoCommit(Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            return work.run(connection);
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    private StoreException.Unavailable unavailable(SQLException e) {
        return new StoreException.Unavailable(storeName + " unavailable: " + e.getMessage(), e);
    }

    private static void rollback(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // The connection is closed next; the original failure is what matters.
        }
    }
}
