package io.boxd.box;

/**
 * Saving a box record. A new record is inserted whole (with its labels); an existing one only
 * changes its own row, because labels never change after create and rewriting them on every
 * state change would cost a delete and inserts per step.
 */
interface BoxSaves {

    <S extends BoxRecord> S save(S rec);
}
