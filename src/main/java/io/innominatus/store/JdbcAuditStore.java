package io.innominatus.store;

import io.innominatus.model.AuditEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** The JDBC audit trail, on the same database as the execution store. */
public class JdbcAuditStore implements AuditStore {

    static final int MAX_REASON = 2048;
    private final JdbcTransactions transactions;

    public JdbcAuditStore(DataSource dataSource) {
        this.transactions = new JdbcTransactions(dataSource, "audit store");
    }

    /** Inserts an entry on a connection whose transaction also carries the change it describes. */
    static void insert(Connection c, AuditEvent event) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO audit_events (event_time, principal, action, target, "
                + "decision, reason) VALUES (?, ?, ?, ?, ?, ?)")) {
            s.setObject(1, JdbcExecutionStore.time(event.time()));
            s.setString(2, cut(event.principal(), 256));
            s.setString(3, cut(event.action(), 128));
            s.setString(4, cut(event.target(), 512));
            s.setString(5, event.decision().name());
            s.setString(6, cut(event.reason(), MAX_REASON));
            s.executeUpdate();
        }
    }

    @Override
    public void record(AuditEvent event) {
        transactions.autoCommit(c -> {
            insert(c, event);
            return null;
        });
    }

    @Override
    public Page list(Query query, int pageSize, String pageToken) {
        long before = Long.MAX_VALUE;
        if (pageToken != null && !pageToken.isEmpty()) {
            try {
                before = Long.parseLong(pageToken);
            } catch (NumberFormatException e) {
                throw new StoreException.InvalidPageToken();
            }
        }
        StringBuilder sql = new StringBuilder("SELECT sequence, event_time, principal, action, target, decision, reason "
                + "FROM audit_events WHERE sequence < ?");
        List<Object> args = new ArrayList<>(List.of(before));
        if (query.principal() != null && !query.principal().isEmpty()) {
            sql.append(" AND principal = ?");
            args.add(query.principal());
        }
        if (query.action() != null && !query.action().isEmpty()) {
            sql.append(" AND action = ?");
            args.add(query.action());
        }
        if (query.decision() != null) {
            sql.append(" AND decision = ?");
            args.add(query.decision().name());
        }
        if (query.target() != null && !query.target().isEmpty()) {
            sql.append(" AND target = ?");
            args.add(query.target());
        }
        sql.append(" ORDER BY sequence DESC LIMIT ?");
        args.add(pageSize + 1);
        return transactions.autoCommit(c -> {
            try (PreparedStatement s = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    s.setObject(i + 1, args.get(i));
                }
                List<AuditEvent> events = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        events.add(new AuditEvent(rs.getLong(1), instant(rs.getObject(2, OffsetDateTime.class)), rs.getString(3),
                                rs.getString(4), rs.getString(5), AuditEvent.Decision.valueOf(rs.getString(6)), rs.getString(7)));
                    }
                }
                boolean more = events.size() > pageSize;
                List<AuditEvent> page = more ? events.subList(0, pageSize) : events;
                return new Page(List.copyOf(page), more ? Long.toString(page.get(page.size() - 1).sequence()) : "");
            }
        });
    }

    @Override
    public int deleteBefore(Instant cutoff) {
        return transactions.autoCommit(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM audit_events WHERE event_time < ?")) {
                s.setObject(1, JdbcExecutionStore.time(cutoff));
                return s.executeUpdate();
            }
        });
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    private static String cut(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max - 1) + "…";
    }
}
