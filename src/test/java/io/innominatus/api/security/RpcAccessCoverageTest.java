package io.innominatus.api.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import grpc.health.v1.HealthGrpc;
import io.innominatus.api.audit.v1.AuditServiceGrpc;
import io.innominatus.api.policy.v1.PolicyServiceGrpc;
import io.innominatus.api.workflow.v1.WorkflowServiceGrpc;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Every RPC the service serves has an explicit access rule, and every rule names an RPC that exists. */
class RpcAccessCoverageTest {

    private static final List<ServiceDescriptor> SERVED = List.of(
            WorkflowServiceGrpc.getServiceDescriptor(),
            PolicyServiceGrpc.getServiceDescriptor(),
            AuditServiceGrpc.getServiceDescriptor(),
            HealthGrpc.getServiceDescriptor(),
            grpc.reflection.v1alpha.ServerReflectionGrpc.getServiceDescriptor(),
            io.grpc.reflection.v1.ServerReflectionGrpc.getServiceDescriptor());

    @Test
    void everyServedRpcHasARuleAndEveryRuleAnRpc() {
        Set<String> methods = new TreeSet<>();
        for (ServiceDescriptor service : SERVED) {
            for (MethodDescriptor<?, ?> method : service.getMethods()) {
                methods.add(method.getFullMethodName());
            }
        }
        Set<String> uncovered = new TreeSet<>(methods);
        uncovered.removeAll(RpcAccess.RULES.keySet());
        assertEquals(Set.of(), uncovered, "RPCs without an access rule (they would be refused)");
        Set<String> stale = new TreeSet<>(RpcAccess.RULES.keySet());
        stale.removeAll(methods);
        assertEquals(Set.of(), stale, "rules for RPCs that do not exist");
    }

    @Test
    void onlyHealthAndReflectionArePublic() {
        RpcAccess.RULES.forEach((method, access) -> assertTrue(access != Access.PUBLIC || method.startsWith("grpc."), method));
    }

    @Test
    void changesNeedARole() {
        for (String change : List.of("StartDeployment", "RunWorkflow", "Undeploy", "CancelExecution", "RetryExecution",
                "ApproveExecution", "RejectExecution")) {
            assertTrue(RpcAccess.of("innominatus.workflow.v1.WorkflowService/" + change).orElseThrow().role() != null, change);
        }
        assertEquals(Access.ADMIN, RpcAccess.of("innominatus.policy.v1.PolicyService/ReloadCatalog").orElseThrow());
    }
}
