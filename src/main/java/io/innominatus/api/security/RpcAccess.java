package io.innominatus.api.security;

import java.util.Map;
import java.util.Optional;

/**
 * The access rule of every RPC the service serves, by full method name. An RPC missing here is refused
 * (deny by default); a test checks that every method of every service descriptor has a rule.
 */
public final class RpcAccess {

    private static final String WORKFLOW = "innominatus.workflow.v1.WorkflowService/";
    private static final String POLICY = "innominatus.policy.v1.PolicyService/";
    private static final String AUDIT = "innominatus.audit.v1.AuditService/";

    static final Map<String, Access> RULES = Map.ofEntries(
            // The catalog is readable by everyone in the organisation: product teams need it for self-service.
            Map.entry(WORKFLOW + "ListProducts", Access.AUTHENTICATED),
            Map.entry(WORKFLOW + "ListWorkflows", Access.AUTHENTICATED),
            Map.entry(WORKFLOW + "GetWorkflow", Access.AUTHENTICATED),
            // Viewers, or members of the product's team (checked with the request).
            Map.entry(WORKFLOW + "ValidateWorkflow", Access.AUTHENTICATED),
            Map.entry(WORKFLOW + "PlanDeployment", Access.AUTHENTICATED),
            Map.entry(WORKFLOW + "GetExecution", Access.AUTHENTICATED),
            Map.entry(WORKFLOW + "ListExecutionEvents", Access.AUTHENTICATED),
            Map.entry(WORKFLOW + "WatchExecution", Access.AUTHENTICATED),
            Map.entry(WORKFLOW + "ListExecutions", Access.AUTHENTICATED),
            // Changes: deployers (and security.allowedExecutors, checked with the request).
            Map.entry(WORKFLOW + "StartDeployment", Access.DEPLOYER),
            Map.entry(WORKFLOW + "RunWorkflow", Access.DEPLOYER),
            Map.entry(WORKFLOW + "Undeploy", Access.DEPLOYER),
            Map.entry(WORKFLOW + "CancelExecution", Access.DEPLOYER),
            Map.entry(WORKFLOW + "RetryExecution", Access.DEPLOYER),
            // Decisions: approvers, never on their own requests (checked with the request).
            Map.entry(WORKFLOW + "ApproveExecution", Access.APPROVER),
            Map.entry(WORKFLOW + "RejectExecution", Access.APPROVER),
            Map.entry(POLICY + "GetPolicies", Access.AUTHENTICATED),
            Map.entry(POLICY + "ListStepTypes", Access.AUTHENTICATED),
            Map.entry(POLICY + "ListEnvironments", Access.AUTHENTICATED),
            Map.entry(POLICY + "EvaluateDeployment", Access.AUTHENTICATED),
            Map.entry(POLICY + "ReloadCatalog", Access.ADMIN),
            Map.entry(AUDIT + "ListAuditEvents", Access.ADMIN),
            Map.entry("grpc.health.v1.Health/Check", Access.PUBLIC),
            Map.entry("grpc.health.v1.Health/Watch", Access.PUBLIC),
            Map.entry("grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", Access.PUBLIC),
            Map.entry("grpc.reflection.v1.ServerReflection/ServerReflectionInfo", Access.PUBLIC));

    private RpcAccess() {}

    public static Optional<Access> of(String fullMethodName) {
        return Optional.ofNullable(RULES.get(fullMethodName));
    }
}
