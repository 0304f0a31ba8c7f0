package io.boxd;

import io.boxd.startup.CompilerThreads;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class BoxdApplication {

    public static void main(String[] args) {
        // vfork+exec starts the spawn wrapper without the extra exec of jspawnhelper (JDK 17-21).
        if (System.getProperty("jdk.lang.Process.launchMechanism") == null && Runtime.version().feature() <= 21) {
            System.setProperty("jdk.lang.Process.launchMechanism", "VFORK");
        }
        SpringApplication app = new SpringApplication(BoxdApplication.class);
        CompilerThreads.whileStarting(app);
        app.run(args);
    }
}
