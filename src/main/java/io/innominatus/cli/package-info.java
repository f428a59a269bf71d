/**
 * {@code innominatus-ctl}, the command-line client for product teams and platform engineers: browse and
 * validate workflows, plan, deploy and run, follow executions live, approve, cancel and retry them, and
 * log in with OIDC. It talks to the service over gRPC through the generated stubs in
 * {@code io.innominatus.api.workflow.v1} and {@code io.innominatus.api.policy.v1} only; it never uses
 * the server's packages, and nothing in the server uses it. Built into {@code target/innominatus-ctl.jar}.
 */
package io.innominatus.cli;
