package io.innominatus.api.grpc;

import io.innominatus.api.audit.v1.AuditService;
import io.innominatus.api.audit.v1.ListAuditEventsRequest;
import io.innominatus.api.audit.v1.ListAuditEventsResponse;
import io.innominatus.api.mapping.AuditMapper;
import io.innominatus.app.AuditTrail;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

/** The audit trail over gRPC (admins only, see RpcAccess). */
@GrpcService
public class AuditGrpcService implements AuditService {

    private final AuditTrail audit;

    public AuditGrpcService(AuditTrail audit) {
        this.audit = audit;
    }

    @Override
    @Blocking
    public Uni<ListAuditEventsResponse> listAuditEvents(ListAuditEventsRequest request) {
        return Uni.createFrom().item(() -> {
            var page = audit.list(request.getPrincipal(), request.getAction(), AuditMapper.decisionFilter(request.getDecision()),
                    request.getTarget(), request.getPageSize(), request.getPageToken());
            return ListAuditEventsResponse.newBuilder()
                    .addAllEvents(page.items().stream().map(AuditMapper::toProto).toList())
                    .setNextPageToken(page.nextPageToken())
                    .build();
        });
    }
}
