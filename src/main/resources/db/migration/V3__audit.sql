-- Who caused each event: the token name of the mutating request, "anonymous" when authentication
-- is off, or "boxd" for boxd's own work. Never a token. NULL on events from before this column.
ALTER TABLE box_event ADD COLUMN actor VARCHAR(64);
