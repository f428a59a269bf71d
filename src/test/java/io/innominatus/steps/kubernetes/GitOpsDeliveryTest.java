package io.innominatus.steps.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.innominatus.model.DeliveryTarget;
import io.innominatus.model.PlanContext;
import io.innominatus.steps.TestStepContext;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.store.DeliveryInventory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One step's delivery to a local Git repository: file names, commits, dry runs and the inventory. */
class GitOpsDeliveryTest {

    @TempDir
    Path data;

    private final List<DeliveryInventory.Entry> recorded = new ArrayList<>();
    private final List<String> forgotten = new ArrayList<>();

    /** Records what the delivery tells the inventory. */
    private final DeliveryInventory inventory = new DeliveryInventory() {
        @Override
        public void record(Entry entry) {
            recorded.add(entry);
        }

        @Override
        public List<Entry> list(String application, String environment) {
            return List.copyOf(recorded);
        }

        @Override
        public List<String> otherUsers(String application, String environment, String namespace) {
            return List.of();
        }

        @Override
        public void remove(String environment, String reference) {
            forgotten.add("any:" + reference);
        }

        @Override
        public void remove(String application, String environment, String reference) {
            forgotten.add(application + ":" + reference);
        }
    };

    private TestStepContext context() {
        TestStepContext context = new TestStepContext("kubernetes");
        PlanContext base = TestStepContext.plan("shop", "retail", "dev", Map.of());
        context.plan(new PlanContext(base.application(), base.product(), base.environment(), base.metadata(), base.admin(),
                base.resources(), base.provisioners(), base.score(), base.scoreDigest(), "shop-dev",
                new DeliveryTarget.GitOps("gitops", "main", "dev/shop", null, null)));
        return context;
    }

    private Delivery open(TestStepContext context, boolean dryRun) {
        return new Deliveries(() -> null, inventory, data).open(context, dryRun);
    }

    private static io.fabric8.kubernetes.api.model.ConfigMap configMap(String name, String value) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().addToData("value", value).build();
    }

    private int commits() throws Exception {
        try (Git git = Git.open(data.resolve("gitops").toFile())) {
            int count = 0;
            for (var ignored : git.log().call()) {
                count++;
            }
            return count;
        }
    }

    @Test
    void aNameThatWouldLeaveTheTargetPathIsRefused() {
        TestStepContext context = context();
        Delivery delivery = open(context, false);
        StepFailure failure = assertThrows(StepFailure.class, () -> delivery.apply(context, "shop-dev",
                configMap("../../staging/payments/secret", "x")));
        assertTrue(failure.getMessage().contains("is not a Kubernetes object name"), failure.getMessage());
        StepFailure namespace = assertThrows(StepFailure.class, () -> delivery.apply(context, "../../etc", configMap("a", "x")));
        assertTrue(namespace.getMessage().contains("'../../etc'"), namespace.getMessage());
        assertFalse(Files.exists(data.resolve("staging")));
    }

    @Test
    void oneCommitPerStepNothingWhenUnchangedAndADryRunOnlyReports() throws Exception {
        TestStepContext first = context();
        Delivery delivery = open(first, false);
        delivery.ensureNamespace(first, "shop-dev");
        delivery.apply(first, "shop-dev", configMap("settings", "one"));
        assertTrue(delivery.complete().isPresent());
        assertEquals(1, commits());
        assertEquals("value: \"one\"", Files.readAllLines(data.resolve("gitops/dev/shop/shop-dev/configmap-settings.yaml"))
                .stream().map(String::trim).filter(l -> l.startsWith("value:")).findFirst().orElseThrow());
        assertEquals(2, recorded.size(), "the namespace and the ConfigMap are recorded: " + recorded);

        TestStepContext again = context();
        Delivery unchanged = open(again, false);
        unchanged.apply(again, "shop-dev", configMap("settings", "one"));
        assertTrue(unchanged.complete().isEmpty(), "the same files make no commit");
        assertEquals(1, commits());

        TestStepContext dry = context().dryRun(true);
        Delivery preview = open(dry, true);
        preview.apply(dry, "shop-dev", configMap("settings", "two"));
        assertTrue(preview.complete().isEmpty());
        assertEquals(1, commits(), "a dry run commits nothing");
        assertTrue(dry.texts().contains("-  value: \"one\""), dry.texts().toString());
        assertTrue(dry.texts().contains("+  value: \"two\""), dry.texts().toString());
        assertEquals(2, recorded.stream().map(DeliveryInventory.Entry::reference).distinct().count(),
                "a dry run records nothing");

        // A step that fails before it completes commits nothing; a deletion is forgotten only once committed.
        TestStepContext removal = context();
        Delivery remove = open(removal, false);
        String reference = remove.reference(configMap("settings", "one"), "shop-dev");
        remove.delete(removal, reference);
        assertTrue(forgotten.isEmpty(), "nothing is forgotten before the commit");
        assertTrue(Files.exists(data.resolve("gitops/dev/shop/shop-dev/configmap-settings.yaml")));
        remove.complete();
        assertEquals(List.of("shop:" + reference), forgotten, "the application's own record only");
        assertFalse(Files.exists(data.resolve("gitops/dev/shop/shop-dev/configmap-settings.yaml")));
        assertEquals(2, commits());
    }
}
