package io.innominatus.api.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.innominatus.api.GrpcTestSupport;
import io.innominatus.api.workflow.v1.ExecutionEvent;
import io.innominatus.api.workflow.v1.RunWorkflowRequest;
import io.innominatus.api.workflow.v1.WatchExecutionRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The console's HTTP side without a browser: its pages and their headers, the JSON bridge's CSRF checks and
 * errors (the API's own status, code and details), and the event stream's resumption by sequence.
 */
@QuarkusTest
@TestProfile(ConsoleTestProfile.class)
class ConsoleBridgeTest extends GrpcTestSupport {

    private static final String LIST_PRODUCTS = "innominatus.workflow.v1.WorkflowService/ListProducts";
    private final HttpClient http = HttpClient.newHttpClient();
    private String cookie;
    private String token;

    @BeforeEach
    void loadThePage() throws Exception {
        HttpResponse<String> page = get("/", null);
        assertEquals(200, page.statusCode());
        cookie = page.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
        Matcher meta = Pattern.compile("name=\"csrf-token\" content=\"([^\"]+)\"").matcher(page.body());
        assertTrue(meta.find(), page.body());
        token = meta.group(1);
        assertEquals(CsrfTokens.COOKIE + "=" + token, cookie);
    }

    private HttpResponse<String> get(String path, String lastEventId) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl.toString().replaceAll("/$", "") + path));
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> call(String rpc, String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl.toString().replaceAll("/$", "") + "/console/rpc/" + rpc))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> call(String rpc, String body) throws IOException, InterruptedException {
        return call(rpc, body, "Content-Type", "application/json", "Cookie", cookie, CsrfTokens.HEADER, token);
    }

    @Test
    void everyPageIsTheSameDocumentWithItsSecurityHeadersAndUnknownPathsAreNotPages() throws Exception {
        for (String path : List.of("/", "/plan", "/executions", "/executions/abc", "/audit", "/workflows/products/shop/release")) {
            HttpResponse<String> page = get(path, null);
            assertEquals(200, page.statusCode(), path);
            assertTrue(page.body().contains("/console/assets/console.js"), path);
            assertEquals(ConsoleRoutes.CONTENT_SECURITY_POLICY, page.headers().firstValue("content-security-policy").orElse(""), path);
            assertEquals("DENY", page.headers().firstValue("x-frame-options").orElse(""), path);
            assertTrue(page.headers().firstValue("set-cookie").orElse("").contains("SameSite=Strict"), path);
        }
        assertEquals(404, get("/workflows", null).statusCode());
        assertEquals(404, get("/console/assets/../../application.properties", null).statusCode());
        HttpResponse<String> script = get("/console/assets/console.js", null);
        assertEquals(200, script.statusCode());
        assertEquals("nosniff", script.headers().firstValue("x-content-type-options").orElse(""));
    }

    @Test
    void aCallIsAcceptedOnlyWithThePagesTokenAsJsonFromThisOrigin() throws Exception {
        assertEquals(200, call(LIST_PRODUCTS, "{}").statusCode());
        HttpResponse<String> noToken = call(LIST_PRODUCTS, "{}", "Content-Type", "application/json", "Cookie", cookie);
        assertEquals(403, noToken.statusCode());
        assertEquals("PERMISSION_DENIED", new JsonObject(noToken.body()).getString("code"));
        assertEquals("CSRF_CHECK_FAILED", new JsonObject(noToken.body()).getJsonObject("status").getJsonArray("details")
                .getJsonObject(0).getString("reason"));
        assertEquals(403, call(LIST_PRODUCTS, "{}", "Content-Type", "application/json", "Cookie", cookie, CsrfTokens.HEADER,
                "x".repeat(43)).statusCode());
        assertEquals(403, call(LIST_PRODUCTS, "{}", "Content-Type", "text/plain", "Cookie", cookie, CsrfTokens.HEADER, token).statusCode());
        assertEquals(403, call(LIST_PRODUCTS, "{}", "Content-Type", "application/json", "Cookie", cookie, CsrfTokens.HEADER, token,
                "Origin", "http://attacker.example").statusCode());
        assertEquals(403, call(LIST_PRODUCTS, "{}", "Content-Type", "application/json", "Cookie", cookie, CsrfTokens.HEADER, token,
                "Sec-Fetch-Site", "cross-site").statusCode());
        assertEquals(200, call(LIST_PRODUCTS, "{}", "Content-Type", "application/json", "Cookie", cookie, CsrfTokens.HEADER, token,
                "Origin", "http://" + baseUrl.getHost() + ":" + baseUrl.getPort(), "Sec-Fetch-Site", "same-origin").statusCode());
    }

    @Test
    void failuresCarryTheApisStatusCodeAndDetails() throws Exception {
        HttpResponse<String> missing = call("innominatus.workflow.v1.WorkflowService/GetWorkflow", "{\"workflowId\":\"platform/nope\"}");
        assertEquals(404, missing.statusCode());
        JsonObject body = new JsonObject(missing.body());
        assertEquals("NOT_FOUND", body.getString("code"));
        JsonObject info = body.getJsonObject("status").getJsonArray("details").getJsonObject(0);
        assertEquals("type.googleapis.com/google.rpc.ErrorInfo", info.getString("@type"));
        assertEquals("WORKFLOW_NOT_FOUND", info.getString("reason"));

        HttpResponse<String> malformed = call(LIST_PRODUCTS, "{\"pageSize\": \"many\"");
        assertEquals(400, malformed.statusCode());
        assertEquals("INVALID_ARGUMENT", new JsonObject(malformed.body()).getString("code"));
        assertEquals(400, call(LIST_PRODUCTS, "{\"noSuchField\": 1}").statusCode());

        HttpResponse<String> invalid = call("innominatus.workflow.v1.WorkflowService/PlanDeployment",
                "{\"scoreYaml\":\"metadata: [\",\"environment\":\"staging\"}");
        assertEquals(400, invalid.statusCode());
        assertEquals("INVALID_ARGUMENT", new JsonObject(invalid.body()).getString("code"));

        assertEquals(404, call("innominatus.workflow.v1.WorkflowService/NoSuchRpc", "{}").statusCode());
        assertEquals(404, call("grpc.health.v1.Health/Check", "{}").statusCode());
        assertEquals(404, call("innominatus.workflow.v1.WorkflowService/WatchExecution", "{}").statusCode());
        assertEquals(413, call(LIST_PRODUCTS, "{\"pageToken\":\"" + "a".repeat(5 * 1024 * 1024) + "\"}").statusCode());
        // The server is still serving after all that.
        assertEquals(200, call(LIST_PRODUCTS, "{}").statusCode());
    }

    @Test
    void theEventStreamSendsTheLogWithSequencesAndResumesAfterTheLastEventId() throws Exception {
        String score = Files.readString(Path.of(ConsoleTestProfile.STOREFRONT));
        String id = workflows.runWorkflow(RunWorkflowRequest.newBuilder().setWorkflowId("platform/drill").setScoreYaml(score)
                .setEnvironment("staging").build()).getExecution().getExecutionId();
        workflows.withDeadlineAfter(60, TimeUnit.SECONDS).watchExecution(WatchExecutionRequest.newBuilder().setExecutionId(id).build())
                .forEachRemaining(event -> { });
        List<Long> stored = history(workflows, id).stream().map(ExecutionEvent::getSequence).toList();
        assertTrue(stored.size() > 4, stored.toString());

        HttpResponse<String> all = get("/console/events/" + id, null);
        assertEquals(200, all.statusCode());
        assertTrue(all.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        assertEquals(stored, ids(all.body()));
        assertTrue(all.body().contains("event: end\n"), all.body());

        HttpResponse<String> resumed = get("/console/events/" + id, Long.toString(stored.get(2)));
        assertEquals(stored.subList(3, stored.size()), ids(resumed.body()));
        assertEquals(stored.subList(1, stored.size()), ids(get("/console/events/" + id + "?after=" + stored.get(0), null).body()));

        HttpResponse<String> unknown = get("/console/events/" + java.util.UUID.randomUUID(), null);
        assertEquals(404, unknown.statusCode());
        assertEquals("NOT_FOUND", new JsonObject(unknown.body()).getString("code"));
        assertEquals(400, get("/console/events/" + id, "three").statusCode());
    }

    @Test
    void aBrowserThatStopsReadingStallsOnlyItsOwnStream() throws Exception {
        String score = Files.readString(Path.of(ConsoleTestProfile.STOREFRONT));
        String id = workflows.runWorkflow(RunWorkflowRequest.newBuilder().setWorkflowId("platform/chatty").setScoreYaml(score)
                .setEnvironment("staging").build()).getExecution().getExecutionId();
        try (java.net.Socket stalled = new java.net.Socket()) {
            stalled.setReceiveBufferSize(1024);
            stalled.connect(new java.net.InetSocketAddress(baseUrl.getHost(), baseUrl.getPort()));
            stalled.getOutputStream().write(("GET /console/events/" + id + " HTTP/1.1\r\nHost: " + baseUrl.getHost() + "\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            stalled.getOutputStream().flush();
            // The browser reads nothing; the run and another watcher go on regardless.
            List<ExecutionEvent> seen = new ArrayList<>();
            workflows.withDeadlineAfter(60, TimeUnit.SECONDS).watchExecution(WatchExecutionRequest.newBuilder().setExecutionId(id).build())
                    .forEachRemaining(response -> seen.add(response.getEvent()));
            assertEquals(io.innominatus.api.workflow.v1.ExecutionState.EXECUTION_STATE_SUCCEEDED, workflows.getExecution(
                    io.innominatus.api.workflow.v1.GetExecutionRequest.newBuilder().setExecutionId(id).build()).getExecution().getState());
            assertTrue(seen.stream().filter(ExecutionEvent::hasStepLog).count() >= 3000, "every log line reached the other watcher");
            // The stalled stream, read at last, starts at the beginning: it was held back, not cut short.
            byte[] start = stalled.getInputStream().readNBytes(4096);
            String head = new String(start, java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            assertTrue(head.contains("id: 1\n"), head);
        }
        assertEquals(200, call(LIST_PRODUCTS, "{}").statusCode());
    }

    @Test
    void withoutAuthenticationTheConsoleAnswersOnlyToLoopbackNames() throws Exception {
        // A site whose name was rebound to this host must not be "same origin" with a console that trusts everyone.
        for (String host : List.of("attacker.example", "127.0.0.1.attacker.example", "10.0.0.7")) {
            String answer = raw("GET / HTTP/1.1\r\nHost: " + host + ":" + baseUrl.getPort() + "\r\nConnection: close\r\n\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 403"), host + ": " + answer);
            assertTrue(answer.contains("HOST_NOT_LOOPBACK"), answer);
            String rpc = raw("POST /console/rpc/" + LIST_PRODUCTS + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json"
                    + "\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
            assertTrue(rpc.startsWith("HTTP/1.1 403"), host + ": " + rpc);
        }
        for (String host : List.of("localhost", "127.0.0.1", "[::1]", "console.localhost")) {
            String answer = raw("GET / HTTP/1.1\r\nHost: " + host + ":" + baseUrl.getPort() + "\r\nConnection: close\r\n\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 200"), host + ": " + answer);
        }
    }

    private String raw(String request) throws IOException {
        try (java.net.Socket socket = new java.net.Socket(baseUrl.getHost(), baseUrl.getPort())) {
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static List<Long> ids(String stream) {
        List<Long> ids = new ArrayList<>();
        for (String line : stream.split("\n")) {
            if (line.startsWith("id: ")) {
                ids.add(Long.parseLong(line.substring(4)));
            }
        }
        return ids;
    }
}
