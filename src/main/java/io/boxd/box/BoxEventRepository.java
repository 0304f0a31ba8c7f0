package io.boxd.box;

import java.util.List;
import org.springframework.data.jdbc.repository.query.Modifying;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.CrudRepository;

interface BoxEventRepository extends CrudRepository<BoxEvent, Long> {

    List<BoxEvent> findByBoxIdOrderByIdAsc(String boxId);

    @Modifying
    @Query("DELETE FROM box_event WHERE box_id = :boxId")
    void deleteByBoxId(String boxId);
}
