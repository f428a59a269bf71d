package io.innominatus.model;

/**
 * What a step's outputs feed besides {@code ${steps.<name>.*}}: the Score resource it provisions (its outputs
 * become {@code ${resources.<name>.*}}) and whether they are the workflow's {@code ${terraform.*}}. Decided when
 * the plan is made and recorded in it; the engine follows what the plan says and matches no step names or types.
 *
 * @param resource the resource a provisioning step provisions, or null
 * @param terraform whether later steps of the workflow read this step's outputs as {@code ${terraform.*}}
 */
public record StepExports(String resource, boolean terraform) {

    public static final StepExports NONE = new StepExports(null, false);

    public StepExports {
        resource = resource == null || resource.isBlank() ? null : resource;
    }

    /** The steps that provision a Score resource are named for it: {@code provision-<resource>}. */
    public static final String PROVISION_PREFIX = "provision-";

    /**
     * What a step of this type and name exports: the resolver records it in every plan; a plan stored before
     * plans recorded it gets the same when it is read, so an execution resumed across an upgrade is unchanged.
     */
    public static StepExports of(String type, String name) {
        if (StepTypes.TERRAFORM.equals(type)) {
            return new StepExports(null, true);
        }
        if (StepTypes.RESOURCE_PROVISIONING.equals(type) && name.startsWith(PROVISION_PREFIX)) {
            return new StepExports(name.substring(PROVISION_PREFIX.length()), false);
        }
        return NONE;
    }
}
