package io.innominatus.cli;

import io.innominatus.api.workflow.v1.Execution;
import io.innominatus.api.workflow.v1.ExecutionEvent;
import io.innominatus.api.workflow.v1.ExecutionState;
import io.innominatus.api.workflow.v1.Phase;
import io.innominatus.api.workflow.v1.PlannedPhase;
import io.innominatus.api.workflow.v1.PlannedStep;
import io.innominatus.api.workflow.v1.PlannedWorkflow;
import io.innominatus.api.workflow.v1.StepExecution;
import io.innominatus.api.workflow.v1.StepState;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The live view on a terminal: per phase a progress bar (steps finished / total) and, for the phases under
 * way, each step's state and duration, redrawn in place as events arrive and once a second; step log lines
 * scroll above it with --verbose.
 */
final class LiveWatchRenderer implements WatchRenderer {


    /** What the view knows about one step. */
    private static final class StepView {
        final String workflowId;
        final String name;
        final Phase phase;
        StepState state = StepState.STEP_STATE_PENDING;
        int attempt;
        Instant started;
        long durationMs = -1;
        int percent = -1;
        String message = "";

        StepView(String workflowId, String name, Phase phase) {
            this.workflowId = workflowId;
            this.name = name;
            this.phase = phase;
        }

        String label() {
            return workflowId + "/" + name;
        }
    }

    private final PrintWriter out;
    private final PrintWriter err;
    private final Style style;
    private final boolean logs;
    private final int columns;
    private final int maxLines;
    private final Supplier<Instant> clock;
    private final boolean tick;
    private final int barWidth;

    private final Map<Phase, List<StepView>> phases = new LinkedHashMap<>();
    private final Map<String, StepView> steps = new LinkedHashMap<>();
    private final Set<Phase> startedPhases = EnumSet.noneOf(Phase.class);
    private final Set<Phase> finishedPhases = EnumSet.noneOf(Phase.class);
    private ScheduledExecutorService ticker;
    private String executionId = "";
    private String title = "";
    private ExecutionState state = ExecutionState.EXECUTION_STATE_UNSPECIFIED;
    private Instant executionStarted;
    private Instant executionEnded;
    private boolean done;
    private int drawn;

    LiveWatchRenderer(PrintWriter out, PrintWriter err, Style style, boolean logs, int columns, int rows,
            Supplier<Instant> clock, boolean tick) {
        this.out = out;
        this.err = err;
        this.style = style;
        this.logs = logs;
        this.columns = columns;
        this.maxLines = Math.max(8, rows - 2);
        this.clock = clock;
        this.tick = tick;
        this.barWidth = Math.max(5, Math.min(20, columns - 40));
    }

    @Override
    public synchronized void started(Execution e) {
        executionId = e.getExecutionId();
        title = Text.kind(e.getKind()) + (e.getDryRun() ? " (dry run)" : "") + " " + e.getExecutionId() + "  " + e.getApplication()
                + " in " + e.getEnvironment();
        for (PlannedPhase phase : e.getPlan().getPhasesList()) {
            for (PlannedWorkflow workflow : phase.getWorkflowsList()) {
                for (PlannedStep step : workflow.getStepsList()) {
                    add(workflow.getWorkflowId(), step.getName(), phase.getPhase());
                }
            }
        }
        snapshot(e);
        draw(frame(false));
        if (tick) {
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "innominatus-ctl-ticker");
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
        }
    }

    @Override
    public synchronized void event(ExecutionEvent e) {
        Instant at = Text.set(e.getEventTime()) ? Text.instant(e.getEventTime()) : clock.get();
        switch (e.getPayloadCase()) {
            case STATE_CHANGED -> {
                state = e.getStateChanged().getTo();
                // A retry after the execution ended starts a new run: its duration starts again.
                if (state == ExecutionState.EXECUTION_STATE_RUNNING && (executionStarted == null || executionEnded != null)) {
                    executionStarted = at;
                    executionEnded = null;
                }
                if (Text.terminal(state)) {
                    executionEnded = at;
                }
            }
            case PHASE_STARTED -> startedPhases.add(e.getPhaseStarted().getPhase());
            case PHASE_FINISHED -> finishedPhases.add(e.getPhaseFinished().getPhase());
            case STEP_STARTED -> {
                StepView s = step(e.getStepStarted().getWorkflowId(), e.getStepStarted().getStep());
                s.state = StepState.STEP_STATE_RUNNING;
                s.attempt = e.getStepStarted().getAttempt();
                s.started = at;
                s.durationMs = -1;
                s.percent = -1;
                s.message = "";
                startedPhases.add(s.phase);
                finishedPhases.remove(s.phase);
            }
            case STEP_PROGRESS -> {
                StepView s = step(e.getStepProgress().getWorkflowId(), e.getStepProgress().getStep());
                s.percent = e.getStepProgress().getPercent();
                s.message = e.getStepProgress().getMessage();
            }
            case STEP_FINISHED -> {
                StepView s = step(e.getStepFinished().getWorkflowId(), e.getStepFinished().getStep());
                s.state = e.getStepFinished().getState();
                s.durationMs = Text.javaDuration(e.getStepFinished().getDuration()).toMillis();
                s.attempt = Math.max(s.attempt, e.getStepFinished().getAttempt());
            }
            case STEP_LOG -> {
                if (logs) {
                    above(out, Events.logLine(e));
                }
            }
            default -> { }
        }
        draw(frame(false));
    }

    @Override
    public synchronized void interrupted(String reason, long lastSequence, Duration delay) {
        above(err, "warning: event stream interrupted (" + reason + "); resuming after #" + lastSequence + " in "
                + Text.duration(delay));
        draw(frame(false));
    }

    @Override
    public synchronized void finished(Execution e) {
        done = true;
        if (ticker != null) {
            ticker.shutdownNow();
        }
        snapshot(e);
        draw(frame(true));
        drawn = 0;
        Events.summary(out, style, e);
    }

    private synchronized void tick() {
        if (!done) {
            draw(frame(false));
        }
    }

    private void snapshot(Execution e) {
        state = e.getState();
        if (Text.set(e.getStartTime())) {
            executionStarted = Text.instant(e.getStartTime());
        }
        if (Text.set(e.getEndTime())) {
            executionEnded = Text.instant(e.getEndTime());
        }
        for (StepExecution se : e.getStepsList()) {
            StepView s = step(se.getWorkflowId(), se.getStep());
            s.state = se.getState();
            s.attempt = se.getAttempt();
            if (Text.set(se.getStartTime())) {
                s.started = Text.instant(se.getStartTime());
            }
            if (Text.set(se.getStartTime()) && Text.set(se.getEndTime())) {
                s.durationMs = Duration.between(s.started, Text.instant(se.getEndTime())).toMillis();
            }
            if (s.state != StepState.STEP_STATE_PENDING) {
                startedPhases.add(s.phase);
            }
        }
        for (Map.Entry<Phase, List<StepView>> phase : phases.entrySet()) {
            if (phase.getValue().stream().allMatch(s -> Text.finished(s.state))) {
                finishedPhases.add(phase.getKey());
            }
        }
    }

    private StepView add(String workflowId, String name, Phase phase) {
        StepView view = new StepView(workflowId, name, phase);
        steps.put(workflowId + "\u0000" + name, view);
        phases.computeIfAbsent(phase, p -> new ArrayList<>()).add(view);
        return view;
    }

    private StepView step(String workflowId, String name) {
        StepView view = steps.get(workflowId + "\u0000" + name);
        return view != null ? view : add(workflowId, name, Phase.PHASE_UNSPECIFIED);
    }

    /** The lines of the view; {@code all} expands every phase (the final picture). */
    List<String> frame(boolean all) {
        List<String> lines = new ArrayList<>();
        Instant now = clock.get();
        String elapsed = executionStarted == null ? "" : "  " + Text.duration(Duration.between(executionStarted,
                executionEnded != null ? executionEnded : now));
        lines.add(style.bold(fit(title, title.length(), 26)) + "  " + style.state(Text.state(state)) + elapsed);
        List<String> stepLines = new ArrayList<>();
        List<Integer> stepLinePositions = new ArrayList<>();
        for (Map.Entry<Phase, List<StepView>> phase : phases.entrySet()) {
            List<StepView> list = phase.getValue();
            long finished = list.stream().filter(s -> Text.finished(s.state)).count();
            long failed = list.stream().filter(s -> s.state == StepState.STEP_STATE_FAILED).count();
            boolean stopped = failed > 0 || list.stream().anyMatch(s -> s.state == StepState.STEP_STATE_CANCELLED);
            String name = String.format("%-16s", phase.getKey() == Phase.PHASE_UNSPECIFIED ? "other" : Text.phase(phase.getKey()));
            lines.add(name + bar(finished, list.size(), stopped) + " " + finished + "/" + list.size()
                    + (failed > 0 ? "  " + style.red(failed + " failed") : ""));
            boolean expanded = all || startedPhases.contains(phase.getKey()) && !finishedPhases.contains(phase.getKey());
            for (StepView s : list) {
                if (expanded || s.state == StepState.STEP_STATE_FAILED) {
                    stepLinePositions.add(lines.size());
                    lines.add(stepLine(s, now));
                    stepLines.add(lines.get(lines.size() - 1));
                }
            }
        }
        if (state == ExecutionState.EXECUTION_STATE_AWAITING_APPROVAL) {
            lines.add(style.yellow("waiting for approval: innominatus-ctl approve " + executionId));
        }
        if (!all && lines.size() > maxLines) {
            lines = shorten(lines, stepLinePositions);
        }
        return lines;
    }

    /** Keeps the header, the phase bars and the running or failed steps when the view is taller than the screen. */
    private List<String> shorten(List<String> lines, List<Integer> stepLinePositions) {
        List<String> kept = new ArrayList<>();
        int hidden = 0;
        Set<Integer> stepPositions = new java.util.HashSet<>(stepLinePositions);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            boolean interesting = !stepPositions.contains(i) || line.contains(symbol(StepState.STEP_STATE_RUNNING))
                    || line.contains(symbol(StepState.STEP_STATE_FAILED));
            if (interesting && kept.size() < maxLines - 1) {
                kept.add(line);
            } else {
                hidden++;
            }
        }
        if (hidden > 0) {
            kept.add(style.dim("… " + hidden + " more steps"));
        }
        return kept;
    }

    private String stepLine(StepView s, Instant now) {
        String info;
        switch (s.state) {
            case STEP_STATE_RUNNING -> info = (s.started == null ? "" : Text.duration(Duration.between(s.started, now)))
                    + (s.attempt > 1 ? "  attempt " + s.attempt : "")
                    + (s.percent >= 0 ? "  " + s.percent + "%" : "") + (s.message.isEmpty() ? "" : "  " + s.message);
            case STEP_STATE_PENDING -> info = "";
            case STEP_STATE_SKIPPED -> info = "skipped";
            default -> info = Text.state(s.state).toLowerCase()
                    + (s.durationMs >= 0 && s.attempt > 0 ? " " + Text.duration(Duration.ofMillis(s.durationMs)) : "")
                    + (s.attempt > 1 ? "  attempt " + s.attempt : "");
        }
        String text = s.label() + (info.isEmpty() ? "" : "  " + info);
        String sym = symbol(s.state);
        return "  " + colour(s.state, sym) + " " + fit(text, text.length(), 5);
    }

    private String symbol(StepState state) {
        boolean u = style.unicode();
        return switch (state) {
            case STEP_STATE_RUNNING -> u ? "▶" : ">";
            case STEP_STATE_SUCCEEDED -> u ? "✓" : "+";
            case STEP_STATE_FAILED -> u ? "✗" : "x";
            case STEP_STATE_SKIPPED -> u ? "↷" : "-";
            case STEP_STATE_CANCELLED -> u ? "⊘" : "/";
            default -> u ? "·" : ".";
        };
    }

    private String colour(StepState state, String text) {
        return switch (state) {
            case STEP_STATE_RUNNING -> style.yellow(text);
            case STEP_STATE_SUCCEEDED -> style.green(text);
            case STEP_STATE_FAILED, STEP_STATE_CANCELLED -> style.red(text);
            default -> style.dim(text);
        };
    }

    private String bar(long finished, int total, boolean failed) {
        int filled = total == 0 ? barWidth : (int) Math.round(finished * (double) barWidth / total);
        String full = (style.unicode() ? "█" : "#").repeat(filled);
        String empty = (style.unicode() ? "░" : "-").repeat(barWidth - filled);
        return "[" + (failed ? style.red(full) : style.green(full)) + style.dim(empty) + "]";
    }

    /** Cuts plain text so that a line never wraps (a wrapped line would break redrawing in place). */
    private String fit(String text, int visible, int reserved) {
        int room = columns - 1 - reserved;
        if (visible <= room || !text.equals(stripAnsi(text))) {
            return text;
        }
        return text.substring(0, Math.max(0, room - 1)) + "…";
    }

    private static String stripAnsi(String s) {
        return s.replaceAll("\u001b\\[[0-9;]*m", "");
    }

    /** Prints a line above the view (a log line or a warning) and leaves the view to be drawn again below it. */
    private void above(PrintWriter stream, String line) {
        clear();
        stream.println(line);
        stream.flush();
    }

    private void clear() {
        if (drawn > 0) {
            out.print("\u001b[" + drawn + "F\u001b[J");
            out.flush();
            drawn = 0;
        }
    }

    private void draw(List<String> lines) {
        StringBuilder sb = new StringBuilder();
        if (drawn > 0) {
            sb.append("\u001b[").append(drawn).append('F');
        }
        for (String line : lines) {
            sb.append("\u001b[2K").append(line).append('\n');
        }
        sb.append("\u001b[J");
        out.print(sb);
        out.flush();
        drawn = lines.size();
    }
}
