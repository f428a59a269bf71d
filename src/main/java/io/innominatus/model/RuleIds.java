package io.innominatus.model;

/** Stable policy rule ids. They appear in plans, errors and audit records and never change meaning. */
public final class RuleIds {

    private RuleIds() {}

    public static final String REQUIRED_PLATFORM_WORKFLOW_MISSING = "REQUIRED_PLATFORM_WORKFLOW_MISSING";
    public static final String PRODUCT_WORKFLOW_NOT_ALLOWED = "PRODUCT_WORKFLOW_NOT_ALLOWED";
    public static final String STEP_TYPE_NOT_ALLOWED = "STEP_TYPE_NOT_ALLOWED";
    public static final String STEP_TYPE_UNKNOWN = "STEP_TYPE_UNKNOWN";
    public static final String TOO_MANY_STEPS = "TOO_MANY_STEPS";
    public static final String ENVIRONMENT_NOT_ALLOWED = "ENVIRONMENT_NOT_ALLOWED";
    public static final String WORKFLOW_OVERRIDE_CONFLICT = "WORKFLOW_OVERRIDE_CONFLICT";
    public static final String INVALID_WORKFLOW = "INVALID_WORKFLOW";
    /** A Score resource type no provisioner handles: blocks. */
    public static final String RESOURCE_TYPE_UNKNOWN = "RESOURCE_TYPE_UNKNOWN";
    /** A Score resource type provisioned only for another product: blocks. */
    public static final String RESOURCE_TYPE_NOT_ALLOWED = "RESOURCE_TYPE_NOT_ALLOWED";
    /** Score resources whose parameters refer to each other in a circle: blocks. */
    public static final String RESOURCE_CYCLE = "RESOURCE_CYCLE";
    /** Not a violation: a lower tier's workflow replaced by a higher tier's one, reported under {@code excluded}. */
    public static final String WORKFLOW_OVERRIDDEN = "WORKFLOW_OVERRIDDEN";
}
