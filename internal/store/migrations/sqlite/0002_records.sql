-- What agencies did: activities, the quantity vocabulary, evidence files,
-- materials and their distribution to communes with each commune's
-- confirmation, budget estimates, in-depth prevention models, and the
-- record of imported files. Records are deleted softly (deleted_at) so a
-- coordinator can restore them; every change is also in audit_log.

CREATE TABLE quantity_kinds (
    id       INTEGER PRIMARY KEY,
    code     TEXT NOT NULL UNIQUE,
    name     TEXT NOT NULL,
    name_en  TEXT NOT NULL DEFAULT '',
    unit     TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL
);

CREATE TABLE imports (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    filename   TEXT NOT NULL,
    rows       INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (kind, sha256)
);

CREATE TABLE activities (
    id                INTEGER PRIMARY KEY,
    plan_id           BIGINT NOT NULL REFERENCES plans (id),
    agency_id         BIGINT NOT NULL REFERENCES agencies (id),
    task_id           BIGINT REFERENCES plan_tasks (id),
    channel_id        BIGINT NOT NULL REFERENCES plan_channels (id),
    title             TEXT NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    start_date        TEXT NOT NULL,
    end_date          TEXT NOT NULL,
    whole_province    BOOLEAN NOT NULL DEFAULT FALSE,
    aud_total         BIGINT,
    aud_women         BIGINT,
    aud_men           BIGINT,
    aud_children      BIGINT,
    aud_ethnic        BIGINT,
    cost              BIGINT NOT NULL DEFAULT 0,
    funding_source_id BIGINT REFERENCES funding_sources (id),
    links             TEXT NOT NULL DEFAULT '',
    notes             TEXT NOT NULL DEFAULT '',
    -- Title, description and notes folded (lowercase, no diacritics, đ→d)
    -- by Go, so search ignores diacritics with plain LIKE on both engines.
    search            TEXT NOT NULL,
    demo              BOOLEAN NOT NULL DEFAULT FALSE,
    import_id         BIGINT REFERENCES imports (id),
    created_at        TEXT NOT NULL,
    created_by        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    updated_by        TEXT NOT NULL,
    deleted_at        TEXT,
    deleted_by        TEXT
);
CREATE INDEX activities_plan_start ON activities (plan_id, start_date);
CREATE INDEX activities_agency_start ON activities (agency_id, start_date);
CREATE INDEX activities_task ON activities (task_id);

-- The link tables are WITHOUT ROWID on SQLite: their primary key is the
-- table, one B-tree fewer to write per row (PostgreSQL has no rowid).
CREATE TABLE activity_themes (
    activity_id BIGINT NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    theme_id    BIGINT NOT NULL REFERENCES plan_themes (id),
    PRIMARY KEY (activity_id, theme_id)
) WITHOUT ROWID;
CREATE INDEX activity_themes_theme ON activity_themes (theme_id);

CREATE TABLE activity_units (
    activity_id BIGINT NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    unit_id     BIGINT NOT NULL REFERENCES units (id),
    PRIMARY KEY (activity_id, unit_id)
) WITHOUT ROWID;
CREATE INDEX activity_units_unit ON activity_units (unit_id);

CREATE TABLE activity_quantities (
    activity_id BIGINT NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    kind_id     BIGINT NOT NULL REFERENCES quantity_kinds (id),
    value       REAL NOT NULL,
    PRIMARY KEY (activity_id, kind_id)
) WITHOUT ROWID;
CREATE INDEX activity_quantities_kind ON activity_quantities (kind_id);

CREATE TABLE evidence (
    id           INTEGER PRIMARY KEY,
    owner_type   TEXT NOT NULL,
    owner_id     BIGINT NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    data         BLOB NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL
);
CREATE INDEX evidence_owner ON evidence (owner_type, owner_id);

CREATE TABLE materials (
    id         INTEGER PRIMARY KEY,
    plan_id    BIGINT NOT NULL REFERENCES plans (id),
    type       TEXT NOT NULL,
    title      TEXT NOT NULL,
    agency_id  BIGINT NOT NULL REFERENCES agencies (id),
    year       INTEGER NOT NULL,
    copies     BIGINT NOT NULL DEFAULT 0,
    notes      TEXT NOT NULL DEFAULT '',
    search     TEXT NOT NULL,
    demo       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted_at TEXT,
    deleted_by TEXT
);

CREATE TABLE distributions (
    id             INTEGER PRIMARY KEY,
    material_id    BIGINT NOT NULL REFERENCES materials (id),
    from_agency_id BIGINT NOT NULL REFERENCES agencies (id),
    date           TEXT NOT NULL,
    notes          TEXT NOT NULL DEFAULT '',
    demo           BOOLEAN NOT NULL DEFAULT FALSE,
    import_id      BIGINT REFERENCES imports (id),
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL,
    deleted_at     TEXT,
    deleted_by     TEXT
);
CREATE INDEX distributions_material ON distributions (material_id);
CREATE INDEX distributions_date ON distributions (date);

-- One row per commune a distribution went to, with the copies it got and
-- the commune's confirmation: received on, deployed on, and how.
CREATE TABLE distribution_units (
    distribution_id BIGINT NOT NULL REFERENCES distributions (id) ON DELETE CASCADE,
    unit_id         BIGINT NOT NULL REFERENCES units (id),
    quantity        BIGINT NOT NULL,
    received_on     TEXT,
    deployed_on     TEXT,
    deployed_how    TEXT NOT NULL DEFAULT '',
    confirmed_at    TEXT,
    confirmed_by    TEXT,
    PRIMARY KEY (distribution_id, unit_id)
);
CREATE INDEX distribution_units_unit ON distribution_units (unit_id);

CREATE TABLE budget_estimates (
    id                INTEGER PRIMARY KEY,
    plan_id           BIGINT NOT NULL REFERENCES plans (id),
    agency_id         BIGINT NOT NULL REFERENCES agencies (id),
    year              INTEGER NOT NULL,
    funding_source_id BIGINT NOT NULL REFERENCES funding_sources (id),
    amount            BIGINT NOT NULL,
    UNIQUE (plan_id, agency_id, year, funding_source_id)
);

CREATE TABLE prevention_models (
    id             INTEGER PRIMARY KEY,
    plan_id        BIGINT NOT NULL REFERENCES plans (id),
    unit_id        BIGINT NOT NULL REFERENCES units (id),
    agency_id      BIGINT NOT NULL REFERENCES agencies (id),
    name           TEXT NOT NULL,
    established_on TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    demo           BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL,
    deleted_at     TEXT,
    deleted_by     TEXT
);
CREATE INDEX prevention_models_unit ON prevention_models (unit_id);

-- A model's status over time: active from its establishment, then
-- inactive or closed from given dates (and active again if revived).
CREATE TABLE model_statuses (
    model_id BIGINT NOT NULL REFERENCES prevention_models (id) ON DELETE CASCADE,
    since    TEXT NOT NULL,
    status   TEXT NOT NULL,
    PRIMARY KEY (model_id, since)
);

-- The starting vocabulary of quantities (coordinators add more).
INSERT INTO quantity_kinds (code, name, name_en, unit, position) VALUES
    ('sessions', 'Số buổi, hội nghị, lớp', 'Sessions', 'buổi', 1),
    ('participants', 'Số lượt người tham dự', 'Participants', 'lượt người', 2),
    ('news_items', 'Tin, bài', 'News items and articles', 'tin, bài', 3),
    ('broadcasts', 'Lần phát sóng', 'Broadcasts', 'lần', 4),
    ('broadcast_minutes', 'Thời lượng phát sóng', 'Broadcast minutes', 'phút', 5),
    ('copies', 'Ấn phẩm phát hành (tờ gấp, sách, đĩa CD)', 'Copies distributed (leaflets, booklets, CDs)', 'bản', 6),
    ('banners', 'Băng rôn, khẩu hiệu', 'Banners', 'chiếc', 7),
    ('panos', 'Pano, áp phích', 'Panos and posters', 'chiếc', 8),
    ('van_runs', 'Lượt xe thông tin lưu động', 'Mobile-van runs', 'lượt', 9),
    ('pledges', 'Bản cam kết', 'Pledges signed', 'bản', 10),
    ('schools', 'Trường học', 'Schools', 'trường', 11),
    ('districts', 'Huyện, thành phố', 'Districts', 'huyện', 12),
    ('mobile_trials', 'Phiên tòa xét xử lưu động', 'Mobile trials', 'phiên', 13);
