package io.boxd.box;

import org.springframework.data.relational.core.mapping.Column;
import org.springframework.data.relational.core.mapping.Table;

@Table("box_label")
record BoxLabel(@Column("label_key") String name, @Column("label_value") String value) {
}
