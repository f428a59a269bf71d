package io.innominatus.store;

/** Answers whether an application has been deployed successfully before, for the {@code first_deployment} trigger. */
public interface DeploymentHistory {

    /** True when an earlier deployment of {@code application} to {@code environment} succeeded. */
    boolean hasSucceeded(String application, String environment);
}
