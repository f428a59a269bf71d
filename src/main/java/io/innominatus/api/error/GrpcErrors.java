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
        return StatusProto.toStatusRuntimeException(bounded(toStatus(t)));
    }

    /**
     * HTTP/2 clients refuse header blocks above 8 KiB by default (grpc-java's max inbound metadata size), and
     * a refused trailer reaches the caller as a protocol error instead of this status. The status travels
     * twice (grpc-message, percent-encoded, and grpc-status-details-bin, base64), so each copy gets a budget
     * that keeps both together well below that limit.
     */
    static final int MAX_MESSAGE_CHARS = 600;
    static final int MAX_DETAILS_BYTES = 3000;
    static final int MAX_FIELD_CHARS = 400;

    /** {@code status} with its message, every detail string and the number of problems listed cut to the budget. */
    static Status bounded(Status status) {
        Status.Builder bounded = status.toBuilder().setMessage(clip(status.getMessage(), MAX_MESSAGE_CHARS)).clearDetails();
        for (Any detail : status.getDetailsList()) {
            bounded.addDetails(boundedDetail(detail));
        }
        // Drop listed problems from the end until the whole fits; the message still counts them all.
        int dropped = 0;
        while (bounded.build().getSerializedSize() > MAX_DETAILS_BYTES && dropLast(bounded)) {
            dropped++;
        }
        if (dropped > 0) {
            noteDropped(bounded, dropped);
        }
        return bounded.build();
    }

    private static Any boundedDetail(Any detail) {
        try {
            if (detail.is(BadRequest.class)) {
                BadRequest.Builder b = BadRequest.newBuilder();
                detail.unpack(BadRequest.class).getFieldViolationsList().forEach(v -> b.addFieldViolations(v.toBuilder()
                        .setField(clip(v.getField(), MAX_FIELD_CHARS)).setDescription(clip(v.getDescription(), MAX_FIELD_CHARS))));
                return Any.pack(b.build());
            }
            if (detail.is(PreconditionFailure.class)) {
                PreconditionFailure.Builder b = PreconditionFailure.newBuilder();
                detail.unpack(PreconditionFailure.class).getViolationsList().forEach(v -> b.addViolations(v.toBuilder()
                        .setType(clip(v.getType(), MAX_FIELD_CHARS)).setSubject(clip(v.getSubject(), MAX_FIELD_CHARS))
                        .setDescription(clip(v.getDescription(), MAX_FIELD_CHARS))));
                return Any.pack(b.build());
            }
            if (detail.is(ErrorInfo.class)) {
                ErrorInfo info = detail.unpack(ErrorInfo.class);
                ErrorInfo.Builder b = info.toBuilder().clearMetadata();
                info.getMetadataMap().forEach((k, v) -> b.putMetadata(clip(k, MAX_FIELD_CHARS), clip(v, MAX_FIELD_CHARS)));
                return Any.pack(b.build());
            }
            if (detail.is(ResourceInfo.class)) {
                ResourceInfo info = detail.unpack(ResourceInfo.class);
                return Any.pack(info.toBuilder().setResourceName(clip(info.getResourceName(), MAX_FIELD_CHARS))
                        .setDescription(clip(info.getDescription(), MAX_FIELD_CHARS)).build());
            }
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            // Only details built above travel; one that cannot be read again is left out.
            return Any.getDefaultInstance();
        }
        return detail;
    }

    /** Removes the last listed problem of the first detail that lists several; false when none is left to drop. */
    private static boolean dropLast(Status.Builder status) {
        for (int i = 0; i < status.getDetailsCount(); i++) {
            Any detail = status.getDetails(i);
            try {
                if (detail.is(BadRequest.class)) {
                    BadRequest b = detail.unpack(BadRequest.class);
                    if (b.getFieldViolationsCount() > 1) {
                        status.setDetails(i, Any.pack(BadRequest.newBuilder()
                                .addAllFieldViolations(b.getFieldViolationsList().subList(0, b.getFieldViolationsCount() - 1))
                                .build()));
                        return true;
                    }
                } else if (detail.is(PreconditionFailure.class)) {
                    PreconditionFailure p = detail.unpack(PreconditionFailure.class);
                    if (p.getViolationsCount() > 1) {
                        status.setDetails(i, Any.pack(PreconditionFailure.newBuilder()
                                .addAllViolations(p.getViolationsList().subList(0, p.getViolationsCount() - 1)).build()));
                        return true;
                    }
                }
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                return false;
            }
        }
        return false;
    }

    private static void noteDropped(Status.Builder status, int dropped) {
        String note = dropped + " more problem" + (dropped == 1 ? "" : "s") + " not listed (the response size is limited; "
                + "ValidateWorkflow lists every problem of a document)";
        for (int i = 0; i < status.getDetailsCount(); i++) {
            Any detail = status.getDetails(i);
            try {
                if (detail.is(BadRequest.class)) {
                    status.setDetails(i, Any.pack(detail.unpack(BadRequest.class).toBuilder().addFieldViolations(
                            BadRequest.FieldViolation.newBuilder().setField("").setDescription(note)).build()));
                    return;
                }
                if (detail.is(PreconditionFailure.class)) {
                    status.setDetails(i, Any.pack(detail.unpack(PreconditionFailure.class).toBuilder().addViolations(
                            PreconditionFailure.Violation.newBuilder().setType("TOO_MANY_PROBLEMS").setDescription(note))
                            .build()));
                    return;
                }
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                return;
            }
        }
    }

    /** At most {@code max} characters of {@code text} (never splitting a surrogate pair), marked when cut. */
    public static String clip(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = max - 12;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "… (cut)";
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
