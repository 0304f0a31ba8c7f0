package io.boxd.box;

import com.zaxxer.hikari.HikariDataSource;
import io.boxd.limits.Limits;
import java.util.List;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.data.relational.core.mapping.RelationalMappingContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.data.convert.ReadingConverter;
import org.springframework.data.convert.WritingConverter;
import org.springframework.data.jdbc.core.convert.JdbcCustomConversions;
import tools.jackson.databind.json.JsonMapper;

/** Limits are stored as JSON text: they are read and written whole, never queried by field. */
@Configuration(proxyBeanMethods = false)
class PersistenceConfig {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Plain, unquoted identifiers, so the same migrations and names work on H2 and PostgreSQL. */
    @Bean
    static BeanPostProcessor unquotedIdentifiers() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String name) {
                if (bean instanceof RelationalMappingContext ctx) {
                    ctx.setForceQuote(false);
                }
                return bean;
            }
        };
    }

    /**
     * H2's pool: drop connections whose database H2 closed after a failed write, and test an idle
     * connection with a query, as H2's isValid() answers true for such a connection. So boxd
     * serves again, without a restart, once the disk under its data dir has room.
     */
    @Bean
    static BeanPostProcessor h2DeadConnections() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (bean instanceof HikariDataSource ds && isH2(ds)) {
                    ds.setExceptionOverride(new DeadConnectionEviction());
                    if (ds.getConnectionTestQuery() == null) {
                        ds.setConnectionTestQuery("SELECT 1");
                    }
                }
                return bean;
            }
        };
    }

    /** Whether the pool's JDBC URL names an H2 database. */
    static boolean isH2(HikariDataSource ds) {
        return ds.getJdbcUrl() != null && ds.getJdbcUrl().startsWith("jdbc:h2:");
    }

    @Bean
    JdbcCustomConversions jdbcCustomConversions() {
        return new JdbcCustomConversions(List.of(new LimitsWriter(), new LimitsReader()));
    }

    static String json(Limits limits) {
        return limits == null ? null : JSON.writeValueAsString(limits);
    }

    static Limits limits(String json) {
        return json == null ? null : JSON.readValue(json, Limits.class);
    }

    @WritingConverter
    static final class LimitsWriter implements Converter<Limits, String> {
        @Override
        public String convert(Limits source) {
            return json(source);
        }
    }

    @ReadingConverter
    static final class LimitsReader implements Converter<String, Limits> {
        @Override
        public Limits convert(String source) {
            return limits(source);
        }
    }
}
