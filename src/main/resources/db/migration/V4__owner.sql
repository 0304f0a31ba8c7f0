-- This database's id, made once by boxd. boxd marks each box's cgroup with it, so that
-- reconciliation can tell another database's boxes (a boxd on another or a mistyped data dir)
-- from orphans of its own, and leaves them alone.
CREATE TABLE boxd_owner (
    singleton  INT          NOT NULL PRIMARY KEY CHECK (singleton = 1),
    id         VARCHAR(36)  NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
