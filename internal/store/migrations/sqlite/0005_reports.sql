-- The reporting regime: each agency's yearly report and the consolidating
-- department's consolidated one, with their workflow (draft, submitted,
-- accepted, returned); the mail sent about them (reminders and the
-- submitted documents), at most once per agency, period, kind and
-- reference; and the notices the app shows coordinators.

CREATE TABLE reports (
    id                 INTEGER PRIMARY KEY,
    plan_id            BIGINT NOT NULL REFERENCES plans (id),
    kind               TEXT NOT NULL,
    year               INTEGER NOT NULL,
    agency_id          BIGINT NOT NULL REFERENCES agencies (id),
    status             TEXT NOT NULL,
    number             TEXT NOT NULL DEFAULT '',
    signer_title       TEXT NOT NULL DEFAULT '',
    signer_name        TEXT NOT NULL DEFAULT '',
    results            TEXT NOT NULL DEFAULT '',
    shortcomings       TEXT NOT NULL DEFAULT '',
    causes             TEXT NOT NULL DEFAULT '',
    proposals          TEXT NOT NULL DEFAULT '',
    -- The figures as they stood at submission (JSON), so a submitted
    -- report does not change when records are edited later.
    figures            TEXT,
    first_submitted_at TEXT,
    submitted_at       TEXT,
    submitted_by       TEXT,
    decided_at         TEXT,
    decided_by         TEXT,
    reason             TEXT NOT NULL DEFAULT '',
    created_at         TEXT NOT NULL,
    created_by         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    updated_by         TEXT NOT NULL,
    UNIQUE (plan_id, kind, year, agency_id)
);

CREATE TABLE mailings (
    id         INTEGER PRIMARY KEY,
    plan_id    BIGINT NOT NULL REFERENCES plans (id),
    agency_id  BIGINT NOT NULL REFERENCES agencies (id),
    year       INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    -- ref tells apart mailings of one kind that may repeat (each
    -- submission of a report); '' for reminders, which go once.
    ref        TEXT NOT NULL DEFAULT '',
    recipients TEXT NOT NULL,
    subject    TEXT NOT NULL,
    status     TEXT NOT NULL,
    error      TEXT NOT NULL DEFAULT '',
    attempts   INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (plan_id, agency_id, year, kind, ref)
);
CREATE INDEX mailings_created ON mailings (created_at);

CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    plan_id    BIGINT REFERENCES plans (id),
    -- role the notice is for (coordinator: coordinators and admins).
    audience   TEXT NOT NULL,
    message    TEXT NOT NULL,
    link       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    read_at    TEXT,
    read_by    TEXT
);
CREATE INDEX notifications_created ON notifications (created_at);
