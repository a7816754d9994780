package dev.portcullis.web;

import dev.portcullis.testsupport.DebianPackages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven through Debian's chromedriver (installed with apt when missing, like the
 * other peers; never a downloaded browser). Each browser gets a fresh profile, so no cookie survives it.
 */
final class Browser implements AutoCloseable {

    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static final int WIDTH = 1280;

    final ChromeDriver driver;
    final String base;
    private final Path profile;

    private Browser(ChromeDriver driver, String base, Path profile) {
        this.driver = driver;
        this.base = base;
        this.profile = profile;
    }

    static Browser start(String base) {
        Path chromium = DebianPackages.require("chromium", "chromium");
        Path chromedriver = DebianPackages.require("chromedriver", "chromium-driver");
        Path profile;
        try {
            profile = Files.createTempDirectory("portcullis-chromium-");
            Files.createDirectories(SCREENSHOTS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic", "--disable-extensions", "--hide-scrollbars",
                "--window-size=" + WIDTH + ",900", "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .withLogFile(SCREENSHOTS.resolveSibling("chromedriver.log").toFile())
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return new Browser(driver, base, profile);
    }

    Browser open(String path) {
        driver.get(base + path);
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> "complete".equals(
                driver.executeScript("return document.readyState")));
        return this;
    }

    /**
     * Chromium sometimes answers with a node of the document it is replacing ("does not belong to the document"),
     * for instance right after a resize for a screenshot: look the element up again, a few times.
     */
    private void retrying(Runnable action) {
        for (int attempt = 1; ; attempt++) {
            try {
                action.run();
                return;
            } catch (org.openqa.selenium.WebDriverException e) {
                boolean stale = e instanceof org.openqa.selenium.StaleElementReferenceException
                        || String.valueOf(e.getMessage()).contains("does not belong to the document");
                if (!stale || attempt >= 5) {
                    throw e;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    String path() {
        return driver.getCurrentUrl().replaceFirst("^https?://[^/]+", "");
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    String text() {
        return find("main").getText();
    }

    void type(String css, String text) {
        retrying(() -> {
            WebElement field = find(css);
            field.clear();
            field.sendKeys(text);
        });
    }

    /** Clicks the button of a form and waits for the page it leads to. */
    void submit(String css) {
        retrying(() -> {
            WebElement button = find(css);
            WebElement html = find("html");
            button.click();
            new WebDriverWait(driver, Duration.ofSeconds(20)).until(ExpectedConditions.stalenessOf(html));
        });
    }

    void signIn(String username, String password) {
        open("/login");
        type("#j_username", username);
        type("#j_password", password);
        submit("form[action='/j_security_check'] button[type=submit]");
    }

    /** The whole page, not only the window: the window is stretched to the page's height for the shot. */
    void screenshot(String name) {
        screenshot(name, WIDTH);
    }

    void screenshot(String name, int width) {
        Dimension before = driver.manage().window().getSize();
        try {
            driver.manage().window().setSize(new Dimension(width, 900));
            // Chromium's own full-page capture: the whole document at this width, beyond the window.
            Map<String, Object> metrics = driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
            @SuppressWarnings("unchecked")
            Map<String, Object> content = (Map<String, Object>) metrics.get("cssContentSize");
            double height = Math.min(((Number) content.get("height")).doubleValue(), 10_000);
            Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png",
                    "captureBeyondViewport", true, "clip", Map.of("x", 0, "y", 0, "width", width, "height", height,
                            "scale", 1)));
            Files.write(SCREENSHOTS.resolve(name + ".png"), Base64.getDecoder().decode((String) shot.get("data")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            driver.manage().window().setSize(before);
        }
    }

    WebDriver driver() {
        return driver;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                // a temp dir left behind is harmless
            }
        }
    }
}
