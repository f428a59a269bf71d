package io.innominatus.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Consumer;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Receives the change notifications of one PostgreSQL channel on a connection of its own, and keeps
 * receiving across database outages: a broken connection is replaced (with growing pauses), and
 * {@code reconnected} runs after every new connection because notifications sent meanwhile are lost.
 * A quiet connection is probed regularly, so that a silently dropped one is noticed.
 */
final class ChangeListener implements ClusterStore.Subscription, Runnable {

    private static final Logger LOG = Logger.getLogger(ChangeListener.class);
    private static final int WAIT_MILLIS = 500;
    private static final long PROBE_NANOS = 5_000_000_000L;

    private final PostgresClusterStore.ConnectionFactory connections;
    private final String channel;
    private final Consumer<ClusterStore.Change> changes;
    private final Runnable reconnected;
    private final Thread thread;
    private volatile boolean closed;

    private ChangeListener(PostgresClusterStore.ConnectionFactory connections, String channel,
            Consumer<ClusterStore.Change> changes, Runnable reconnected) {
        this.connections = connections;
        this.channel = channel;
        this.changes = changes;
        this.reconnected = reconnected;
        this.thread = new Thread(this, "innominatus-cluster-listener");
        thread.setDaemon(true);
    }

    static ChangeListener start(PostgresClusterStore.ConnectionFactory connections, String channel,
            Consumer<ClusterStore.Change> changes, Runnable reconnected) {
        ChangeListener listener = new ChangeListener(connections, channel, changes, reconnected);
        listener.thread.start();
        return listener;
    }

    @Override
    public void run() {
        long pause = 100;
        boolean failing = false;
        while (!closed) {
            try (Connection connection = connections.open()) {
                connection.setAutoCommit(true);
                try (Statement s = connection.createStatement()) {
                    s.execute("LISTEN " + channel);
                }
                if (failing) {
                    LOG.info("change notifications: listening again");
                }
                failing = false;
                pause = 100;
                notifyReconnected();
                listen(connection);
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                if (!failing) {
                    LOG.warnf("change notifications interrupted (%s); other replicas' changes are picked up by polling "
                            + "until the connection is back", e.getMessage());
                }
                failing = true;
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException interrupted) {
                    return;
                }
                pause = Math.min(2_000, pause * 2);
            }
        }
    }

    private void listen(Connection connection) throws SQLException {
        PGConnection pg = connection.unwrap(PGConnection.class);
        long probed = System.nanoTime();
        while (!closed) {
            PGNotification[] notifications = pg.getNotifications(WAIT_MILLIS);
            if (notifications != null) {
                for (PGNotification notification : notifications) {
                    PostgresClusterStore.decode(notification.getParameter()).ifPresent(this::deliver);
                }
            }
            if (System.nanoTime() - probed > PROBE_NANOS) {
                try (Statement s = connection.createStatement()) {
                    s.execute("SELECT 1");
                }
                probed = System.nanoTime();
            }
        }
    }

    private void deliver(ClusterStore.Change change) {
        try {
            changes.accept(change);
        } catch (RuntimeException e) {
            LOG.warnf(e, "handling the change of execution %s failed", change.executionId());
        }
    }

    private void notifyReconnected() {
        try {
            reconnected.run();
        } catch (RuntimeException e) {
            LOG.warn("catching up after reconnecting failed", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
