package io.innominatus.bench.hello;

import io.innominatus.bench.hello.v1.Greeter;
import io.innominatus.bench.hello.v1.SayHelloRequest;
import io.innominatus.bench.hello.v1.SayHelloResponse;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/** {@code hello.v1.Greeter}: answers at once, so that start-up is Quarkus and gRPC alone. */
@GrpcService
public class GreeterService implements Greeter {

    @Override
    public Uni<SayHelloResponse> sayHello(SayHelloRequest request) {
        return Uni.createFrom().item(SayHelloResponse.newBuilder().setMessage("hello " + request.getName()).build());
    }
}
