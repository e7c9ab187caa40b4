-- Warehouse tables. Counts are stored; every rate is derived in sql/ views.
-- Reference dimensions are loaded from data/reference/*.csv on every build.

create table app_setting (
    key   varchar primary key,
    value varchar not null
);

create table dim_unit (
    unit_code   varchar primary key,
    unit_name   varchar not null,
    unit_level  varchar not null check (unit_level in ('province', 'district', 'agency', 'commune')),
    unit_type   varchar,
    parent_code varchar,
    communes    integer,
    code_source varchar
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
    responsible_unit_code  varchar not null,
    cooperating_unit_codes varchar,
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

-- One row per (submission, topic) accepted; superseded_by is set when a later file replaces it.
create table submission_topic (
    submission_id varchar not null,
    unit_code     varchar not null,
    period        date not null,
    topic         varchar not null check (topic in ('services', 'identity', 'cleaning', 'tasks')),
    row_count     integer not null,
    superseded_by varchar,
    primary key (submission_id, topic)
);

create table fact_service_volume (
    period          date not null,
    unit_code       varchar not null,
    service_code    varchar not null,
    total_dossiers  bigint check (total_dossiers >= 0),
    online_dossiers bigint check (online_dossiers >= 0),
    on_time         bigint check (on_time >= 0),
    overdue         bigint check (overdue >= 0),
    source          varchar not null check (source in ('official', 'sample', 'submitted')),
    submission_id   varchar,
    primary key (period, unit_code, service_code)
);

create table fact_identity (
    period             date not null,
    unit_code          varchar not null,
    cccd_records       bigint check (cccd_records >= 0),
    vneid_applications bigint check (vneid_applications >= 0),
    vneid_activated    bigint check (vneid_activated >= 0),
    vneid_target       bigint check (vneid_target >= 0),
    source             varchar not null check (source in ('official', 'sample', 'submitted')),
    submission_id      varchar,
    primary key (period, unit_code)
);

create table fact_cleaning (
    period          date not null,
    unit_code       varchar not null,
    dataset_code    varchar not null,
    records_cleaned bigint check (records_cleaned >= 0),
    records_total   bigint check (records_total >= 0),
    source          varchar not null check (source in ('official', 'sample', 'submitted')),
    submission_id   varchar,
    primary key (period, unit_code, dataset_code)
);

create table fact_task_status (
    period        date not null,
    task_code     varchar not null,
    unit_code     varchar not null,
    status        varchar not null check (status in ('done', 'in_progress', 'not_started')),
    status_text   varchar,
    source        varchar not null check (source in ('official', 'sample', 'submitted')),
    submission_id varchar,
    primary key (period, task_code, unit_code)
);

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
