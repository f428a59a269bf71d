package io.innominatus.api.console;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.innominatus.api.workflow.v1.WatchExecutionRequest;
import io.innominatus.api.workflow.v1.WatchExecutionResponse;
import io.innominatus.api.workflow.v1.WorkflowServiceGrpc;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /console/events/<execution_id>}: an execution's events as server-sent events, each with its
 * sequence as the event id, read from WatchExecution on this server. A browser that reconnects sends the last
 * id it saw (Last-Event-ID) and resumes right after it, so nothing is missed or shown twice. One event is
 * requested from the watch for each one written to the browser, and none while the browser's queue is full (at
 * most {@value #WINDOW} in flight): a browser that stops reading stalls only its own stream, which reads the log
 * at its own pace, never the engine.
 */
final class EventStream {

    static final String PATH = "/console/events/";
    private static final long KEEP_ALIVE_MILLIS = 15_000;
    /** Events in flight from the watch to this stream: enough to cover the round trip of asking for more. */
    private static final int WINDOW = 64;

    private final ConsoleMethods methods;
    private final SelfChannel channel;

    EventStream(ConsoleMethods methods, SelfChannel channel) {
        this.methods = methods;
        this.channel = channel;
    }

    void handle(RoutingContext context) {
        String executionId = context.request().path().substring(PATH.length());
        long after;
        try {
            String resume = context.request().getHeader("Last-Event-ID");
            String query = context.request().getParam("after");
            after = resume != null && !resume.isBlank() ? Long.parseLong(resume.trim())
                    : query != null && !query.isBlank() ? Long.parseLong(query.trim()) : 0;
        } catch (NumberFormatException e) {
            Forwarding.fail(context, methods, Status.Code.INVALID_ARGUMENT, "MALFORMED_REQUEST", "the sequence to resume after is not a number");
            return;
        }
        WatchExecutionRequest request = WatchExecutionRequest.newBuilder().setExecutionId(executionId).setAfterSequence(after)
                .build();
        follow(context, request, Forwarding.credentials(context, Forwarding.identity(context)));
    }

    private void follow(RoutingContext context, WatchExecutionRequest request, Metadata headers) {
        ClientCall<WatchExecutionRequest, WatchExecutionResponse> call = new HeaderAttachingCall<>(channel.newCall(
                WorkflowServiceGrpc.getWatchExecutionMethod(),
                context.request().localAddress(), context.request().isSSL(), CallOptions.DEFAULT), headers);
        Context vertx = Vertx.currentContext();
        HttpServerResponse response = context.response();
        long[] keepAlive = {-1};
        int[] unrequested = {0};
        response.closeHandler(v -> {
            call.cancel("the browser left", null);
            vertx.owner().cancelTimer(keepAlive[0]);
        });
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onMessage(WatchExecutionResponse message) {
                String json = methods.json(message);
                long sequence = message.getEvent().getSequence();
                vertx.runOnContext(v -> {
                    if (response.ended() || response.closed()) {
                        return;
                    }
                    if (!response.headWritten()) {
                        open(response);
                        keepAlive[0] = vertx.owner().setPeriodic(KEEP_ALIVE_MILLIS, id -> {
                            if (!response.ended() && !response.closed()) {
                                response.write(": keep-alive\n\n");
                            }
                        });
                    }
                    response.write("id: " + sequence + "\ndata: " + json + "\n\n");
                    // Each event sent on asks for the next; while the browser's queue is full, the asking waits.
                    if (!response.writeQueueFull()) {
                        call.request(1);
                    } else {
                        unrequested[0]++;
                        response.drainHandler(d -> {
                            call.request(unrequested[0]);
                            unrequested[0] = 0;
                        });
                    }
                });
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                vertx.runOnContext(v -> {
                    vertx.owner().cancelTimer(keepAlive[0]);
                    if (response.ended() || response.closed()) {
                        return;
                    }
                    if (!response.headWritten() && !status.isOk()) {
                        com.google.rpc.Status detailed = Forwarding.status(status.asRuntimeException(trailers));
                        response.setStatusCode(Forwarding.httpStatus(status.getCode()))
                                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                                .end(Forwarding.errorBody(methods, detailed));
                        return;
                    }
                    if (!response.headWritten()) {
                        open(response);
                    }
                    // "end" tells the page the stream is complete (EventSource would otherwise reconnect).
                    String event = status.isOk() ? "end" : "failure";
                    response.end("event: " + event + "\ndata: " + Forwarding.errorBody(methods,
                            Forwarding.status(status.asRuntimeException(trailers))) + "\n\n");
                });
            }
        }, new Metadata());
        call.sendMessage(request);
        call.halfClose();
        call.request(WINDOW);
    }

    private static void open(HttpServerResponse response) {
        response.setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .putHeader("X-Accel-Buffering", "no");
        response.write("retry: 2000\n\n");
    }
}
