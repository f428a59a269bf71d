package io.innominatus.api.console;

import io.innominatus.api.GrpcTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;

/** A test of the service under test with one headless Chromium for the whole class (see {@link Browser}). */
abstract class BrowserTestSupport extends GrpcTestSupport {

    protected static Browser browser;

    @BeforeEach
    void openBrowser() {
        if (browser == null) {
            browser = Browser.start(baseUrl);
        }
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
    }
}
