package io.innominatus.api.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.innominatus.api.workflow.v1.ExecutionEvent;
import io.innominatus.api.workflow.v1.ExecutionState;
import io.innominatus.api.workflow.v1.GetExecutionRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

/**
 * The console in a real browser, as a platform engineer uses it on the loopback default: the overview lists
 * the catalog, a workflow and a plan are drawn as graphs, a deployment started from the plan page is followed
 * live to its end without a reload, and everything is reachable with the keyboard.
 */
@QuarkusTest
@TestProfile(ConsoleTestProfile.class)
class ConsoleBrowserTest extends BrowserTestSupport {

    @Test
    void theOverviewListsProductsWorkflowsEnvironmentsAndPolicies() {
        browser.open("/");
        String text = browser.text();
        for (String expected : List.of("platform/preflight", "platform/drill", "products/shop/release", "products/shop/loyalty",
                "shop-team", "staging", "production", "1 of 2 workflows allowed", "Effective policies", "shop/release")) {
            assertTrue(text.contains(expected), expected + " in\n" + text);
        }
        WebElement loyalty = browser.driver.findElement(By.xpath("//tr[.//a[text()='products/shop/loyalty']]"));
        assertTrue(loyalty.getText().contains("not allowed"), loyalty.getText());
        WebElement production = browser.driver.findElement(By.xpath("//tr[.//a[text()='production']]"));
        assertTrue(production.getText().contains("required"), production.getText());
        browser.screenshot("overview");
    }

    @Test
    void aWorkflowPageDrawsItsStepsAsADagAndShowsItsYaml() {
        browser.open("/");
        browser.driver.findElement(By.linkText("products/shop/release")).click();
        browser.awaitPage();
        assertTrue(browser.driver.getCurrentUrl().endsWith("/workflows/products/shop/release"), browser.driver.getCurrentUrl());
        assertEquals(4, browser.all("#main svg.graph .node").size());
        // render-config → smoke-test, schema-check → announce: four dependency edges.
        assertEquals(4, browser.all("#main svg.graph path.edge").size());
        assertTrue(browser.text().contains("dependsOn: [smoke-test, schema-check]"), browser.text());
        browser.await(Duration.ofSeconds(10), () -> browser.all("#main .badge").stream().anyMatch(b -> b.getText().equals("valid")));
        browser.screenshot("workflow");
    }

    @Test
    void aPlanIsDrawnAndTheDeploymentItStartsIsFollowedLiveToItsEndWithoutAReload() throws Exception {
        browser.open("/plan");
        WebElement score = browser.driver.findElement(By.id("score"));
        score.clear();
        browser.script("arguments[0].value = arguments[1]", score, Files.readString(Path.of(ConsoleTestProfile.STOREFRONT)));
        new Select(browser.driver.findElement(By.id("environment"))).selectByValue("staging");
        browser.driver.findElement(By.cssSelector("#plan-form button[type=submit]")).click();
        browser.await(Duration.ofSeconds(20), () -> !browser.all("#plan-graph .node").isEmpty());
        // preflight (2 steps, required everywhere), shop/release (4) and the application's own delivery; loyalty is
        // excluded by the allow-list.
        assertEquals(List.of("platform/preflight/image-policy", "platform/preflight/warm-up", "products/shop/release/render-config",
                "products/shop/release/smoke-test", "products/shop/release/schema-check", "products/shop/release/announce",
                "applications/storefront/app-deployment/deploy-application"),
                browser.all("#plan-graph .node").stream().map(n -> n.getDomAttribute("data-step")).toList());
        String plan = browser.text();
        assertTrue(plan.contains("products/shop/loyalty"), plan);
        assertTrue(plan.contains("PRODUCT_WORKFLOW_NOT_ALLOWED"), plan);
        assertTrue(plan.contains("storefront-staging"), plan);
        browser.screenshot("plan");

        browser.script("window.__sameDocument = true");
        browser.driver.findElement(By.xpath("//button[text()='Start deployment']")).click();
        browser.await(Duration.ofSeconds(20), () -> browser.driver.getCurrentUrl().contains("/executions/"));
        browser.awaitPage();
        String id = browser.driver.getCurrentUrl().replaceAll(".*/executions/", "");
        // The warm-up step logs for about two seconds: the page shows it running, then its lines arrive in its log.
        WebElement warmUp = browser.driver.findElement(By.cssSelector("[data-step='platform/preflight/warm-up']"));
        browser.await(Duration.ofSeconds(30), () -> "running".equals(warmUp.getDomAttribute("data-state"))
                || "succeeded".equals(warmUp.getDomAttribute("data-state")));
        warmUp.click();
        browser.await(Duration.ofSeconds(30), () -> browser.driver.findElement(By.id("step-log")).getText()
                .contains("warming storefront: 6 of 6"));
        browser.await(Duration.ofSeconds(60), () -> Boolean.TRUE.equals(browser.script("return window.__consoleMetrics.streamEnded === true")));
        assertEquals(Boolean.TRUE, browser.script("return window.__sameDocument === true"), "the page was reloaded");

        assertEquals(ExecutionState.EXECUTION_STATE_SUCCEEDED, workflows.getExecution(GetExecutionRequest.newBuilder()
                .setExecutionId(id).build()).getExecution().getState());
        browser.await(Duration.ofSeconds(10), () -> browser.text().contains("succeeded"));
        for (WebElement node : browser.all("#execution-graph .node")) {
            assertEquals("succeeded", node.getDomAttribute("data-state"), node.getDomAttribute("data-step"));
        }
        assertTheTimelineIsTheLog(id);
        browser.screenshot("execution");

        // The keyboard reaches a step of the graph and opens it.
        browser.script("document.getElementById('execution-graph').scrollIntoView(); document.querySelector('.legend').setAttribute('tabindex', '-1'); document.querySelector('.legend').focus()");
        WebElement focused = null;
        for (int i = 0; i < 5 && (focused == null || !"button".equals(focused.getDomAttribute("role"))); i++) {
            new Actions(browser.driver).sendKeys(Keys.TAB).perform();
            focused = browser.driver.switchTo().activeElement();
        }
        assertEquals("platform/preflight/image-policy", focused.getDomAttribute("data-step"));
        new Actions(browser.driver).sendKeys(Keys.ENTER).perform();
        browser.await(Duration.ofSeconds(5), () -> browser.driver.findElement(By.cssSelector(".step-panel h3")).getText()
                .contains("platform/preflight / image-policy"));
    }

    @Test
    void aFailedRunIsRetriedFromItsPageWhichFollowsTheSecondAttemptLive() throws Exception {
        String score = Files.readString(Path.of(ConsoleTestProfile.STOREFRONT))
                .replace("name: storefront", "name: retry-" + java.util.UUID.randomUUID().toString().substring(0, 8));
        String id = workflows.runWorkflow(io.innominatus.api.workflow.v1.RunWorkflowRequest.newBuilder().setWorkflowId("platform/flaky")
                .setScoreYaml(score).setEnvironment("staging").build()).getExecution().getExecutionId();
        browser.open("/executions/" + id);
        browser.await(Duration.ofSeconds(30), () -> Boolean.TRUE.equals(browser.script("return window.__consoleMetrics.streamEnded === true")));
        WebElement failed = browser.driver.findElement(By.cssSelector("[data-step='platform/flaky/dependency']"));
        assertEquals("failed", failed.getDomAttribute("data-state"));
        assertTrue(browser.text().contains("dependency unavailable") || browser.text().contains("exit"), browser.text());
        browser.driver.findElement(By.xpath("//button[text()='Retry']")).click();
        browser.driver.findElement(By.id("confirm-action")).click();
        browser.await(Duration.ofSeconds(30), () -> "succeeded".equals(browser.driver.findElement(
                By.cssSelector("[data-step='platform/flaky/dependency']")).getDomAttribute("data-state")));
        browser.await(Duration.ofSeconds(30), () -> Boolean.TRUE.equals(browser.script("return window.__consoleMetrics.streamEnded === true")));
        assertEquals(ExecutionState.EXECUTION_STATE_SUCCEEDED, workflows.getExecution(GetExecutionRequest.newBuilder()
                .setExecutionId(id).build()).getExecution().getState());
        // Both runs are on it.
        assertTheTimelineIsTheLog(id);
        assertTrue(browser.driver.findElement(By.id("timeline")).getText().contains("dependency started (attempt 2)"),
                browser.driver.findElement(By.id("timeline")).getText());
        assertTrue(browser.all("#actions button").stream().noneMatch(b -> b.getText().equals("Retry")));
    }

    /** Every stored event but the log lines (shown in the step logs) is on the timeline, in order, once. */
    private void assertTheTimelineIsTheLog(String id) {
        List<Long> expected = history(workflows, id).stream().filter(e -> !e.hasStepLog()).map(ExecutionEvent::getSequence).toList();
        List<Long> shown = browser.all("#timeline tr[data-sequence]").stream()
                .map(row -> Long.parseLong(row.getDomAttribute("data-sequence"))).toList();
        assertEquals(expected, shown);
    }

    @Test
    void theExecutionsAndTheAuditTrailAreFilteredAsTheirListRpcsFilter() throws Exception {
        String app = "filter-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        String score = Files.readString(Path.of(ConsoleTestProfile.STOREFRONT)).replace("name: storefront", "name: " + app);
        for (String environment : List.of("staging", "production")) {
            workflows.runWorkflow(io.innominatus.api.workflow.v1.RunWorkflowRequest.newBuilder().setWorkflowId("platform/drill")
                    .setScoreYaml(score).setEnvironment(environment).build());
        }
        browser.open("/executions");
        browser.driver.findElement(By.id("filter-application")).sendKeys(app);
        new Select(browser.driver.findElement(By.id("filter-state"))).selectByValue("EXECUTION_STATE_AWAITING_APPROVAL");
        browser.driver.findElement(By.cssSelector("form.filters button[type=submit]")).click();
        browser.await(Duration.ofSeconds(10), () -> browser.driver.getCurrentUrl().contains("state=EXECUTION_STATE_AWAITING_APPROVAL"));
        browser.awaitPage();
        List<String> expected = workflows.listExecutions(io.innominatus.api.workflow.v1.ListExecutionsRequest.newBuilder()
                .setApplication(app).setState(ExecutionState.EXECUTION_STATE_AWAITING_APPROVAL).build()).getExecutionsList().stream()
                .map(io.innominatus.api.workflow.v1.Execution::getExecutionId).toList();
        assertEquals(1, expected.size());
        assertEquals(expected, browser.all("#executions tbody tr td:first-child a").stream().map(WebElement::getText).toList());
        assertTrue(browser.driver.findElement(By.id("executions")).getText().contains("production"));

        browser.open("/audit?action=RunWorkflow&target=" + java.net.URLEncoder.encode("execution/" + expected.get(0),
                java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("RunWorkflow", browser.driver.findElement(By.id("filter-action")).getDomAttribute("value"));
        List<WebElement> rows = browser.all("#audit tbody tr");
        assertEquals(1, rows.size(), browser.text());
        assertTrue(rows.get(0).getText().contains("RunWorkflow") && rows.get(0).getText().contains("allowed"), rows.get(0).getText());
        browser.screenshot("audit");
    }

    @Test
    void theKeyboardAloneMovesBetweenPages() {
        browser.open("/");
        browser.script("document.activeElement.blur(); window.scrollTo(0, 0)");
        new Actions(browser.driver).sendKeys(Keys.TAB).perform();
        WebElement skip = browser.driver.switchTo().activeElement();
        assertEquals("Skip to content", skip.getText());
        List<String> order = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            new Actions(browser.driver).sendKeys(Keys.TAB).perform();
            order.add(browser.driver.switchTo().activeElement().getText().trim());
        }
        assertEquals(List.of("innominatus", "Overview", "Plan", "Executions"), order);
        new Actions(browser.driver).sendKeys(Keys.ENTER).perform();
        browser.await(Duration.ofSeconds(10), () -> browser.driver.getCurrentUrl().endsWith("/executions"));
        browser.awaitPage();
        assertEquals("main", browser.driver.switchTo().activeElement().getDomAttribute("id"));
        assertEquals("page", browser.driver.findElement(By.linkText("Executions")).getDomAttribute("aria-current"));
        assertFalse(browser.text().contains("Loading"));
        browser.screenshot("executions");
    }
}
