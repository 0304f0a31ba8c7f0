package io.boxd.box;

import java.util.Optional;
import org.springframework.data.repository.CrudRepository;

interface BoxRepository extends CrudRepository<BoxRecord, String>, BoxSaves {

    /** Implemented by {@link BoxSavesImpl}: one UPDATE for an existing record, labels untouched. */
    @Override
    <S extends BoxRecord> S save(S rec);

    /** Implemented by {@link BoxSavesImpl}: the row and its labels in one query. */
    @Override
    Optional<BoxRecord> findById(String id);
}
