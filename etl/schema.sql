-- Warehouse tables. Counts are stored; every rate is derived in sql/ views. The topics' fact
-- tables are declared by their registry entries (etl/topics) and created after these.
-- Reference dimensions are loaded from data/reference/*.csv on every build.

create table app_setting (
    key   varchar primary key,
    value varchar not null
);

-- One row per unit and validity interval (data/reference/admin_units.csv, the configured
-- province's tree): key (unit_code, valid_from); valid_from / valid_to are inclusive, NULL = open.
create table dim_unit (
    unit_code            varchar not null,
    unit_name            varchar not null,
    unit_level           varchar not null check (unit_level in ('province', 'district', 'agency', 'commune')),
    unit_type            varchar,
    parent_code          varchar,
    valid_from           date,
    valid_to             date,
    former_district_code varchar,
    lat                  double,
    lon                  double,
    area_km2             double,
    communes             integer,
    code_source          varchar,
    source               varchar,
    unique (unit_code, valid_from)
);

-- One row per unit level: its label and who carries out a task assigned to it (etl/definitions.py).
create table dim_unit_level (
    unit_level     varchar primary key,
    level_label    varchar not null,
    assignee_label varchar not null
);

-- One row per task, unit that carries it out and span (etl/reference.py Catalogue.task_spans,
-- the one assignment rule: named units and their default successors, levels and the levels
-- their tasks pass to); each span lies within one validity row of the unit. In a month, the
-- unit carries the task where valid_in(valid_from, valid_to, period).
create table task_unit (
    task_code  varchar not null,
    unit_code  varchar not null,
    valid_from date,
    valid_to   date,
    unique (task_code, unit_code, valid_from)
);

-- One row per (from unit, to unit, effective date) between the province's units
-- (data/reference/unit_succession.csv): kind merge | split | rename | continue; weight: the
-- share of the ended unit that went to this successor; is_default: the one successor to follow.
create table dim_unit_succession (
    from_unit_code  varchar not null,
    from_unit_level varchar not null,
    to_unit_code    varchar not null,
    to_unit_level   varchar not null,
    effective_date  date not null,
    kind            varchar not null check (kind in ('merge', 'split', 'rename', 'continue')),
    weight          double not null,
    is_default      boolean not null,
    sectors         varchar,
    source          varchar,
    primary key (from_unit_code, to_unit_code, effective_date)
);

create table dim_service (
    service_code       varchar primary key,
    service_group      varchar not null,
    service_number     integer not null,
    service_name       varchar not null,
    agency_code        varchar not null,
    portal_connection  varchar,
    online_rate_target double,
    source_document    varchar
);

create table dim_dataset (
    dataset_code       varchar primary key,
    dataset_name       varchar not null,
    sector_agency_code varchar,
    has_total          boolean not null,
    source_note        varchar
);

create table dim_task (
    task_code              varchar primary key,
    task_group             varchar not null,
    task_number            varchar,
    task_name              varchar not null,
    source_document        varchar,
    responsible_unit_code  varchar,          -- the unit that carries the task out, or
    responsible_level      varchar,          -- every unit of this level valid in the month
    cooperating_unit_codes varchar,
    cooperating_levels     varchar,
    deadline_text          varchar,
    deadline               date,
    recurring              boolean,
    notes                  varchar
);

-- One row per file received (sample, uploaded or loaded from the command line).
create table submission (
    submission_id  varchar primary key,
    file_name      varchar not null,
    archive_path   varchar,
    sha256         varchar not null,
    unit_code      varchar,
    period         date,
    topics         varchar,
    row_count      integer not null default 0,
    status         varchar not null check (status in ('accepted', 'rejected', 'duplicate')),
    submitted_at   timestamp not null,
    submitted_by   varchar not null,
    source         varchar not null check (source in ('sample', 'submitted')),
    message        varchar
);

-- The submission topics of the registry (etl/topics), in the order of the workbook's sheets.
create table dim_topic (
    topic       varchar primary key,
    sheet_name  varchar not null,
    title       varchar not null,
    sort_order  integer not null,
    expected    boolean not null  -- reporting_status expects it every month from the units that report it
);

-- Which unit reports which topic (the topic's levels, and where it asks, the catalogue's assignments).
create table unit_topic (
    unit_code varchar not null,
    topic     varchar not null references dim_topic (topic),
    primary key (unit_code, topic)
);

-- Every stored figure of a topic: its name, and flow or stock (cumulative: never falls).
-- item_code is set where the figure's nature is its row's (an indicator topic), else NULL.
create table dim_measure (
    topic         varchar not null references dim_topic (topic),
    item_code     varchar,
    measure       varchar not null,
    measure_name  varchar not null,
    unit_label    varchar,
    is_stock      boolean not null,
    is_cumulative boolean not null,
    sort_order    integer not null
);

-- One row per (submission, topic) accepted; superseded_by is set when a later file replaces it.
create table submission_topic (
    submission_id varchar not null,
    unit_code     varchar not null,
    period        date not null,
    topic         varchar not null references dim_topic (topic),
    row_count     integer not null,
    superseded_by varchar,
    primary key (submission_id, topic)
);

-- Each topic's fact table is created from its registry entry (etl/topics, `fact`).

create table fact_indicator (
    period         date not null,
    unit_code      varchar not null,
    indicator_code varchar not null,
    indicator_name varchar not null,
    value          double not null,
    unit_label     varchar,
    note           varchar,
    source         varchar not null check (source in ('official', 'sample', 'submitted')),
    primary key (period, unit_code, indicator_code)
);

-- Notes attached to official figures (contradictions in the source document, stated rates).
create table official_note (
    topic      varchar not null,
    item_code  varchar not null,
    stated     varchar,
    note       varchar not null
);
