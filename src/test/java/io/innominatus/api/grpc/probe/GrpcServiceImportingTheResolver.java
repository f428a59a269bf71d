package io.innominatus.api.grpc.probe;

import io.innominatus.resolve.Resolver;

/** Architecture probe: a gRPC class that resolves plans itself instead of calling a use case. */
public class GrpcServiceImportingTheResolver {
    Resolver resolver;
}
