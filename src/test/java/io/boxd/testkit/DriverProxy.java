package io.boxd.testkit;

import io.boxd.driver.BoxDriver;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.LinkedHashSet;
import java.util.Set;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.util.ClassUtils;

/**
 * Puts the real {@link BoxDriver} bean behind a proxy through which a test sees, changes or
 * fails its calls; everything it lets through is the real driver on the real kernel.
 */
public final class DriverProxy {

    /** One call on the driver: {@code real.call()} makes it as it would have been made. */
    public interface Around {
        Object call(Method method, Object[] args, BoxDriver driver, RealCall real) throws Throwable;
    }

    /** The real call. */
    public interface RealCall {
        Object call() throws Throwable;
    }

    private DriverProxy() {
    }

    /** A post-processor for a test's {@code @TestConfiguration}: declare it as a static {@code @Bean}. */
    public static BeanPostProcessor around(Around around) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (!(bean instanceof BoxDriver driver)) {
                    return bean;
                }
                Set<Class<?>> types = new LinkedHashSet<>(ClassUtils.getAllInterfacesForClassAsSet(bean.getClass()));
                types.add(AutoCloseable.class); // so that Spring still closes the real driver
                return Proxy.newProxyInstance(BoxDriver.class.getClassLoader(), types.toArray(Class<?>[]::new), (p, m, args) -> {
                    if (m.getName().equals("close") && m.getParameterCount() == 0) {
                        return bean.getClass().getMethod("close").invoke(bean);
                    }
                    return around.call(m, args, driver, () -> {
                        try {
                            return m.invoke(driver, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
                });
            }
        };
    }
}
