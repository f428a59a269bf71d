package io.innominatus.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.innominatus.model.DeliveryTarget;
import io.innominatus.model.DeploymentPlan;
import io.innominatus.model.PlanContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A plan's namespace and delivery target survive the store: a restarted or other replica delivers to the same place. */
class StoredDeliveryTargetTest {

    private static DeploymentPlan plan(DeliveryTarget target) {
        PlanContext context = new PlanContext("shop", "retail", "qa", Map.of(), Map.of(), Map.of(), Map.of(), Map.of(),
                "sha256:x", "shop-qa", target);
        return new DeploymentPlan(DeploymentPlan.Kind.DEPLOYMENT, context, List.of(), List.of(), List.of(), false, "d", true,
                "c", null);
    }

    @Test
    void everyTargetKindIsReadBackAsWritten() {
        for (DeliveryTarget target : List.of(new DeliveryTarget.ServiceCluster(),
                new DeliveryTarget.Cluster("https://qa.example.com:6443", "${env:QA_TOKEN}", "/etc/ca.pem", null, false),
                new DeliveryTarget.Cluster(null, null, null, "prod-eu", false),
                new DeliveryTarget.Cluster(null, null, null, null, true),
                new DeliveryTarget.GitOps("https://git.example.com/d.git", "main", "qa/shop", "bot", "${env:GIT_TOKEN}"))) {
            DeploymentPlan read = JsonCodec.plan(JsonCodec.write(plan(target)));
            assertEquals(target, read.context().target());
            assertEquals("shop-qa", read.context().namespace());
        }
    }

    @Test
    void aPlanStoredBeforeEnvironmentsHadTargetsRunsWhereItDidThen() {
        String stored = JsonCodec.write(plan(new DeliveryTarget.ServiceCluster()))
                .replace(",\"namespace\":\"shop-qa\"", "").replaceAll(",\"target\":\\{[^}]*}", "");
        DeploymentPlan read = JsonCodec.plan(stored);
        assertEquals("shop", read.context().namespace(), stored);
        assertEquals(new DeliveryTarget.ServiceCluster(), read.context().target());
    }
}
