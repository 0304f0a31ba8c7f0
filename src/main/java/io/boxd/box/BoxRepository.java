package io.boxd.box;

import java.util.List;
import org.springframework.data.repository.CrudRepository;

interface BoxRepository extends CrudRepository<BoxRecord, String> {

    List<BoxRecord> findByState(BoxState state);
}
