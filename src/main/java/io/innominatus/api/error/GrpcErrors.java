package io.innominatus.api.error;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.PreconditionFailure;
import com.google.rpc.ResourceInfo;
import com.google.rpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.innominatus.model.DomainException;
import io.innominatus.model.Violation;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Builds the {@code google.rpc.Status} for a failure: the status code, a message for people, an
 * {@code ErrorInfo} with a stable reason, and the detail that helps the caller fix the request.
 */
public final class GrpcErrors {

    public static final String DOMAIN = "innominatus.io";
    private static final Logger LOG = Logger.getLogger(GrpcErrors.class);

    private GrpcErrors() {}

    /** The status exception to send for {@code failure}. */
    public static StatusRuntimeException toStatusRuntimeException(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof StatusRuntimeException sre) {
            return sre;
        }
        if (t instanceof StatusException se) {
            return new StatusRuntimeException(se.getStatus(), se.getTrailers());
        }
        return StatusProto.toStatusRuntimeException(toStatus(t));
    }

    static Status toStatus(Throwable t) {
        if (t instanceof DomainException e) {
            return domainStatus(e);
        }
        if (t instanceof io.quarkus.security.AuthenticationFailedException
                || t instanceof io.quarkus.security.UnauthorizedException) {
            return status(Code.UNAUTHENTICATED, "authentication required: send a valid bearer token", "UNAUTHENTICATED",
                    Map.of());
        }
        if (t instanceof io.quarkus.security.ForbiddenException) {
            return status(Code.PERMISSION_DENIED, "the caller's roles do not allow this call", "PERMISSION_DENIED",
                    Map.of());
        }
        String reference = UUID.randomUUID().toString();
        LOG.errorf(t, "unexpected failure, reference %s", reference);
        return status(Code.INTERNAL, "internal error (reference " + reference + ")", "INTERNAL",
                Map.of("reference", reference));
    }

    private static Status domainStatus(DomainException e) {
        if (e instanceof DomainException.InvalidInput invalid) {
            BadRequest.Builder badRequest = BadRequest.newBuilder();
            invalid.problems().forEach(p -> badRequest.addFieldViolations(BadRequest.FieldViolation.newBuilder()
                    .setField(p.field()).setDescription(p.description())));
            return status(Code.INVALID_ARGUMENT, e, badRequest.build());
        }
        if (e instanceof DomainException.NotFound notFound) {
            return status(Code.NOT_FOUND, e, ResourceInfo.newBuilder()
                    .setResourceType(notFound.resourceType())
                    .setResourceName(notFound.resourceName())
                    .setDescription(e.getMessage())
                    .build());
        }
        if (e instanceof DomainException.PolicyBlocked blocked) {
            PreconditionFailure.Builder failure = PreconditionFailure.newBuilder();
            for (Violation v : blocked.violations()) {
                String subject = v.workflowId() + (v.step().isEmpty() ? "" : "/" + v.step());
                failure.addViolations(PreconditionFailure.Violation.newBuilder()
                        .setType(v.ruleId())
                        .setSubject(subject.isEmpty() ? "deployment" : subject)
                        .setDescription(v.message() + (v.location().isEmpty() ? "" : " (" + v.location() + ")")));
            }
            return status(Code.FAILED_PRECONDITION, e, failure.build());
        }
        if (e instanceof DomainException.FailedPrecondition) {
            return status(Code.FAILED_PRECONDITION, e, PreconditionFailure.newBuilder()
                    .addViolations(PreconditionFailure.Violation.newBuilder()
                            .setType(e.reason())
                            .setSubject(e.metadata().getOrDefault("execution_id", ""))
                            .setDescription(e.getMessage()))
                    .build());
        }
        Code code;
        if (e instanceof DomainException.AlreadyExists) {
            code = Code.ALREADY_EXISTS;
        } else if (e instanceof DomainException.Unauthenticated) {
            code = Code.UNAUTHENTICATED;
        } else if (e instanceof DomainException.PermissionDenied) {
            code = Code.PERMISSION_DENIED;
        } else if (e instanceof DomainException.ResourceExhausted) {
            code = Code.RESOURCE_EXHAUSTED;
        } else {
            code = Code.UNAVAILABLE;
        }
        return status(code, e.getMessage(), e.reason(), e.metadata());
    }

    private static Status status(Code code, DomainException e, com.google.protobuf.Message detail) {
        return status(code, e.getMessage(), e.reason(), e.metadata()).toBuilder().addDetails(Any.pack(detail)).build();
    }

    private static Status status(Code code, String message, String reason, Map<String, String> metadata) {
        return Status.newBuilder()
                .setCode(code.getNumber())
                .setMessage(message)
                .addAllDetails(List.of(Any.pack(ErrorInfo.newBuilder()
                        .setReason(reason)
                        .setDomain(DOMAIN)
                        .putAllMetadata(metadata)
                        .build())))
                .build();
    }

    private static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof java.util.concurrent.CompletionException
                || current instanceof java.util.concurrent.ExecutionException
                || current.getClass().getName().equals("io.smallrye.mutiny.CompositeException"))
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
