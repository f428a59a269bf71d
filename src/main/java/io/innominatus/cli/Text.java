package io.innominatus.cli;

import com.google.protobuf.Timestamp;
import io.innominatus.api.workflow.v1.ExecutionState;
import io.innominatus.api.workflow.v1.Phase;
import io.innominatus.api.workflow.v1.Severity;
import io.innominatus.api.workflow.v1.StepState;
import io.innominatus.api.workflow.v1.Tier;
import io.innominatus.api.workflow.v1.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How API values read in tables and messages. */
final class Text {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private Text() {}

    static String phase(Phase phase) {
        return switch (phase) {
            case PHASE_PRE_DEPLOYMENT -> "pre-deployment";
            case PHASE_DEPLOYMENT -> "deployment";
            case PHASE_POST_DEPLOYMENT -> "post-deployment";
            default -> "-";
        };
    }

    static String tier(Tier tier) {
        return tier == Tier.TIER_UNSPECIFIED || tier == Tier.UNRECOGNIZED ? "-"
                : tier.name().substring("TIER_".length()).toLowerCase(Locale.ROOT);
    }

    static String trigger(Trigger trigger) {
        return trigger == Trigger.UNRECOGNIZED ? "?" : trigger.name().substring("TRIGGER_".length()).toLowerCase(Locale.ROOT);
    }

    static String kind(io.innominatus.api.workflow.v1.ExecutionKind kind) {
        return switch (kind) {
            case EXECUTION_KIND_DEPLOYMENT -> "deployment";
            case EXECUTION_KIND_WORKFLOW -> "workflow";
            case EXECUTION_KIND_UNDEPLOYMENT -> "undeployment";
            default -> "execution";
        };
    }

    /** Vault access as admin-config spells it. */
    static String vaultAccess(io.innominatus.api.policy.v1.VaultAccess access) {
        return switch (access) {
            case VAULT_ACCESS_READ_ONLY -> "read-only";
            case VAULT_ACCESS_READ_WRITE -> "read-write";
            default -> "-";
        };
    }

    /** Kubernetes access as admin-config spells it. */
    static String kubernetesAccess(io.innominatus.api.policy.v1.KubernetesAccess access) {
        return switch (access) {
            case KUBERNETES_ACCESS_NAMESPACE_SCOPED -> "namespace-scoped";
            case KUBERNETES_ACCESS_CLUSTER -> "cluster";
            default -> "-";
        };
    }

    /** Where a step type comes from, as the tables say it. */
    static String source(io.innominatus.api.policy.v1.StepTypeSource source) {
        return switch (source) {
            case STEP_TYPE_SOURCE_BUILT_IN -> "built-in";
            case STEP_TYPE_SOURCE_ADMIN_CONFIG -> "admin-config";
            default -> "-";
        };
    }

    /** A policy source's kind as the document's {@code kind} spells it. */
    static String kind(io.innominatus.api.policy.v1.PolicySourceKind kind) {
        return switch (kind) {
            case POLICY_SOURCE_KIND_ADMIN_CONFIG -> "AdminConfig";
            case POLICY_SOURCE_KIND_WORKFLOW_POLICIES -> "WorkflowPolicies";
            default -> "-";
        };
    }

    /** A protobuf duration as a {@link Duration}. */
    static Duration javaDuration(com.google.protobuf.Duration d) {
        return Duration.ofSeconds(d.getSeconds(), d.getNanos());
    }

    /** A step's {@code when} as the workflow YAML spells it. */
    static String when(io.innominatus.api.workflow.v1.StepWhen when) {
        return switch (when) {
            case STEP_WHEN_ON_FAILURE -> "on_failure";
            case STEP_WHEN_ALWAYS -> "always";
            default -> "on_success";
        };
    }

    static String state(ExecutionState state) {
        return state == ExecutionState.UNRECOGNIZED ? "UNKNOWN" : state.name().substring("EXECUTION_STATE_".length());
    }

    static String state(StepState state) {
        return state == StepState.UNRECOGNIZED ? "UNKNOWN" : state.name().substring("STEP_STATE_".length());
    }

    static String severity(Severity severity) {
        return severity == Severity.UNRECOGNIZED ? "UNKNOWN" : severity.name().substring("SEVERITY_".length());
    }

    static boolean terminal(ExecutionState state) {
        return state == ExecutionState.EXECUTION_STATE_SUCCEEDED || state == ExecutionState.EXECUTION_STATE_FAILED
                || state == ExecutionState.EXECUTION_STATE_CANCELLED || state == ExecutionState.EXECUTION_STATE_REJECTED;
    }

    static boolean finished(StepState state) {
        return state == StepState.STEP_STATE_SUCCEEDED || state == StepState.STEP_STATE_FAILED
                || state == StepState.STEP_STATE_SKIPPED || state == StepState.STEP_STATE_CANCELLED;
    }

    static boolean set(Timestamp t) {
        return t.getSeconds() != 0 || t.getNanos() != 0;
    }

    static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    static String time(Timestamp t) {
        return set(t) ? TIME.format(instant(t)) : "-";
    }

    /** 0.4s, 12s, 3m05s, 1h02m. */
    static String duration(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 10_000) {
            return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        long s = ms / 1000;
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }

    static String duration(Timestamp start, Timestamp end) {
        return set(start) && set(end) ? duration(Duration.between(instant(start), instant(end))) : "-";
    }

    /** A protobuf duration the way the admin config writes it: 30m, 1h30m, 45s. */
    static String duration(com.google.protobuf.Duration d) {
        long s = d.getSeconds();
        if (s == 0 && d.getNanos() == 0) {
            return "unlimited";
        }
        StringBuilder sb = new StringBuilder();
        if (s >= 3600) {
            sb.append(s / 3600).append('h');
        }
        if (s % 3600 >= 60) {
            sb.append((s % 3600) / 60).append('m');
        }
        if (s % 60 != 0 || sb.length() == 0) {
            sb.append(s % 60).append('s');
        }
        return sb.toString();
    }

    static String orDash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    static String shortDigest(String digest) {
        return digest.length() > 12 ? digest.substring(0, 12) + "…" : digest;
    }
}
