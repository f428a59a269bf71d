package io.innominatus.cli;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.PreconditionFailure;
import com.google.rpc.ResourceInfo;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Turns a failed call into what people read: the server's message, the {@code google.rpc.Status} details
 * (ErrorInfo reason and metadata, BadRequest field violations, PreconditionFailure violations, ResourceInfo)
 * and a hint, plus the exit code. Never a stack trace or a class name.
 *
 * @param exitCode the process exit code
 * @param lines what to print on standard error, the first line being the message
 */
record ErrorReport(int exitCode, List<String> lines) {

    /** Class-name prefixes that Java and netty put in front of messages ("javax.net.ssl.SSLException: ..."). */
    private static final Pattern CLASS_PREFIX = Pattern.compile("(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*: ");
    /** netty's dump of the channel pipeline in front of a message. */
    private static final Pattern PIPELINE = Pattern.compile("Channel Pipeline: \\[[^\\]]*\\]: ");

    static ErrorReport of(Throwable failure, ServerAddress server) {
        if (failure instanceof CliException e) {
            List<String> lines = new ArrayList<>();
            lines.add("error: " + e.getMessage());
            e.details().forEach(d -> lines.add("  " + d));
            return new ErrorReport(e.exitCode(), lines);
        }
        Status status = null;
        if (failure instanceof StatusRuntimeException sre) {
            status = sre.getStatus();
        } else if (failure instanceof StatusException se) {
            status = se.getStatus();
        }
        if (status != null) {
            return ofStatus(failure, status, server);
        }
        return new ErrorReport(ExitCodes.SERVER_ERROR, List.of("error: unexpected failure: " + plainMessage(failure)));
    }

    private static ErrorReport ofStatus(Throwable failure, Status status, ServerAddress server) {
        List<String> lines = new ArrayList<>();
        Status.Code code = status.getCode();
        // Errors from the service carry details (at least an ErrorInfo); transport failures have none.
        com.google.rpc.Status rich = StatusProto.fromThrowable(failure);
        if (rich != null && rich.getDetailsCount() == 0) {
            rich = null;
        }
        String message = status.getDescription() == null ? "" : status.getDescription();
        if (code == Status.Code.UNAVAILABLE && rich == null) {
            // The transport's own description ("io exception", netty pipeline dumps) says little; the cause says why.
            String cause = status.getCause() == null ? "" : plainMessage(status.getCause());
            String description = message.lines().findFirst().orElse("").strip();
            if (description.equals("io exception") && !cause.isEmpty()) {
                description = "";
            }
            String reason = description.isEmpty() ? cause : cause.isEmpty() || description.contains(cause) ? description
                    : description + ": " + cause;
            lines.add("error: cannot reach innominatus at " + server + (reason.isEmpty() ? "" : ": " + reason));
            lines.add("  hint: is the service running there? Choose another with --server or INNOMINATUS_SERVER; "
                    + "use --tls (and --ca-cert) if it speaks TLS");
            return new ErrorReport(ExitCodes.CONNECTION, lines);
        }
        if (code == Status.Code.DEADLINE_EXCEEDED && rich == null) {
            lines.add("error: innominatus at " + server + " did not answer in time" + (message.isEmpty() ? "" : ": " + message));
            lines.add("  hint: raise --timeout for slow calls");
            return new ErrorReport(ExitCodes.CONNECTION, lines);
        }
        lines.add("error: " + (message.isEmpty() ? code.name().toLowerCase().replace('_', ' ') : message));
        String reason = "";
        if (rich != null) {
            for (Any any : rich.getDetailsList()) {
                try {
                    if (any.is(ErrorInfo.class)) {
                        ErrorInfo info = any.unpack(ErrorInfo.class);
                        reason = info.getReason();
                        Map<String, String> metadata = new TreeMap<>(info.getMetadataMap());
                        metadata.forEach((k, v) -> lines.add("  " + k + ": " + v));
                    } else if (any.is(BadRequest.class)) {
                        for (BadRequest.FieldViolation v : any.unpack(BadRequest.class).getFieldViolationsList()) {
                            lines.add("  invalid " + v.getField() + ": " + v.getDescription());
                        }
                    } else if (any.is(PreconditionFailure.class)) {
                        for (PreconditionFailure.Violation v : any.unpack(PreconditionFailure.class).getViolationsList()) {
                            lines.add("  violation " + v.getType() + (v.getSubject().isEmpty() ? "" : " (" + v.getSubject() + ")")
                                    + ": " + v.getDescription());
                        }
                    } else if (any.is(ResourceInfo.class)) {
                        ResourceInfo info = any.unpack(ResourceInfo.class);
                        lines.add("  not found: " + info.getResourceType() + " " + info.getResourceName());
                    }
                } catch (InvalidProtocolBufferException e) {
                    lines.add("  (an error detail could not be decoded)");
                }
            }
        }
        lines.add(1, "  status: " + code.name() + (reason.isEmpty() ? "" : ", reason: " + reason));
        if (code == Status.Code.UNAUTHENTICATED) {
            lines.add("  hint: log in with 'innominatus-ctl login' or set INNOMINATUS_TOKEN");
        } else if (code == Status.Code.PERMISSION_DENIED) {
            lines.add("  hint: your token lacks the role this call needs; ask the platform team");
        }
        return new ErrorReport(ExitCodes.forStatus(code), lines);
    }

    /**
     * What went wrong when no layer gave a message (the JDK's HTTP client throws a bare
     * {@code ConnectException} for a refused connection): named by the kind of the innermost failure.
     */
    private static String withoutMessage(Throwable failure) {
        Throwable innermost = failure;
        for (int depth = 0; innermost.getCause() != null && depth < 10; depth++) {
            innermost = innermost.getCause();
        }
        for (Throwable t = failure; t != null; t = t == innermost ? null : t.getCause()) {
            if (t instanceof java.net.ConnectException) {
                return "connection refused (nothing listens there, or a firewall rejects it)";
            }
            if (t instanceof java.net.UnknownHostException) {
                return "unknown host";
            }
            if (t instanceof java.net.http.HttpConnectTimeoutException || t instanceof java.net.SocketTimeoutException) {
                return "timed out while connecting";
            }
            if (t instanceof java.net.http.HttpTimeoutException) {
                return "timed out waiting for the answer";
            }
            if (t instanceof javax.net.ssl.SSLException) {
                return "the TLS handshake failed";
            }
            if (t instanceof java.nio.channels.ClosedChannelException || t instanceof java.io.EOFException) {
                return "the connection was closed before an answer arrived";
            }
        }
        return innermost instanceof java.io.IOException ? "the connection failed" : "unexpected failure";
    }

    /** The innermost useful message of a failure, without Java class names. */
    static String plainMessage(Throwable failure) {
        Throwable t = failure;
        String message = null;
        for (int depth = 0; t != null && depth < 10; depth++, t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        if (message == null) {
            return withoutMessage(failure);
        }
        String plain = PIPELINE.matcher(message).replaceAll("");
        return CLASS_PREFIX.matcher(plain).replaceAll("").lines().map(String::strip).filter(l -> !l.isEmpty())
                .reduce((a, b) -> a + " " + b).orElse("no details");
    }
}
