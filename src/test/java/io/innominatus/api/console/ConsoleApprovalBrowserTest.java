package io.innominatus.api.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.innominatus.api.GrpcTestSupport;
import io.innominatus.api.audit.v1.AuditEvent;
import io.innominatus.api.audit.v1.AuditServiceGrpc;
import io.innominatus.api.audit.v1.ListAuditEventsRequest;
import io.innominatus.api.security.TokenIssuer;
import io.innominatus.api.workflow.v1.Execution;
import io.innominatus.api.workflow.v1.ExecutionState;
import io.innominatus.api.workflow.v1.GetExecutionRequest;
import io.innominatus.api.workflow.v1.RunWorkflowRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The console with authentication on, in a real browser: what a user sees and may do follows the same role
 * and four-eyes rules as the API. The requester of a production run sees it waiting and cannot approve it,
 * through the page or by calling the bridge by hand; an approver approves it (bound to the plan digest) and
 * watches it run; the decision is in the audit trail under the approver's name.
 */
@QuarkusTest
@TestProfile(SecuredConsoleTestProfile.class)
class ConsoleApprovalBrowserTest extends GrpcTestSupport {

    private static final String REQUESTER = TokenIssuer.token("dana", List.of("deployer", "approver", "platform-team"));
    private static final String APPROVER = TokenIssuer.token("alex", List.of("approver"));
    private static final String ADMIN = TokenIssuer.token("ada", List.of("admin"));

    private Browser browser;

    @BeforeEach
    void openBrowser() {
        browser = Browser.start(baseUrl);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) { // null when the browser could not start (the test was skipped)
            browser.close();
        }
    }

    private List<String> buttons() {
        return browser.all("#actions button").stream().map(b -> b.getText()).toList();
    }

    @Test
    void anApproverApprovesAProductionRunThatItsRequesterCannot() throws Exception {
        Execution waiting = workflows.withCallCredentials(TokenIssuer.bearer(REQUESTER)).runWorkflow(RunWorkflowRequest.newBuilder()
                .setWorkflowId("platform/drill").setEnvironment("production")
                .setScoreYaml(Files.readString(Path.of(ConsoleTestProfile.STOREFRONT))).build()).getExecution();
        assertEquals(ExecutionState.EXECUTION_STATE_AWAITING_APPROVAL, waiting.getState());
        String page = "/executions/" + waiting.getExecutionId();

        browser.signInWith(REQUESTER);
        browser.open(page);
        browser.await(Duration.ofSeconds(10), () -> browser.text().contains("awaiting approval"));
        String requester = browser.driver.findElement(By.id("session")).getText();
        assertTrue(requester.contains("dana"), requester + "\n" + browser.text());
        assertEquals(List.of("Cancel"), buttons());
        assertTrue(browser.text().contains("You requested this execution: another approver must decide."), browser.text());
        // The bridge refuses what the page does not offer, with the API's reason.
        @SuppressWarnings("unchecked")
        Map<String, Object> forced = (Map<String, Object>) browser.asyncScript("""
                const done = arguments[arguments.length - 1];
                fetch('/console/rpc/innominatus.workflow.v1.WorkflowService/ApproveExecution', {method: 'POST',
                  headers: {'Content-Type': 'application/json', 'X-Innominatus-CSRF': document.querySelector('meta[name=csrf-token]').content},
                  body: JSON.stringify({executionId: arguments[0], planDigest: arguments[1]})})
                  .then(r => r.json().then(b => done({status: r.status, reason: b.status.details[0].reason})));
                """, waiting.getExecutionId(), waiting.getPlan().getPlanDigest());
        assertEquals(403L, forced.get("status"));
        assertEquals("SELF_APPROVAL", forced.get("reason"));
        browser.screenshot("approval-requester");

        browser.signInWith(APPROVER);
        browser.open(page);
        assertTrue(browser.driver.findElement(By.id("session")).getText().contains("alex"));
        assertEquals(List.of("Approve", "Reject"), buttons());
        browser.driver.findElement(By.xpath("//button[text()='Approve']")).click();
        String dialog = browser.driver.findElement(By.cssSelector("dialog[open]")).getText();
        assertTrue(dialog.contains(waiting.getPlan().getPlanDigest()), dialog);
        assertTrue(dialog.contains("platform/drill"), dialog);
        browser.driver.findElement(By.id("action-comment")).sendKeys("change window confirmed");
        browser.screenshot("approval-dialog");
        browser.driver.findElement(By.id("confirm-action")).click();
        browser.await(Duration.ofSeconds(60), () -> Boolean.TRUE.equals(browser.script("return window.__consoleMetrics.streamEnded === true")));
        browser.await(Duration.ofSeconds(10), () -> browser.text().contains("succeeded"));
        assertTrue(browser.text().contains("change window confirmed"), browser.text());
        browser.screenshot("approval-approved");

        Execution approved = workflows.withCallCredentials(TokenIssuer.bearer(ADMIN))
                .getExecution(GetExecutionRequest.newBuilder().setExecutionId(waiting.getExecutionId()).build()).getExecution();
        assertEquals("alex", approved.getApprovedBy());
        assertEquals(ExecutionState.EXECUTION_STATE_SUCCEEDED, approved.getState());
        List<AuditEvent> trail = AuditServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .withCallCredentials(TokenIssuer.bearer(ADMIN))
                .listAuditEvents(ListAuditEventsRequest.newBuilder().setTarget("execution/" + waiting.getExecutionId()).build())
                .getEventsList();
        // Newest first: the approval, the refused self-approval through the console, the request.
        assertEquals(List.of("alex ApproveExecution AUDIT_DECISION_ALLOWED", "dana ApproveExecution AUDIT_DECISION_DENIED",
                "dana RunWorkflow AUDIT_DECISION_ALLOWED"), trail.stream().map(e -> e.getPrincipal() + " " + e.getAction() + " "
                + e.getDecision()).toList());
        assertTrue(trail.get(0).getReason().contains("change window confirmed"), trail.get(0).getReason());
    }

    @Test
    void theSessionNamesTheCallerOfTheBearerToken() throws Exception {
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(baseUrl.toString().replaceAll("/$", "") + "/console/session"))
                .header("Authorization", "Bearer " + REQUESTER).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        var session = new io.vertx.core.json.JsonObject(response.body());
        assertEquals("dana", session.getString("principal"), response.body());
        assertEquals(List.of("approver", "deployer", "viewer"), session.getJsonArray("roles").getList());
        assertEquals(true, session.getBoolean("authenticated"));
    }

    @Test
    void withoutATokenThePagesLoadAndSayThatSigningInIsNeeded() {
        browser.open("/");
        assertTrue(browser.driver.findElement(By.id("session")).getText().contains("not signed in"));
        assertTrue(browser.text().contains("UNAUTHENTICATED"), browser.text());
        browser.signInWith(TokenIssuer.token("vera", List.of("viewer")));
        browser.open("/");
        assertTrue(browser.text().contains("products/shop/release"), browser.text());
        assertTrue(browser.driver.findElement(By.cssSelector("a[data-section=audit]")).getDomAttribute("hidden") != null,
                "a viewer is not offered the audit trail");
    }
}
