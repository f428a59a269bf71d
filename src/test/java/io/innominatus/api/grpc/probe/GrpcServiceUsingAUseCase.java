package io.innominatus.api.grpc.probe;

import io.innominatus.app.ExecutionService;

/** Architecture probe that must pass: a gRPC class that calls a use case. */
public class GrpcServiceUsingAUseCase {
    ExecutionService executions;
}
