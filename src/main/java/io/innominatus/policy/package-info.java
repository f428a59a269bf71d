/**
 * Pure policy evaluation: merges the rules of admin-config and every {@code WorkflowPolicies}
 * document (most restrictive wins) and decides, for a resolved deployment, which workflows are
 * excluded, which violations block it, and whether it needs approval.
 *
 * <p>Depends on {@code model} only.
 */
package io.innominatus.policy;
