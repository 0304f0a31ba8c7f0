package io.boxd;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class BoxdApplication {

    public static void main(String[] args) {
        SpringApplication.run(BoxdApplication.class, args);
    }
}
