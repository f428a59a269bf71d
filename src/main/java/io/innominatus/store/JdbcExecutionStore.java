package io.innominatus.store;

import io.innominatus.model.DeploymentPlan;
import io.innominatus.model.EventPayload;
import io.innominatus.model.Execution;
import io.innominatus.model.ExecutionEvent;
import io.innominatus.model.ExecutionState;
import io.innominatus.model.Phase;
import io.innominatus.model.StepErrorKind;
import io.innominatus.model.StepRun;
import io.innominatus.model.StepState;
import io.innominatus.model.WorkflowRun;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The JDBC execution store, for the embedded H2 file database and for PostgreSQL (one schema, managed
 * by Flyway, written in SQL both understand).
 */
public class JdbcExecutionStore implements ExecutionStore {

    private static final String UNIQUE_VIOLATION = "23505";
    private static final String HEADER_COLUMNS = "id, kind, state, plan_json, plan_digest, score_yaml, requested_by, "
            + "approved_by, decision_comment, request_id, dry_run, error, last_sequence, create_time, start_time, end_time, "
            + "requested_by_subject";

    /** Fenced commits keep the owner while the execution runs and clear it when it stops running. */
    private static final String FENCED_OWNER = ", owner_lease = CASE WHEN ? THEN owner_lease ELSE NULL END";
    private static final String FENCED_VERSION = " AND version = ?";
    /** The owner commits only while its lease is live and still names it: an expired replica is fenced off. */
    private static final String FENCED_LEASE = " AND version = ? AND owner_lease = ? AND EXISTS (SELECT 1 FROM cluster_leases l "
            + "WHERE l.lease_id = ? AND l.expire_time > CURRENT_TIMESTAMP)";

    private final JdbcTransactions transactions;
    /** Parsed plans by execution id; plans never change after creation. */
    private final Map<String, DeploymentPlan> plans = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, DeploymentPlan> eldest) {
            return size() > 2048;
        }
    });

    /**
     * Executions as last loaded by {@link #find}, with the row version they were loaded at. Every commit
     * bumps the version, so a read that finds the same version (one primary-key lookup, whoever wrote
     * since, in this process or another) returns the cached execution instead of loading it again.
     * {@link #findInMemory} skips even that lookup, and so knows only of this process's writes: it answers
     * only for an {@link #exclusive} store.
     */
    private final Map<String, Versioned> recent = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Versioned> eldest) {
            return size() > 1024;
        }
    });

    /**
     * A cached execution, with the row version it was loaded at. {@code current}: loaded with no write of it in
     * between, by a store only this process writes, so that memory alone can answer for it until the next write.
     */
    private record Versioned(long version, Execution execution, boolean current) {}

    /**
     * Per stripe of execution ids, under the lock of {@link #recent}: writes under way, and writes finished. A load
     * is trusted as current only if no write of its stripe was under way when it was cached and none finished since
     * it began; a write removes the cached execution both when it starts and when it ends, so from the moment its
     * commit can be seen (by another read of the store) until it returns, memory answers for nothing in its stripe.
     */
    private final int[] writesUnderWay = new int[256];
    private final long[] writesFinished = new long[256];

    public JdbcExecutionStore(DataSource dataSource) {
        this.transactions = new JdbcTransactions(dataSource, "execution store");
    }

    <T> T inTransaction(JdbcTransactions.Work<T> work) {
        return transactions.inTransaction(work);
    }

    <T> T read(JdbcTransactions.Work<T> work) {
        return transactions.autoCommit(work);
    }

    /**
     * Whether this process alone writes the store (the embedded database, or PostgreSQL with replica coordination
     * off); a store shared by replicas learns of their writes only by notification, so its memory is never current.
     */
    boolean exclusive() {
        return true;
    }

    @Override
    public Optional<Execution> findInMemory(String executionId) {
        if (!exclusive()) {
            return Optional.empty();
        }
        Versioned cached = recent.get(executionId);
        return cached != null && cached.current() ? Optional.of(cached.execution()) : Optional.empty();
    }

    private static int stripe(String executionId) {
        return executionId.hashCode() & 255;
    }

    /** Before every write of an execution. */
    private void writing(String executionId) {
        synchronized (recent) {
            writesUnderWay[stripe(executionId)]++;
            recent.remove(executionId);
        }
    }

    /** After every write of an execution, committed or not. */
    private void written(String executionId) {
        synchronized (recent) {
            writesUnderWay[stripe(executionId)]--;
            writesFinished[stripe(executionId)]++;
            recent.remove(executionId);
        }
    }

    private long writesFinished(String executionId) {
        synchronized (recent) {
            return writesFinished[stripe(executionId)];
        }
    }

    @Override
    public Created create(NewExecution request) {
        Execution e = request.execution();
        writing(e.id());
        try {
            return createOnce(request, e);
        } finally {
            written(e.id());
        }
    }

    private Created createOnce(NewExecution request, Execution e) {
        try {
            return inTransaction(c -> {
                Optional<Created> existing = existingRequest(c, e.requestId(), request.requestHash());
                if (existing.isPresent()) {
                    return existing.get();
                }
                insert(c, e, request);
                if (request.audit() != null) {
                    JdbcAuditStore.insert(c, request.audit());
                }
                return new Created(e, true);
            });
        } catch (StoreException.Unavailable failure) {
            // Two requests with the same id raced; the loser sees the winner's row.
            if (failure.getCause() instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())
                    && !e.requestId().isEmpty()) {
                return read(c -> existingRequest(c, e.requestId(), request.requestHash())).orElseThrow(() -> failure);
            }
            throw failure;
        }
    }

    private Optional<Created> existingRequest(Connection c, String requestId, String hash) throws SQLException {
        if (requestId.isEmpty()) {
            return Optional.empty();
        }
        try (PreparedStatement s = c.prepareStatement("SELECT id, request_hash FROM executions WHERE request_id = ?")) {
            s.setString(1, requestId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String id = rs.getString(1);
                if (!hash.equals(rs.getString(2))) {
                    throw new StoreException.RequestConflict(requestId, id);
                }
                return Optional.of(new Created(load(c, List.of(id)).get(0), false));
            }
        }
    }

    private void insert(Connection c, Execution e, NewExecution request) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO executions (id, kind, application, product, environment, "
                + "state, plan_json, plan_digest, catalog_digest, score_yaml, requested_by, approved_by, decision_comment, "
                + "request_id, request_hash, dry_run, error, last_sequence, version, queue_order, create_time, start_time, "
                + "end_time, requested_by_subject) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, "
                + "nextval('execution_queue_order'), ?, ?, ?, ?)")) {
            int i = 0;
            s.setString(++i, e.id());
            s.setString(++i, e.kind().name());
            s.setString(++i, e.application());
            s.setString(++i, e.plan().product());
            s.setString(++i, e.environment());
            s.setString(++i, e.state().name());
            s.setString(++i, JsonCodec.write(e.plan()));
            s.setString(++i, e.plan().planDigest());
            s.setString(++i, e.plan().catalogDigest() == null ? "" : e.plan().catalogDigest());
            s.setString(++i, e.scoreYaml());
            s.setString(++i, e.requestedBy());
            s.setString(++i, e.approvedBy());
            s.setString(++i, e.decisionComment());
            s.setString(++i, e.requestId().isEmpty() ? null : e.requestId());
            s.setString(++i, e.requestId().isEmpty() ? null : request.requestHash());
            s.setBoolean(++i, e.dryRun());
            s.setString(++i, e.error());
            s.setLong(++i, request.events().size());
            s.setObject(++i, time(e.createTime()));
            s.setObject(++i, time(e.startTime()));
            s.setObject(++i, time(e.endTime()));
            s.setString(++i, e.requestedBySubject());
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO workflow_runs (execution_id, workflow_id, position, phase, "
                + "state) VALUES (?, ?, ?, ?, ?)")) {
            for (int i = 0; i < e.workflows().size(); i++) {
                WorkflowRun w = e.workflows().get(i);
                s.setString(1, e.id());
                s.setString(2, w.workflowId());
                s.setInt(3, i);
                s.setString(4, w.phase().name());
                s.setString(5, w.state().name());
                s.addBatch();
            }
            s.executeBatch();
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO step_runs (execution_id, workflow_id, step, position, type, "
                + "phase, state, attempt, error, outputs_json, start_time, end_time, error_kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                + "?)")) {
            for (int i = 0; i < e.steps().size(); i++) {
                StepRun step = e.steps().get(i);
                s.setString(1, e.id());
                s.setString(2, step.workflowId());
                s.setString(3, step.step());
                s.setInt(4, i);
                s.setString(5, step.type());
                s.setString(6, step.phase().name());
                s.setString(7, step.state().name());
                s.setInt(8, step.attempt());
                s.setString(9, step.error());
                s.setString(10, JsonCodec.write(step.outputs()));
                s.setObject(11, time(step.startTime()));
                s.setObject(12, time(step.endTime()));
                s.setString(13, kind(step));
                s.addBatch();
            }
            s.executeBatch();
        }
        appendEvents(c, e.id(), 0, request.events(), e.createTime());
        plans.put(e.id(), e.plan());
        changed(c, new ClusterStore.Change(e.id(), 0, request.events().size(), e.state(), ""));
    }

    void appendEvents(Connection c, String executionId, long after, List<EventPayload> events, Instant time)
            throws SQLException {
        if (!events.isEmpty()) {
            execute(c, eventsInserts(executionId, after, events, time));
        }
    }

    @Override
    public long commit(Transition t) {
        writing(t.executionId());
        try {
            return commitOnce(t);
        } finally {
            written(t.executionId());
        }
    }

    private long commitOnce(Transition t) {
        long next = t.expectedSequence() + t.events().size();
        return inTransaction(c -> {
            Execution h = t.header();
            List<Statement> writes = new ArrayList<>();
            writes.add(headerUpdate(t, next));
            for (StepRun step : t.steps()) {
                writes.add(stepUpdate(t.executionId(), step));
            }
            for (WorkflowRun w : t.workflows()) {
                writes.add(new Statement("UPDATE workflow_runs SET state = ? WHERE execution_id = ? AND workflow_id = ?",
                        (s, i) -> {
                            s.setString(i++, w.state().name());
                            s.setString(i++, t.executionId());
                            s.setString(i++, w.workflowId());
                            return i;
                        }));
            }
            writes.addAll(eventsInserts(t.executionId(), t.expectedSequence(), t.events(), t.time()));
            int headerRows;
            try {
                headerRows = execute(c, writes);
            } catch (SQLException e) {
                if (!sequenceTaken(e)) {
                    throw e;
                }
                headerRows = 0;
            }
            if (headerRows != 1) {
                throw new StoreException.ConcurrentTransition(t.executionId(), t.expectedSequence());
            }
            if (t.audit() != null) {
                JdbcAuditStore.insert(c, t.audit());
            }
            if (h.state() == ExecutionState.SUCCEEDED && h.kind() == DeploymentPlan.Kind.DEPLOYMENT && !h.dryRun()) {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO deployment_history (application, environment, "
                        + "execution_id, succeeded_at) VALUES (?, ?, ?, ?)")) {
                    s.setString(1, h.application());
                    s.setString(2, h.environment());
                    s.setString(3, h.id());
                    s.setObject(4, time(t.time()));
                    s.executeUpdate();
                }
            }
            if (h.state() == ExecutionState.SUCCEEDED && h.kind() == DeploymentPlan.Kind.UNDEPLOYMENT && !h.dryRun()) {
                // Removed: the next deployment is a first deployment again.
                try (PreparedStatement s = c.prepareStatement("DELETE FROM deployment_history WHERE application = ? "
                        + "AND environment = ?")) {
                    s.setString(1, h.application());
                    s.setString(2, h.environment());
                    s.executeUpdate();
                }
            }
            if (t.fence() != null) {
                changed(c, new ClusterStore.Change(t.executionId(), t.fence().expectedVersion() + 1, next, h.state(),
                        t.fence().lease() == null ? "" : t.fence().lease()));
            }
            return next;
        });
    }

    /**
     * One statement of a write: its SQL and how it binds its parameters from position {@code from} on
     * (returning the position after its last).
     */
    private record Statement(String sql, Binder binder) {}

    @FunctionalInterface
    private interface Binder {
        int bind(PreparedStatement statement, int from) throws SQLException;
    }

    /** Whether the database takes several statements in one prepared statement (sent in one round trip). */
    private volatile Boolean compound;

    /**
     * Executes {@code writes} in order and returns the row count of the first. On PostgreSQL they go to the
     * server as one compound statement, one network round trip instead of one per statement; elsewhere the
     * first alone, then the rest batched, nothing after a first statement that changed no row (the caller
     * rolls back either way).
     */
    private int execute(Connection c, List<Statement> writes) throws SQLException {
        if (compound == null) {
            compound = "PostgreSQL".equals(c.getMetaData().getDatabaseProductName());
        }
        if (compound && writes.size() > 1) {
            StringBuilder sql = new StringBuilder();
            for (Statement write : writes) {
                sql.append(sql.length() == 0 ? "" : ";\n").append(write.sql());
            }
            try (PreparedStatement s = c.prepareStatement(sql.toString())) {
                int i = 1;
                for (Statement write : writes) {
                    i = write.binder().bind(s, i);
                }
                s.execute();
                return s.getUpdateCount();
            }
        }
        int first;
        try (PreparedStatement s = c.prepareStatement(writes.get(0).sql())) {
            writes.get(0).binder().bind(s, 1);
            first = s.executeUpdate();
        }
        // The rest in batches of consecutive statements with the same SQL (the step rows, say).
        for (int from = 1; first != 0 && from < writes.size(); ) {
            String sql = writes.get(from).sql();
            try (PreparedStatement s = c.prepareStatement(sql)) {
                for (; from < writes.size() && writes.get(from).sql().equals(sql); from++) {
                    writes.get(from).binder().bind(s, 1);
                    s.addBatch();
                }
                s.executeBatch();
            }
        }
        return first;
    }

    /**
     * Whether a write failed because another writer appended events with the same sequence numbers first:
     * sent as one compound statement, the events are inserted even when the fenced header update that
     * precedes them changed no row, and that writer's transition is what the failure reports.
     */
    private static boolean sequenceTaken(SQLException e) {
        return UNIQUE_VIOLATION.equals(e.getSQLState()) && e instanceof org.postgresql.util.PSQLException failure
                && failure.getServerErrorMessage() != null
                && "execution_events_pkey".equals(failure.getServerErrorMessage().getConstraint());
    }

    /** The execution row's new state, fenced by the sequence it expects (and, with replicas, its version and lease). */
    private static Statement headerUpdate(Transition t, long next) {
        Execution h = t.header();
        String sql = "UPDATE executions SET state = ?, approved_by = ?, decision_comment = ?, error = ?, start_time = ?, "
                + "end_time = ?, last_sequence = ?, version = version + 1" + (t.fence() == null ? "" : FENCED_OWNER)
                + " WHERE id = ? AND last_sequence = ?"
                + (t.fence() == null ? "" : t.fence().lease() == null ? FENCED_VERSION : FENCED_LEASE);
        return new Statement(sql, (s, i) -> {
            s.setString(i++, h.state().name());
            s.setString(i++, h.approvedBy());
            s.setString(i++, h.decisionComment());
            s.setString(i++, h.error());
            s.setObject(i++, time(h.startTime()));
            s.setObject(i++, time(h.endTime()));
            s.setLong(i++, next);
            if (t.fence() != null) {
                s.setBoolean(i++, h.state() == ExecutionState.RUNNING);
            }
            s.setString(i++, t.executionId());
            s.setLong(i++, t.expectedSequence());
            if (t.fence() != null) {
                s.setLong(i++, t.fence().expectedVersion());
                if (t.fence().lease() != null) {
                    s.setString(i++, t.fence().lease());
                    s.setString(i++, t.fence().lease());
                }
            }
            return i;
        });
    }

    private static Statement stepUpdate(String executionId, StepRun step) {
        return new Statement("UPDATE step_runs SET state = ?, attempt = ?, error = ?, outputs_json = ?, start_time = ?, "
                + "end_time = ?, error_kind = ? WHERE execution_id = ? AND workflow_id = ? AND step = ?", (s, i) -> {
                    s.setString(i++, step.state().name());
                    s.setInt(i++, step.attempt());
                    s.setString(i++, step.error());
                    s.setString(i++, JsonCodec.write(step.outputs()));
                    s.setObject(i++, time(step.startTime()));
                    s.setObject(i++, time(step.endTime()));
                    s.setString(i++, kind(step));
                    s.setString(i++, executionId);
                    s.setString(i++, step.workflowId());
                    s.setString(i++, step.step());
                    return i;
                });
    }

    /** Events per INSERT: far below PostgreSQL's limit of 65,535 parameters per statement. */
    private static final int EVENTS_PER_INSERT = 1000;

    /** The events after {@code after}, numbered on from there, as multi-row INSERTs. */
    private static List<Statement> eventsInserts(String executionId, long after, List<EventPayload> events, Instant time) {
        List<Statement> inserts = new ArrayList<>();
        for (int from = 0; from < events.size(); from += EVENTS_PER_INSERT) {
            inserts.add(eventsInsert(executionId, after + from, events.subList(from, Math.min(events.size(),
                    from + EVENTS_PER_INSERT)), time));
        }
        return inserts;
    }

    private static Statement eventsInsert(String executionId, long after, List<EventPayload> events, Instant time) {
        StringBuilder sql = new StringBuilder("INSERT INTO execution_events (execution_id, sequence, event_time, kind, step, "
                + "payload_json) VALUES ");
        for (int n = 0; n < events.size(); n++) {
            sql.append(n == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?)");
        }
        return new Statement(sql.toString(), (s, i) -> {
            long sequence = after;
            for (EventPayload event : events) {
                s.setString(i++, executionId);
                s.setLong(i++, ++sequence);
                s.setObject(i++, time(time));
                s.setString(i++, JsonCodec.kind(event));
                s.setString(i++, JsonCodec.step(event));
                s.setString(i++, JsonCodec.write(event));
            }
            return i;
        });
    }

    /**
     * Called inside the transaction of every fenced commit and of every new execution, after the write;
     * a store shared by several replicas tells the others here.
     */
    void changed(Connection c, ClusterStore.Change change) throws SQLException {
        // One process alone: nobody to tell.
    }

    @Override
    public Optional<Execution> find(String executionId) {
        long finished = writesFinished(executionId);
        return read(c -> {
            Versioned cached = recent.get(executionId);
            long version;
            try (PreparedStatement s = c.prepareStatement("SELECT version FROM executions WHERE id = ?")) {
                s.setString(1, executionId);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        recent.remove(executionId);
                        return Optional.empty();
                    }
                    version = rs.getLong(1);
                }
            }
            if (cached != null && cached.version() == version) {
                return Optional.of(cached.execution());
            }
            // Loaded after the version was read, so at least as new; if a commit came in between, the stored version
            // has moved past the cached one and the next read loads again.
            List<Execution> found = load(c, List.of(executionId));
            if (found.isEmpty()) {
                return Optional.empty();
            }
            synchronized (recent) {
                int stripe = stripe(executionId);
                recent.put(executionId, new Versioned(version, found.get(0),
                        exclusive() && writesUnderWay[stripe] == 0 && writesFinished[stripe] == finished));
            }
            return Optional.of(found.get(0));
        });
    }

    @Override
    public Page list(Query query, int pageSize, String pageToken) {
        Cursor cursor = Cursor.decode(pageToken);
        return read(c -> {
            StringBuilder sql = new StringBuilder("SELECT id FROM executions WHERE 1 = 1");
            List<Object> args = new ArrayList<>();
            if (query.application() != null && !query.application().isEmpty()) {
                sql.append(" AND application = ?");
                args.add(query.application());
            }
            if (query.environment() != null && !query.environment().isEmpty()) {
                sql.append(" AND environment = ?");
                args.add(query.environment());
            }
            if (query.state() != null) {
                sql.append(" AND state = ?");
                args.add(query.state().name());
            }
            if (query.products() != null) {
                if (query.products().isEmpty()) {
                    return new Page(List.of(), "");
                }
                sql.append(" AND product IN (").append(String.join(", ", java.util.Collections.nCopies(
                        query.products().size(), "?"))).append(")");
                args.addAll(new java.util.TreeSet<>(query.products()));
            }
            if (cursor != null) {
                sql.append(" AND (create_time < ? OR (create_time = ? AND id < ?))");
                args.add(time(cursor.time()));
                args.add(time(cursor.time()));
                args.add(cursor.id());
            }
            sql.append(" ORDER BY create_time DESC, id DESC LIMIT ?");
            args.add(pageSize + 1);
            List<String> ids = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    s.setObject(i + 1, args.get(i));
                }
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            boolean more = ids.size() > pageSize;
            List<Execution> executions = load(c, more ? ids.subList(0, pageSize) : ids);
            String next = more ? new Cursor(executions.get(executions.size() - 1).createTime(),
                    executions.get(executions.size() - 1).id()).encode() : "";
            return new Page(executions, next);
        });
    }

    @Override
    public List<ExecutionEvent> events(String executionId, long afterSequence, int limit, String step) {
        return read(c -> {
            String sql = "SELECT sequence, event_time, kind, payload_json FROM execution_events WHERE execution_id = ? "
                    + "AND sequence > ?" + (step == null || step.isEmpty() ? "" : " AND step = ?") + " ORDER BY sequence LIMIT ?";
            try (PreparedStatement s = c.prepareStatement(sql)) {
                int i = 0;
                s.setString(++i, executionId);
                s.setLong(++i, afterSequence);
                if (step != null && !step.isEmpty()) {
                    s.setString(++i, step);
                }
                s.setInt(++i, limit);
                List<ExecutionEvent> events = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        events.add(new ExecutionEvent(executionId, rs.getLong(1), instant(rs, 2),
                                JsonCodec.event(rs.getString(3), rs.getString(4))));
                    }
                }
                return events;
            }
        });
    }

    @Override
    public List<Execution> unfinished() {
        return read(c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id FROM executions WHERE state IN ('QUEUED', "
                    + "'AWAITING_APPROVAL', 'RUNNING') ORDER BY queue_order")) {
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            return load(c, ids);
        });
    }

    @Override
    public boolean hasSucceeded(String application, String environment) {
        return read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM deployment_history WHERE application = ? "
                    + "AND environment = ? LIMIT 1")) {
                s.setString(1, application);
                s.setString(2, environment);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    private static String kind(StepRun step) {
        return step.errorKind() == null ? null : step.errorKind().name();
    }

    /** Loads executions with their steps and workflows, keeping the order of {@code ids}. */
    List<Execution> load(Connection c, List<String> ids) throws SQLException {
        if (ids.isEmpty()) {
            return List.of();
        }
        String in = String.join(", ", Collections.nCopies(ids.size(), "?"));
        Map<String, List<StepRun>> steps = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT execution_id, workflow_id, step, type, phase, state, attempt, error, "
                + "outputs_json, start_time, end_time, error_kind FROM step_runs WHERE execution_id IN (" + in + ") ORDER BY position")) {
            bind(s, ids);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    steps.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new StepRun(rs.getString(2),
                            rs.getString(3), rs.getString(4), Phase.valueOf(rs.getString(5)), StepState.valueOf(rs.getString(6)),
                            rs.getInt(7), rs.getString(8), JsonCodec.outputs(rs.getString(9)), instant(rs, 10), instant(rs, 11),
                            rs.getString(12) == null ? null : StepErrorKind.valueOf(rs.getString(12))));
                }
            }
        }
        Map<String, List<WorkflowRun>> workflows = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT execution_id, workflow_id, phase, state FROM workflow_runs "
                + "WHERE execution_id IN (" + in + ") ORDER BY position")) {
            bind(s, ids);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    workflows.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new WorkflowRun(rs.getString(2),
                            Phase.valueOf(rs.getString(3)), StepState.valueOf(rs.getString(4))));
                }
            }
        }
        Map<String, Execution> byId = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT " + HEADER_COLUMNS + " FROM executions WHERE id IN (" + in + ")")) {
            bind(s, ids);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString("id");
                    DeploymentPlan plan = plans.get(id);
                    if (plan == null) {
                        plan = JsonCodec.plan(rs.getString("plan_json"));
                        plans.put(id, plan);
                    }
                    byId.put(id, new Execution(id, DeploymentPlan.Kind.valueOf(rs.getString("kind")),
                            ExecutionState.valueOf(rs.getString("state")), plan, rs.getString("score_yaml"),
                            steps.getOrDefault(id, List.of()), workflows.getOrDefault(id, List.of()),
                            rs.getString("requested_by"), rs.getString("approved_by"), rs.getString("decision_comment"),
                            rs.getString("request_id"), rs.getBoolean("dry_run"), rs.getString("error"),
                            rs.getLong("last_sequence"), instant(rs, "create_time"), instant(rs, "start_time"),
                            instant(rs, "end_time"), rs.getString("requested_by_subject")));
                }
            }
        }
        List<Execution> ordered = new ArrayList<>();
        ids.forEach(id -> {
            if (byId.containsKey(id)) {
                ordered.add(byId.get(id));
            }
        });
        return ordered;
    }

    private static void bind(PreparedStatement s, List<String> values) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            s.setString(i + 1, values.get(i));
        }
    }

    /** Times are stored with microsecond precision, which both databases keep exactly. */
    static OffsetDateTime time(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** Keyset position of a page: the last execution's create time and id. */
    private record Cursor(Instant time, String id) {
        String encode() {
            String raw = time.getEpochSecond() + ":" + time.getNano() + ":" + id;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String token) {
            if (token == null || token.isEmpty()) {
                return null;
            }
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":", 3);
                return new Cursor(Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])), parts[2]);
            } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
                throw new StoreException.InvalidPageToken();
            }
        }
    }
}
