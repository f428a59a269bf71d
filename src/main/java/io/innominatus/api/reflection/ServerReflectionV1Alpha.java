package io.innominatus.api.reflection;

import com.google.protobuf.InvalidProtocolBufferException;
import grpc.reflection.v1alpha.ServerReflectionGrpc;
import grpc.reflection.v1alpha.Reflection.ServerReflectionRequest;
import grpc.reflection.v1alpha.Reflection.ServerReflectionResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;

/**
 * {@code grpc.reflection.v1alpha.ServerReflection}, which older clients (grpcurl before 1.8.8, for one) use. Its
 * messages are wire-identical to v1's, so it answers through the v1 responder.
 */
@GrpcService
public class ServerReflectionV1Alpha extends ServerReflectionGrpc.ServerReflectionImplBase {

    private final ReflectionResponder responder;

    public ServerReflectionV1Alpha(ReflectionResponder responder) {
        this.responder = responder;
    }

    @Override
    public StreamObserver<ServerReflectionRequest> serverReflectionInfo(StreamObserver<ServerReflectionResponse> responses) {
        return new StreamObserver<>() {
            @Override
            public void onNext(ServerReflectionRequest request) {
                try {
                    var answer = responder.answer(io.grpc.reflection.v1.ServerReflectionRequest.parseFrom(request.toByteString()));
                    responses.onNext(ServerReflectionResponse.parseFrom(answer.toByteString()));
                } catch (InvalidProtocolBufferException e) {
                    responses.onError(Status.INTERNAL.withDescription("reflection messages of v1 and v1alpha differ").asRuntimeException());
                }
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
