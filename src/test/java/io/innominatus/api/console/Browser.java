package io.innominatus.api.console;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its chromedriver, as a person would use the console. Without
 * Chromium the browser tests are skipped, unless {@code -Dinnominatus.it.require-chromium=true} (CI) makes
 * that a failure. Screenshots go to {@code target/console-screenshots}.
 */
public final class Browser implements AutoCloseable {

    static final Path SCREENSHOTS = Path.of("target/console-screenshots");
    private static final Path CHROMIUM = Path.of(System.getProperty("innominatus.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("innominatus.chromedriver", "/usr/bin/chromedriver"));

    public final ChromeDriver driver;
    private final Path profile;
    private final URL root;

    private Browser(ChromeDriver driver, Path profile, URL root) {
        this.driver = driver;
        this.profile = profile;
        this.root = root;
    }

    public static Browser start(URL root) {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && Boolean.getBoolean("innominatus.it.require-chromium")) {
            throw new IllegalStateException("Chromium and chromedriver are required (" + CHROMIUM + ", " + CHROMEDRIVER
                    + "): apt-get install chromium chromium-driver");
        }
        Assumptions.assumeTrue(present, "no Chromium at " + CHROMIUM + " with " + CHROMEDRIVER
                + " (apt-get install chromium chromium-driver); the console's browser tests are skipped");
        try {
            Path profile = Files.createTempDirectory("innominatus-chromium");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            // Headless on loopback only: no background connections to the (closed) network, a fresh profile.
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1440,1000", "--user-data-dir=" + profile);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
            Files.createDirectories(SCREENSHOTS);
            return new Browser(driver, profile, root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code Authorization: Bearer <token>} with every request the pages make, as a signed-in browser would. */
    public void signInWith(String token) {
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", Map.of("Authorization", "Bearer " + token)));
    }

    /** Opens {@code path} and waits until its page has drawn. */
    public void open(String path) {
        driver.get(root.toString().replaceAll("/$", "") + path);
        awaitPage();
    }

    public void awaitPage() {
        await(Duration.ofSeconds(30), () -> "true".equals(main().getDomAttribute("data-ready")));
    }

    public WebElement main() {
        return driver.findElement(By.id("main"));
    }

    public String text() {
        return main().getText();
    }

    public List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    public Object script(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    public Object asyncScript(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
    }

    public void await(Duration timeout, java.util.function.BooleanSupplier condition) {
        new WebDriverWait(driver, timeout, Duration.ofMillis(50)).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> condition.getAsBoolean());
    }

    /** Saves the page as {@code target/console-screenshots/<name>.png}, the whole page's height. */
    public Path screenshot(String name) {
        try {
            Number height = (Number) script("return Math.max(document.documentElement.scrollHeight, 1000)");
            driver.manage().window().setSize(new org.openqa.selenium.Dimension(1440, Math.min(height.intValue(), 4000)));
            File file = driver.getScreenshotAs(OutputType.FILE);
            Path target = SCREENSHOTS.resolve(name + ".png");
            Files.copy(file.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            driver.manage().window().setSize(new org.openqa.selenium.Dimension(1440, 1000));
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover profile in the temporary directory is harmless.
        }
    }
}
