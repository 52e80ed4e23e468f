-- Foundation schema: administrative units with history, agencies, plans as
-- data, users, sessions, API tokens and the audit log. Dates are ISO text
-- (YYYY-MM-DD) and timestamps RFC 3339 UTC text on both engines, so the same
-- SQL compares them (docs/decisions/0001-dates-as-text.md).

CREATE TABLE units (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    type        TEXT NOT NULL,
    level       INTEGER NOT NULL,
    parent_code TEXT,
    path        TEXT NOT NULL,
    valid_from  TEXT,
    valid_to    TEXT
);
CREATE INDEX units_code ON units (code);
CREATE INDEX units_path ON units (path);

CREATE TABLE unit_changes (
    id          INTEGER PRIMARY KEY,
    date        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    old_unit_id BIGINT NOT NULL REFERENCES units (id),
    new_unit_id BIGINT REFERENCES units (id),
    portion     TEXT NOT NULL DEFAULT '',
    basis       TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX unit_changes_old ON unit_changes (old_unit_id);
CREATE INDEX unit_changes_new ON unit_changes (new_unit_id);

CREATE TABLE unit_populations (
    unit_id  BIGINT NOT NULL REFERENCES units (id),
    ref_date TEXT NOT NULL,
    grp      TEXT NOT NULL,
    value    BIGINT NOT NULL,
    source   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (unit_id, ref_date, grp)
);

CREATE TABLE agencies (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    short_name  TEXT NOT NULL DEFAULT '',
    type        TEXT NOT NULL,
    unit_code   TEXT NOT NULL DEFAULT '',
    valid_from  TEXT,
    valid_to    TEXT,
    note        TEXT NOT NULL DEFAULT '',
    focal_name  TEXT NOT NULL DEFAULT '',
    focal_email TEXT NOT NULL DEFAULT '',
    focal_phone TEXT NOT NULL DEFAULT ''
);

CREATE TABLE agency_members (
    group_id  BIGINT NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    member_id BIGINT NOT NULL REFERENCES agencies (id),
    position  INTEGER NOT NULL,
    PRIMARY KEY (group_id, member_id)
);

CREATE TABLE plans (
    id                INTEGER PRIMARY KEY,
    code              TEXT NOT NULL UNIQUE,
    title             TEXT NOT NULL,
    province_code     TEXT NOT NULL,
    period_from       INTEGER NOT NULL,
    period_to         INTEGER NOT NULL,
    decision_number   TEXT NOT NULL,
    decision_date     TEXT NOT NULL,
    issuer            TEXT NOT NULL,
    decision_title    TEXT NOT NULL,
    signer_title      TEXT NOT NULL DEFAULT '',
    preamble          TEXT NOT NULL DEFAULT '',
    general_objective TEXT NOT NULL,
    closing           TEXT NOT NULL DEFAULT '',
    -- The plan's running text that nothing else refers to (legal bases,
    -- articles, purposes, funding rules…), as JSON.
    texts             TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);

CREATE TABLE plan_agencies (
    plan_id   BIGINT NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    position  INTEGER NOT NULL,
    PRIMARY KEY (plan_id, agency_id)
);

CREATE TABLE plan_targets (
    id          INTEGER PRIMARY KEY,
    plan_id     BIGINT NOT NULL REFERENCES plans (id),
    code        TEXT NOT NULL,
    position    INTEGER NOT NULL,
    text        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    unit_set    TEXT NOT NULL DEFAULT '',
    condition   TEXT NOT NULL DEFAULT '',
    populations TEXT NOT NULL DEFAULT '',
    measure     TEXT NOT NULL DEFAULT '',
    per         TEXT NOT NULL DEFAULT '',
    UNIQUE (plan_id, code)
);

CREATE TABLE plan_milestones (
    target_id  BIGINT NOT NULL REFERENCES plan_targets (id) ON DELETE CASCADE,
    year       INTEGER NOT NULL,
    comparator TEXT NOT NULL,
    value      REAL NOT NULL,
    PRIMARY KEY (target_id, year)
);

CREATE TABLE plan_themes (
    id       INTEGER PRIMARY KEY,
    plan_id  BIGINT NOT NULL REFERENCES plans (id),
    code     TEXT NOT NULL,
    position INTEGER NOT NULL,
    name     TEXT NOT NULL,
    text     TEXT NOT NULL,
    UNIQUE (plan_id, code)
);

CREATE TABLE plan_channels (
    id       INTEGER PRIMARY KEY,
    plan_id  BIGINT NOT NULL REFERENCES plans (id),
    code     TEXT NOT NULL,
    position INTEGER NOT NULL,
    name     TEXT NOT NULL,
    text     TEXT NOT NULL,
    UNIQUE (plan_id, code)
);

CREATE TABLE plan_tasks (
    id                  INTEGER PRIMARY KEY,
    plan_id             BIGINT NOT NULL REFERENCES plans (id),
    clause              TEXT NOT NULL,
    position            INTEGER NOT NULL,
    text                TEXT NOT NULL,
    agency_id           BIGINT NOT NULL REFERENCES agencies (id),
    quantity_comparator TEXT NOT NULL DEFAULT '',
    quantity_value      REAL NOT NULL DEFAULT 0,
    quantity_measure    TEXT NOT NULL DEFAULT '',
    years               TEXT NOT NULL DEFAULT '',
    UNIQUE (plan_id, clause)
);

CREATE TABLE task_cooperating (
    task_id   BIGINT NOT NULL REFERENCES plan_tasks (id) ON DELETE CASCADE,
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    position  INTEGER NOT NULL,
    PRIMARY KEY (task_id, agency_id)
);

CREATE TABLE task_channels (
    task_id    BIGINT NOT NULL REFERENCES plan_tasks (id) ON DELETE CASCADE,
    channel_id BIGINT NOT NULL REFERENCES plan_channels (id),
    position   INTEGER NOT NULL,
    PRIMARY KEY (task_id, channel_id)
);

CREATE TABLE task_themes (
    task_id  BIGINT NOT NULL REFERENCES plan_tasks (id) ON DELETE CASCADE,
    theme_id BIGINT NOT NULL REFERENCES plan_themes (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (task_id, theme_id)
);

CREATE TABLE funding_sources (
    id       INTEGER PRIMARY KEY,
    plan_id  BIGINT NOT NULL REFERENCES plans (id),
    code     TEXT NOT NULL,
    position INTEGER NOT NULL,
    name     TEXT NOT NULL,
    UNIQUE (plan_id, code)
);

CREATE TABLE plan_reporting (
    plan_id             BIGINT PRIMARY KEY REFERENCES plans (id) ON DELETE CASCADE,
    clause              TEXT NOT NULL,
    text                TEXT NOT NULL,
    name                TEXT NOT NULL,
    content             TEXT NOT NULL,
    reporters_text      TEXT NOT NULL,
    recipient_agency_id BIGINT NOT NULL REFERENCES agencies (id),
    methods             TEXT NOT NULL,
    email               TEXT NOT NULL,
    frequency           TEXT NOT NULL,
    deadline            TEXT NOT NULL,
    cutoff_from         TEXT NOT NULL,
    cutoff_to           TEXT NOT NULL,
    cutoff_basis        TEXT NOT NULL,
    cutoff_default      BOOLEAN NOT NULL,
    timezone            TEXT NOT NULL
);

CREATE TABLE reporting_agencies (
    plan_id   BIGINT NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    position  INTEGER NOT NULL,
    PRIMARY KEY (plan_id, agency_id)
);

CREATE TABLE key_areas (
    id      INTEGER PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES plans (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    year    INTEGER NOT NULL,
    reasons TEXT NOT NULL,
    note    TEXT NOT NULL DEFAULT '',
    UNIQUE (plan_id, unit_id, year)
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    agency_id     BIGINT REFERENCES agencies (id),
    unit_id       BIGINT REFERENCES units (id),
    password_hash TEXT NOT NULL,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    last_used_at TEXT
);

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor_id   BIGINT,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    before     TEXT NOT NULL DEFAULT '',
    after      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
