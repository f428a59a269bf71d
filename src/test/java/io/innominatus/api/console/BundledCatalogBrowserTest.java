package io.innominatus.api.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.innominatus.api.workflow.v1.DeploymentPlan;
import io.innominatus.api.workflow.v1.PlanDeploymentRequest;
import io.innominatus.api.workflow.v1.PlannedPhase;
import io.innominatus.api.workflow.v1.PlannedWorkflow;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

/**
 * The plan page with the catalog the service ships and the README's example applications: what the page draws
 * is what PlanDeployment answers, step for step, and what it leaves out is listed with its rule.
 */
@QuarkusTest
class BundledCatalogBrowserTest extends BrowserTestSupport {

    @Test
    void thePlanPageDrawsWhatPlanDeploymentAnswersForEachBundledExample() throws Exception {
        for (String example : List.of("ecommerce-web.yaml", "analytics-dashboard.yaml", "hello-world.yaml")) {
            for (String environment : List.of("development", "production")) {
                String score = Files.readString(Path.of("workflows/examples", example));
                DeploymentPlan plan = workflows.planDeployment(PlanDeploymentRequest.newBuilder().setScoreYaml(score)
                        .setEnvironment(environment).build()).getPlan();
                List<String> expected = new ArrayList<>();
                for (PlannedPhase phase : plan.getPhasesList()) {
                    for (PlannedWorkflow workflow : phase.getWorkflowsList()) {
                        workflow.getStepsList().forEach(step -> expected.add(workflow.getWorkflowId() + "/" + step.getName()));
                    }
                }
                browser.open("/plan?environment=" + environment);
                browser.script("arguments[0].value = arguments[1]", browser.driver.findElement(By.id("score")), score);
                assertEquals(environment, new Select(browser.driver.findElement(By.id("environment"))).getFirstSelectedOption()
                        .getDomAttribute("value"));
                browser.script("document.getElementById('plan-result').replaceChildren()");
                browser.driver.findElement(By.cssSelector("#plan-form button[type=submit]")).click();
                browser.await(Duration.ofSeconds(20), () -> !browser.all("#plan-graph").isEmpty());
                assertEquals(expected, browser.all("#plan-graph .node").stream().map(n -> n.getDomAttribute("data-step")).toList(),
                        example + " in " + environment);
                String page = browser.text();
                assertTrue(page.contains(plan.getPlanDigest()), example + " in " + environment);
                plan.getExcludedList().forEach(excluded -> assertTrue(page.contains(excluded.getWorkflowId())
                        && page.contains(excluded.getRuleId()), excluded + " on the page"));
                assertEquals(plan.getRequiresApproval(), page.contains("Approval\nrequired"), example + " in " + environment);
                if (example.startsWith("ecommerce") && environment.equals("production")) {
                    browser.screenshot("plan-bundled-ecommerce-production");
                }
            }
        }
    }
}
