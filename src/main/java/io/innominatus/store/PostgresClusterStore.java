package io.innominatus.store;

import io.innominatus.model.EventPayload;
import io.innominatus.model.Execution;
import io.innominatus.model.ExecutionEvent;
import io.innominatus.model.ExecutionState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * The execution store of a cluster of replicas on one PostgreSQL (see {@link ClusterStore}). Lease
 * times are the database's ({@code CURRENT_TIMESTAMP}), so replicas never compare their own clocks.
 * Changes are announced with {@code NOTIFY} in the transaction that makes them (PostgreSQL delivers a
 * notification only if that transaction commits) and received on a dedicated connection.
 */
public class PostgresClusterStore extends JdbcExecutionStore implements ClusterStore {

    /** The notification channel every replica listens on. */
    static final String CHANNEL = "innominatus_executions";
    /** The advisory lock that serialises admission decisions across replicas ("innomina" in ASCII). */
    private static final long ADMISSION_LOCK = 0x696e6e6f6d696e61L;
    private static final String LIVE_LEASE = "SELECT 1 FROM cluster_leases WHERE lease_id = ? AND expire_time > CURRENT_TIMESTAMP";

    /** Opens a connection outside the pool, for listening. */
    @FunctionalInterface
    public interface ConnectionFactory {
        Connection open() throws SQLException;
    }

    private final ConnectionFactory listenerConnections;

    /**
     * @param dataSource the pool every store operation uses
     * @param listenerConnections opens the one long-lived connection a subscription listens on
     */
    public PostgresClusterStore(DataSource dataSource, ConnectionFactory listenerConnections) {
        super(dataSource);
        this.listenerConnections = listenerConnections;
    }


    /** Other replicas write the same rows: memory learns of their writes only by notification. */
    @Override
    boolean exclusive() {
        return false;
    }

    @Override
    void changed(Connection c, Change change) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            s.setString(1, CHANNEL);
            s.setString(2, encode(change));
            s.execute();
        }
    }

    static String encode(Change change) {
        return change.executionId() + " " + change.version() + " " + change.lastSequence() + " " + change.state().name()
                + " " + change.writerLease();
    }

    /** The change a notification describes, or empty for a payload this store did not write. */
    static Optional<Change> decode(String payload) {
        String[] parts = payload.split(" ", -1);
        if (parts.length != 5) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Change(parts[0], Long.parseLong(parts[1]), Long.parseLong(parts[2]),
                    ExecutionState.valueOf(parts[3]), parts[4]));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    // ---- leases --------------------------------------------------------------------------------

    @Override
    public Lease acquire(String replicaId, String catalogDigest, Duration duration, boolean replaceEarlier) {
        String leaseId = UUID.randomUUID().toString();
        return inTransaction(c -> {
            if (replaceEarlier) {
                try (PreparedStatement s = c.prepareStatement("UPDATE cluster_leases SET expire_time = CURRENT_TIMESTAMP "
                        + "WHERE replica_id = ? AND expire_time > CURRENT_TIMESTAMP")) {
                    s.setString(1, replicaId);
                    s.executeUpdate();
                }
            }
            // Lease rows of replicas long gone that own nothing any more.
            try (PreparedStatement s = c.prepareStatement("DELETE FROM cluster_leases l WHERE l.expire_time < CURRENT_TIMESTAMP "
                    + "- INTERVAL '1 day' AND NOT EXISTS (SELECT 1 FROM executions e WHERE e.owner_lease = l.lease_id)")) {
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO cluster_leases (lease_id, replica_id, catalog_digest, "
                    + "acquire_time, renew_time, expire_time) VALUES (?, ?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, "
                    + "CURRENT_TIMESTAMP + ? * INTERVAL '1 millisecond') RETURNING expire_time")) {
                s.setString(1, leaseId);
                s.setString(2, replicaId);
                s.setString(3, digest(catalogDigest));
                s.setLong(4, duration.toMillis());
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return new Lease(leaseId, replicaId, instant(rs, 1));
                }
            }
        });
    }

    @Override
    public boolean renew(String leaseId, String catalogDigest, Duration duration) {
        return inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE cluster_leases SET renew_time = CURRENT_TIMESTAMP, "
                    + "expire_time = CURRENT_TIMESTAMP + ? * INTERVAL '1 millisecond', catalog_digest = ? "
                    + "WHERE lease_id = ? AND expire_time > CURRENT_TIMESTAMP")) {
                s.setLong(1, duration.toMillis());
                s.setString(2, digest(catalogDigest));
                s.setString(3, leaseId);
                return s.executeUpdate() == 1;
            }
        });
    }

    @Override
    public void release(String leaseId) {
        inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE cluster_leases SET expire_time = CURRENT_TIMESTAMP "
                    + "WHERE lease_id = ? AND expire_time > CURRENT_TIMESTAMP")) {
                s.setString(1, leaseId);
                return s.executeUpdate();
            }
        });
    }

    private static String digest(String catalogDigest) {
        return catalogDigest == null ? "" : catalogDigest.length() > 64 ? catalogDigest.substring(0, 64) : catalogDigest;
    }

    private static boolean live(Connection c, String leaseId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(LIVE_LEASE)) {
            s.setString(1, leaseId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    // ---- admission and take-over ---------------------------------------------------------------

    /** A queued execution that may be claimed. */
    private record Candidate(String id, String key, long lastSequence, long version) {}

    @Override
    public Admission claimQueued(String leaseId, int maxRunning, int batch, Clock clock) {
        return inTransaction(c -> {
            if (!live(c, leaseId)) {
                return new Admission(List.of(), -1);
            }
            try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                s.setLong(1, ADMISSION_LOCK);
                s.execute();
            }
            int slots = batch;
            if (maxRunning > 0) {
                slots = Math.min(batch, Math.max(0, maxRunning - count(c, ExecutionState.RUNNING)));
            }
            List<Candidate> chosen = new ArrayList<>();
            if (slots > 0) {
                // Oldest first; an execution whose application and environment already has one running waits
                // (and does not hold up the executions behind it). Rows another transaction is changing (a
                // cancellation, say) are skipped rather than waited for.
                try (PreparedStatement s = c.prepareStatement("SELECT e.id, e.application, e.environment, e.last_sequence, "
                        + "e.version FROM executions e WHERE e.state = 'QUEUED' AND NOT EXISTS (SELECT 1 FROM executions r "
                        + "WHERE r.state = 'RUNNING' AND r.application = e.application AND r.environment = e.environment) "
                        + "ORDER BY e.queue_order LIMIT ? FOR UPDATE OF e SKIP LOCKED")) {
                    s.setInt(1, slots * 4);
                    Set<String> keys = new HashSet<>();
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next() && chosen.size() < slots) {
                            String key = rs.getString(2) + "/" + rs.getString(3);
                            if (keys.add(key)) {
                                chosen.add(new Candidate(rs.getString(1), key, rs.getLong(4), rs.getLong(5)));
                            }
                        }
                    }
                }
            }
            Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
            Map<String, Long> versions = new HashMap<>();
            try (PreparedStatement s = c.prepareStatement("UPDATE executions SET state = 'RUNNING', owner_lease = ?, "
                    + "start_time = COALESCE(start_time, ?), last_sequence = ?, version = ? WHERE id = ?")) {
                for (Candidate candidate : chosen) {
                    s.setString(1, leaseId);
                    s.setObject(2, time(now));
                    s.setLong(3, candidate.lastSequence() + 1);
                    s.setLong(4, candidate.version() + 1);
                    s.setString(5, candidate.id());
                    s.addBatch();
                    versions.put(candidate.id(), candidate.version() + 1);
                }
                if (!chosen.isEmpty()) {
                    s.executeBatch();
                }
            }
            Map<String, ExecutionEvent> started = new HashMap<>();
            for (Candidate candidate : chosen) {
                EventPayload.StateChanged running = new EventPayload.StateChanged(ExecutionState.QUEUED, ExecutionState.RUNNING, "");
                appendEvents(c, candidate.id(), candidate.lastSequence(), List.of(running), now);
                started.put(candidate.id(), new ExecutionEvent(candidate.id(), candidate.lastSequence() + 1, now, running));
                changed(c, new Change(candidate.id(), candidate.version() + 1, candidate.lastSequence() + 1,
                        ExecutionState.RUNNING, leaseId));
            }
            int queued = count(c, ExecutionState.QUEUED);
            List<Owned> claimed = new ArrayList<>();
            for (Execution e : load(c, chosen.stream().map(Candidate::id).toList())) {
                claimed.add(new Owned(e, versions.get(e.id()), leaseId, null, List.of(started.get(e.id()))));
            }
            return new Admission(claimed, queued);
        });
    }

    private static int count(Connection c, ExecutionState state) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM executions WHERE state = ?")) {
            s.setString(1, state.name());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Override
    public List<Owned> takeOver(String leaseId, int batch) {
        return inTransaction(c -> {
            if (!live(c, leaseId)) {
                return List.of();
            }
            Map<String, Long> versions = new HashMap<>();
            Map<String, String> previous = new HashMap<>();
            List<String> ids = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT e.id, e.version, e.owner_lease FROM executions e "
                    + "WHERE e.state = 'RUNNING' AND (e.owner_lease IS NULL OR NOT EXISTS (SELECT 1 FROM cluster_leases l "
                    + "WHERE l.lease_id = e.owner_lease AND l.expire_time > CURRENT_TIMESTAMP)) "
                    + "ORDER BY e.queue_order LIMIT ? FOR UPDATE OF e SKIP LOCKED")) {
                s.setInt(1, batch);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                        versions.put(rs.getString(1), rs.getLong(2) + 1);
                        if (rs.getString(3) != null) {
                            previous.put(rs.getString(1), rs.getString(3));
                        }
                    }
                }
            }
            if (ids.isEmpty()) {
                return List.of();
            }
            Map<String, String> replicaOfLease = new HashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT lease_id, replica_id FROM cluster_leases WHERE lease_id = ?")) {
                for (String lease : new LinkedHashSet<>(previous.values())) {
                    s.setString(1, lease);
                    try (ResultSet rs = s.executeQuery()) {
                        if (rs.next()) {
                            replicaOfLease.put(rs.getString(1), rs.getString(2));
                        }
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE executions SET owner_lease = ?, version = version + 1 "
                    + "WHERE id = ?")) {
                for (String id : ids) {
                    s.setString(1, leaseId);
                    s.setString(2, id);
                    s.addBatch();
                }
                s.executeBatch();
            }
            List<Owned> taken = new ArrayList<>();
            for (Execution e : load(c, ids)) {
                changed(c, new Change(e.id(), versions.get(e.id()), e.lastSequence(), e.state(), leaseId));
                String from = previous.get(e.id());
                taken.add(new Owned(e, versions.get(e.id()), leaseId, from == null ? null : replicaOfLease.getOrDefault(from, from)));
            }
            return taken;
        });
    }

    @Override
    public Optional<Owned> findOwned(String executionId) {
        return read(c -> {
            long version;
            String owner;
            try (PreparedStatement s = c.prepareStatement("SELECT version, owner_lease FROM executions WHERE id = ?")) {
                s.setString(1, executionId);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    version = rs.getLong(1);
                    owner = rs.getString(2);
                }
            }
            // Read after the version: a change in between shows as a newer execution under an older
            // version, which its commit then refuses (the caller tries again).
            List<Execution> found = load(c, List.of(executionId));
            return found.isEmpty() ? Optional.empty() : Optional.of(new Owned(found.get(0), version, owner, null));
        });
    }

    @Override
    public Set<String> owned(String leaseId) {
        return read(c -> {
            Set<String> ids = new HashSet<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id FROM executions WHERE owner_lease = ? AND state = 'RUNNING'")) {
                s.setString(1, leaseId);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            return ids;
        });
    }

    @Override
    public List<Replica> replicas() {
        return read(c -> {
            List<Replica> replicas = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT replica_id, lease_id, catalog_digest, acquire_time, renew_time, "
                    + "expire_time, expire_time > CURRENT_TIMESTAMP FROM cluster_leases WHERE expire_time > CURRENT_TIMESTAMP "
                    + "- INTERVAL '1 hour' ORDER BY replica_id, acquire_time")) {
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        replicas.add(new Replica(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs, 4),
                                instant(rs, 5), instant(rs, 6), rs.getBoolean(7)));
                    }
                }
            }
            return replicas;
        });
    }

    @Override
    public Subscription listen(Consumer<Change> changes, Runnable reconnected) {
        return ChangeListener.start(listenerConnections, CHANNEL, changes, reconnected);
    }
}
