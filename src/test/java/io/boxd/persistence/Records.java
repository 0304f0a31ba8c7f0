package io.boxd.persistence;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.util.Optional;
import org.springframework.context.ApplicationContext;
import org.springframework.data.repository.CrudRepository;

/**
 * The stored box aggregate ({@code io.boxd.box.BoxRecord}) and its repository are package-private
 * in {@code io.boxd.box}; these tests reach them by reflection so they exercise the real mapping
 * (the @Version column, the label collection) without widening boxd's API.
 */
final class Records {

    private static final Class<?> RECORD = load("io.boxd.box.BoxRecord");
    private static final Class<?> REPOSITORY = load("io.boxd.box.BoxRepository");

    private final CrudRepository<Object, String> repo;

    @SuppressWarnings("unchecked")
    Records(ApplicationContext ctx) {
        this.repo = (CrudRepository<Object, String>) ctx.getBean(REPOSITORY);
    }

    Optional<Object> find(String id) {
        return repo.findById(id);
    }

    Object save(Object record) {
        return repo.save(record);
    }

    /** A new record in state CREATED, as another writer would insert it. */
    static Object newRecord(String id, String driver) {
        try {
            Constructor<?> c = RECORD.getDeclaredConstructor();
            c.setAccessible(true);
            Object r = c.newInstance();
            set(r, "id", id);
            set(r, "state", io.boxd.box.BoxState.CREATED);
            set(r, "driver", driver);
            java.time.Instant now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
            set(r, "createdAt", now);
            set(r, "updatedAt", now);
            return r;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static Object get(Object record, String field) {
        try {
            return field(field).get(record);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    static void set(Object record, String field, Object value) {
        try {
            field(field).set(record, value);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Field field(String name) {
        try {
            Field f = RECORD.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("io.boxd.box.BoxRecord has no field " + name + "; update Records", e);
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(name + " is gone; update Records", e);
        }
    }
}
