package io.boxd.box;

import java.util.Optional;

/**
 * The box lifecycle's hot path, written out by hand: every request reads one record and writes
 * one or two, and Spring Data's generic mapping cost more CPU than the database itself. A new
 * record is inserted whole (with its labels); an existing one only changes its own row, because
 * labels never change after create and rewriting them on every state change would cost a delete
 * and inserts per step. Reads fetch the row and its labels in one query.
 */
interface BoxSaves {

    <S extends BoxRecord> S save(S rec);

    Optional<BoxRecord> findById(String id);
}
