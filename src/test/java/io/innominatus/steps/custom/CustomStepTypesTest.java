package io.innominatus.steps.custom;

import com.sun.net.httpserver.HttpServer;
import io.innominatus.model.StepTypeRegistration;
import io.innominatus.steps.TestStepContext;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.steps.spi.StepMode;
import io.innominatus.steps.spi.StepResult;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Step types registered in admin-config: commands and webhooks speaking the JSON step protocol. */
class CustomStepTypesTest {

    private static final Path TEST_RESOURCES = Path.of("src/test/resources").toAbsolutePath();

    private static CommandStepExecutor command(String... program) {
        return new CommandStepExecutor(new StepTypeRegistration("custom", "test", List.of(program), null, null), TEST_RESOURCES);
    }

    @Test
    void commandsReceiveTheRequestOnStdinAndAnswerOnStdout() {
        TestStepContext context = new TestStepContext("test").config(Map.of("target", "orders"));
        StepResult result = command("./steps/custom-step.sh").run(context, StepMode.APPLY);
        assertEquals("false", result.outputs().get("dryRun"));
        assertEquals(context.idempotencyKey(), result.outputs().get("key"));
        assertEquals(Set.of("token"), result.secretOutputs());
        assertTrue(context.texts().contains("got request for step-1"), context::log);
        assertEquals("true", command("./steps/custom-step.sh").run(new TestStepContext("test"), StepMode.DRY_RUN)
                .outputs().get("dryRun"));
    }

    @Test
    void commandFailuresAndMissingProgramsAreClear() {
        StepFailure failed = assertThrows(StepFailure.class, () -> command("./steps/custom-step.sh")
                .run(new TestStepContext("test").config(Map.of("fail", true)), StepMode.APPLY));
        assertEquals("step type custom: './steps/custom-step.sh' exited with code 4: got request for step-1 | asked to fail",
                failed.getMessage());
        StepFailure missing = assertThrows(StepFailure.class, () -> command("./steps/nope.sh")
                .run(new TestStepContext("test"), StepMode.APPLY));
        assertTrue(missing.getMessage().startsWith("cannot start '" + TEST_RESOURCES.resolve("steps/nope.sh")), missing.getMessage());
        StepFailure notJson = assertThrows(StepFailure.class, () -> command("echo", "not json")
                .run(new TestStepContext("test"), StepMode.APPLY));
        assertEquals("step type custom did not answer with JSON {\"outputs\": {...}}", notJson.getMessage());
    }

    @Test
    void webhooksReceiveThePostAndAnswerWithJson() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicReference<String> body = new AtomicReference<>();
        AtomicReference<String> key = new AtomicReference<>();
        AtomicReference<String> authorization = new AtomicReference<>();
        server.createContext("/ok", exchange -> {
            body.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            key.set(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] answer = "{\"outputs\": {\"ticket\": \"CHG-42\"}}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.createContext("/broken", exchange -> {
            byte[] answer = "database is down".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(503, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            HttpClient http = HttpClient.newHttpClient();
            TestStepContext context = new TestStepContext("test").config(Map.of("change", "deploy orders"));
            context.values.put("admin.changeToken", "ct-2718");
            StepResult result = new WebhookStepExecutor(new StepTypeRegistration("change-ticket", "", List.of(), base + "/ok",
                    Duration.ofSeconds(5), Map.of("Authorization", "Bearer ${admin.changeToken}")), http).run(context, StepMode.APPLY);
            assertEquals("CHG-42", result.outputs().get("ticket"));
            assertEquals(context.idempotencyKey(), key.get());
            // headers: filled in at the call, and masked like every secret.
            assertEquals("Bearer ct-2718", authorization.get());
            assertTrue(context.secrets.contains("Bearer ct-2718"), context.secrets::toString);
            assertTrue(body.get().contains("\"config\":{\"change\":\"deploy orders\"}"), body.get());
            assertTrue(body.get().contains("\"application\":\"shop\""), body.get());
            assertTrue(body.get().contains("\"dryRun\":false"), body.get());
            StepFailure failed = assertThrows(StepFailure.class, () -> new WebhookStepExecutor(new StepTypeRegistration(
                    "change-ticket", "", List.of(), base + "/broken", Duration.ofSeconds(5)), http)
                    .run(new TestStepContext("test"), StepMode.APPLY));
            assertEquals("step type change-ticket: webhook answered HTTP 503: database is down", failed.getMessage());
        } finally {
            server.stop(0);
        }
        StepFailure refused = assertThrows(StepFailure.class, () -> new WebhookStepExecutor(new StepTypeRegistration(
                "change-ticket", "", List.of(), "http://127.0.0.1:1/none", Duration.ofSeconds(2)), HttpClient.newHttpClient())
                .run(new TestStepContext("test"), StepMode.APPLY));
        assertTrue(refused.getMessage().startsWith("step type change-ticket: webhook http://127.0.0.1:1/none failed"),
                refused.getMessage());
    }
}
