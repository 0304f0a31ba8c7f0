-- boxd takes label values of up to 255 characters (Unicode code points, as JSON Schema counts).
-- H2 counts UTF-16 units, two for a character outside the BMP (an emoji), so the column holds
-- twice that; PostgreSQL counts characters, and the API keeps the bound either way.
ALTER TABLE box_label ALTER COLUMN label_value SET DATA TYPE VARCHAR(510);
