package io.innominatus.api.grpc.probe;

import io.innominatus.store.ExecutionStore;

/** Architecture probe: a gRPC class that reads the store itself. */
public class GrpcServiceImportingTheStore {
    ExecutionStore store;
}
