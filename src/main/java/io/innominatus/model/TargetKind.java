package io.innominatus.model;

/** The kinds of delivery target. */
public enum TargetKind {
    /** Objects are applied to a cluster through its API. */
    KUBERNETES,
    /** Objects are committed to a Git repository. */
    GITOPS
}
