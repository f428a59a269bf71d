package io.innominatus.api.reflection;

import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;

/** {@code grpc.reflection.v1.ServerReflection}. */
@GrpcService
public class ServerReflectionV1 extends ServerReflectionGrpc.ServerReflectionImplBase {

    private final ReflectionResponder responder;

    public ServerReflectionV1(ReflectionResponder responder) {
        this.responder = responder;
    }

    @Override
    public StreamObserver<ServerReflectionRequest> serverReflectionInfo(StreamObserver<ServerReflectionResponse> responses) {
        return new StreamObserver<>() {
            @Override
            public void onNext(ServerReflectionRequest request) {
                responses.onNext(responder.answer(request));
            }

            @Override
            public void onError(Throwable cancelled) {
                // The client went away; there is nothing to release.
            }

            @Override
            public void onCompleted() {
                responses.onCompleted();
            }
        };
    }
}
