package io.innominatus.api.security;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.innominatus.api.error.GrpcErrors;
import io.innominatus.app.AuditTrail;
import io.innominatus.app.Caller;
import io.innominatus.model.DomainException;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.Prioritized;
import java.util.Map;
import java.util.Optional;

/**
 * Enforces every RPC's {@link RpcAccess} rule before the request is read: unknown RPCs are refused,
 * calls without a valid token get UNAUTHENTICATED, callers without the required role PERMISSION_DENIED.
 * Each refusal is audited. Runs after Quarkus has established the caller's identity from the bearer token.
 */
@GlobalInterceptor
@ApplicationScoped
public class AccessInterceptor implements ServerInterceptor, Prioritized {

    private final IdentityCallers callers;
    private final AuditTrail audit;

    public AccessInterceptor(IdentityCallers callers, AuditTrail audit) {
        this.callers = callers;
        this.audit = audit;
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
            ServerCallHandler<ReqT, RespT> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        Optional<Access> access = RpcAccess.of(method);
        if (access.isPresent() && access.get() == Access.PUBLIC) {
            return next.startCall(call, headers);
        }
        Caller caller = callers.current();
        Optional<DomainException> denial = denial(method, access, caller);
        if (denial.isEmpty()) {
            return next.startCall(call, headers);
        }
        audit.deniedLater(caller, call.getMethodDescriptor().getBareMethodName(), "",
                denial.get().reason() + ": " + denial.get().getMessage());
        StatusRuntimeException status = GrpcErrors.toStatusRuntimeException(denial.get());
        call.close(status.getStatus(), status.getTrailers() == null ? new Metadata() : status.getTrailers());
        return new ServerCall.Listener<>() {};
    }

    private Optional<DomainException> denial(String method, Optional<Access> access, Caller caller) {
        if (access.isEmpty()) {
            return Optional.of(new DomainException.PermissionDenied("RPC_NOT_CLASSIFIED", "no access rule covers " + method,
                    Map.of("rpc", method)));
        }
        if (callers.authenticationEnabled() && !caller.authenticated()) {
            return Optional.of(new DomainException.Unauthenticated("authentication required: send a valid bearer token "
                    + "(authorization: Bearer <token>) from the configured OIDC issuer"));
        }
        if (access.get().role() != null && !caller.has(access.get().role())) {
            String role = access.get().role().id();
            return Optional.of(new DomainException.PermissionDenied("ROLE_REQUIRED", method.substring(method.indexOf('/') + 1)
                    + " requires the " + role + " role; " + caller.principal() + " has "
                    + (caller.roles().isEmpty() ? "no innominatus role" : "only " + caller.roles().stream()
                    .map(io.innominatus.app.Role::id).sorted().toList()), Map.of("required_role", role)));
        }
        return Optional.empty();
    }

    /** After Quarkus' security interceptor (priority {@code Integer.MAX_VALUE - 100}), which sets the identity. */
    @Override
    public int getPriority() {
        return Integer.MAX_VALUE - 200;
    }
}
