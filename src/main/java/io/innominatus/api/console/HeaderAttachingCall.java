package io.innominatus.api.console;

import io.grpc.ClientCall;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;

/** A call that sends the caller's credentials with its headers. */
final class HeaderAttachingCall<Q, R> extends ForwardingClientCall.SimpleForwardingClientCall<Q, R> {

    private final Metadata extra;

    HeaderAttachingCall(ClientCall<Q, R> call, Metadata extra) {
        super(call);
        this.extra = extra;
    }

    @Override
    public void start(Listener<R> listener, Metadata headers) {
        headers.merge(extra);
        super.start(listener, headers);
    }
}
