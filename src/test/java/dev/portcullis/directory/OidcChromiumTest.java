package dev.portcullis.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.DebianPackages;
import dev.portcullis.testsupport.GuardedRegistry;
import dev.portcullis.testsupport.OciImage;
import dev.portcullis.testsupport.RegistryPortResource;
import dev.portcullis.testsupport.RegistryProcess;
import dev.portcullis.testsupport.Skopeo;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The same sign-in in Debian's Chromium (headless, a fresh profile): "Sign in with Keycloak" on the sign-in page,
 * Keycloak's own login form, the dashboard, then an application token on the profile page with its docker login
 * line, with which skopeo pushes an image through the real registry (as docker would); sign-out at Keycloak too. Shares {@link OidcSignInTest}'s Quarkus and Keycloak (same profile).
 */
@QuarkusTest
@TestProfile(OidcProfile.class)
class OidcChromiumTest {

    private static final Pattern TOKEN = Pattern.compile("pcat_[A-Za-z0-9_-]+");

    @Test
    void signsInAtKeycloakLandsOnTheDashboardAndCreatesAToken() throws IOException {
        String app = "http://127.0.0.1:" + KeycloakResource.appPort();
        Path profile = Files.createTempDirectory("portcullis-chromium-oidc-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(DebianPackages.require("chromium", "chromium").toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-extensions", "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DebianPackages.require("chromedriver", "chromium-driver").toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        try {
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
            driver.get(app + "/login");
            driver.findElement(By.id("oidc-sign-in")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("kc-form-login")));
            assertTrue(driver.getCurrentUrl().contains("/realms/" + KeycloakResource.REALM + "/"), driver.getCurrentUrl());
            driver.findElement(By.id("username")).sendKeys("petra");
            driver.findElement(By.id("password")).sendKeys(KeycloakResource.PASSWORD);
            driver.findElement(By.id("kc-login")).click();
            wait.until(ExpectedConditions.urlToBe(app + "/"));
            assertTrue(driver.getPageSource().contains("petra"), "the dashboard, signed in as petra");

            driver.get(app + "/profile");
            driver.findElement(By.cssSelector("form[action='/profile/tokens'] input[name='name']")).sendKeys("ci");
            driver.findElement(By.cssSelector("form[action='/profile/tokens'] button[type='submit']")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("new-token")));
            String shown = driver.findElement(By.id("new-token")).getText();
            assertTrue(driver.getPageSource().contains("docker login " + LdapSignInTest.SERVICE + " -u petra"), shown);
            Matcher secret = TOKEN.matcher(driver.getPageSource());
            assertTrue(secret.find(), "the token, shown once");
            assertEquals(200, OidcSignInTest.tokenStatus("petra", secret.group()));
            pushWith("petra", secret.group());

            // Sign out: through the extension's logout path to Keycloak's end_session_endpoint and back.
            driver.findElement(By.cssSelector("form[action='/logout'] button")).click();
            wait.withMessage(() -> "back at the sign-in page, not " + driver.getCurrentUrl())
                    .until(d -> d.getCurrentUrl().startsWith(app + "/login"));
            driver.get(app + "/auth/oidc");
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("kc-form-login")));
            assertEquals(200, OidcSignInTest.tokenStatus("petra", secret.group()), "the token outlives the session");
        } finally {
            driver.quit();
        }
    }

    /** What `docker login` then `docker push` do with the token, by skopeo through the real registry. */
    private static void pushWith(String user, String token) throws IOException {
        Path work = Files.createTempDirectory("portcullis-oidc-push");
        RegistryProcess registry = GuardedRegistry.start(work, false, false, RegistryPortResource.port());
        try {
            Path image = OciImage.write(work.resolve("hello"), "1", "hello.txt",
                    "hello from the identity provider".getBytes(StandardCharsets.UTF_8));
            Skopeo.Result push = Skopeo.push(image, "1", registry.host() + "/" + user + "/hello:1", user + ":" + token);
            assertTrue(push.ok(), push.toString());
        } finally {
            registry.stop();
        }
    }
}
