package io.boxd.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxd.testkit.Http;
import io.boxd.testkit.Http.Reply;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

/**
 * What a new user does, in a real headless Chromium (Debian's chromium and chromium-driver):
 * start boxd with a token (BOXD_TOKENS, its own JVM), see a request without it fail, open Swagger
 * UI, click Authorize, enter the token, and create a box with "Try it out". Screenshots go to
 * {@code target/swagger-ui-*.png}. Without Chromium the test is skipped, except under
 * {@code CI=true}, where it fails: CI installs the packages.
 */
class SwaggerUiChromiumTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    static void requireChromium() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("CI=true but " + CHROMIUM + " or " + CHROMEDRIVER + " is missing: "
                    + "apt-get install chromium chromium-driver");
        }
        Assumptions.assumeTrue(present, "Chromium is not installed (apt-get install chromium chromium-driver)");
    }

    @Test
    void authorizeInSwaggerUiAndCreateABox() throws Exception {
        requireChromium();
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String token = "ui-" + HexFormat.of().formatHex(random);
        try (TestBox world = new TestBox("swagger-ui")) {
            List<String> args = new ArrayList<>(List.of("--boxd.security.mode=tokens", "--boxd.reconcile.interval=0"));
            world.settings().forEach((k, v) -> args.add("--" + k + "=" + v));
            try (BoxdProcess boxd = BoxdProcess.start("swagger-ui-boxd", Map.of("BOXD_TOKENS", "browser:" + token + ":operator"), args)) {
                Duration ready = boxd.awaitReady(Duration.ofSeconds(120));
                System.out.println("boxd with a token was ready after " + ready.toMillis() + " ms");
                Http anonymous = new Http(boxd.base());
                Reply refused = anonymous.get("/v1/boxes").problem(401, "unauthorized");
                assertThat(refused.json().path("detail").asString()).contains("Authorization: Bearer");
                assertThat(boxd.output()).doesNotContain(token);

                String id = clickThrough(boxd.base(), token);

                Http operator = anonymous.as(token);
                Reply box = operator.get("/v1/boxes/" + id);
                assertThat(box.status()).as("%s", box).isEqualTo(200);
                assertThat(box.json().path("state").asString()).isEqualTo("CREATED");
                JsonNode events = operator.get("/v1/boxes/" + id + "/events").json();
                assertThat(events.get(0).path("type").asString()).isEqualTo("created");
                assertThat(events.get(0).path("actor").asString()).isEqualTo("browser");
                assertThat(operator.delete("/v1/boxes/" + id).status()).isEqualTo(204);
                assertThat(boxd.output()).doesNotContain(token);
            }
        }
    }

    /** Drives Swagger UI; returns the id of the box it created. */
    String clickThrough(String base, String token) throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1600",
                "--user-data-dir=" + Files.createDirectories(tmp.resolve("chromium-profile")));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .withLogFile(new File("target/swagger-ui-chromedriver.log")).build();
        ChromeDriver driver = new ChromeDriver(service, options);
        try {
            WebDriverWait wait = new WebDriverWait(driver, WAIT);
            driver.get(base + "/swagger-ui.html");
            wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".scheme-container button.authorize"))).click();

            WebElement input = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".modal-ux .auth-container input")));
            input.sendKeys(token);
            driver.findElement(By.cssSelector(".modal-ux .auth-btn-wrapper button.authorize")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".modal-ux .auth-container"), "Authorized"));
            screenshot(driver, "swagger-ui-authorized");
            driver.findElement(By.cssSelector(".modal-ux .auth-btn-wrapper button.btn-done")).click();
            wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(".modal-ux")));

            String op = "#operations-boxes-create";
            wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(op + " .opblock-summary-control"))).click();
            wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(op + " button.try-out__btn"))).click();
            WebElement body = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(op + " textarea.body-param__text")));
            body.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
            body.sendKeys("{\"limits\":{\"pidsMax\":\"max\"},\"labels\":{\"made-in\":\"swagger-ui\"}}");
            driver.findElement(By.cssSelector(op + " button.execute")).click();

            By status = By.cssSelector(op + " .live-responses-table .response .response-col_status");
            wait.until(ExpectedConditions.visibilityOfElementLocated(status));
            WebElement statusCell = driver.findElement(status);
            ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'center'})", statusCell);
            String shown = statusCell.getText().trim();
            WebElement responseBody = driver.findElement(By.cssSelector(op + " .live-responses-table .response-col_description pre"));
            String json = responseBody.getText();
            screenshot(driver, "swagger-ui-created");
            assertThat(shown).as("the status Swagger UI shows; body %s", json).isEqualTo("201");
            JsonNode created = Http.JSON.readTree(json);
            assertThat(created.path("state").asString()).isEqualTo("CREATED");
            assertThat(created.path("labels").path("made-in").asString()).isEqualTo("swagger-ui");
            return created.path("id").asString();
        } finally {
            driver.quit();
        }
    }

    static void screenshot(ChromeDriver driver, String name) throws Exception {
        File shot = driver.getScreenshotAs(OutputType.FILE);
        Path to = Path.of("target", name + ".png");
        Files.createDirectories(to.getParent());
        Files.copy(shot.toPath(), to, StandardCopyOption.REPLACE_EXISTING);
    }
}
