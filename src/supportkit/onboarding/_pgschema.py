"""The PostgreSQL store's schema: forward-only migrations and the SQL the store sends.

``{s}`` in every text is the quoted schema name; :class:`PostgresJourneyStore` puts it
in after checking the name against :data:`SCHEMA_NAME`, and every value travels as a
parameter. The schema is described on the docs page ("Running on PostgreSQL").
"""

from __future__ import annotations

import re

from supportkit.onboarding._storerows import SCHEMA_VERSION

__all__ = ["CLAIM_SQL", "LOCK_KEY", "PG_MIGRATIONS", "SAVE_SQL", "SCHEMA_NAME"]

#: Forward-only migrations; ``{s}`` is the quoted schema name.
PG_MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        "CREATE SCHEMA IF NOT EXISTS {s}",
        "CREATE TABLE {s}.meta (key text PRIMARY KEY, value text NOT NULL)",
        """CREATE TABLE {s}.journeys (
            journey_id text PRIMARY KEY,
            flow text NOT NULL,
            started_at text NOT NULL,
            data text NOT NULL,
            version integer NOT NULL
        )""",
        # No foreign key to journeys: the one write path, save_batch, writes a journey's
        # row and its events in one statement under the row's lock, and a per-row
        # referential check would cost a third of the server's time per batch.
        """CREATE TABLE {s}.events (
            journey_id text NOT NULL,
            seq integer NOT NULL,
            event text NOT NULL,
            at text NOT NULL,
            actor text NOT NULL,
            data text,
            PRIMARY KEY (journey_id, seq)
        )""",
        """CREATE FUNCTION {s}.append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'events are append-only'; END $$""",
        """CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON {s}.events
        FOR EACH ROW EXECUTE FUNCTION {s}.append_only()""",
        """CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON {s}.events
        FOR EACH STATEMENT EXECUTE FUNCTION {s}.append_only()""",
    ),
    2: (
        """ALTER TABLE {s}.journeys ADD COLUMN state text, ADD COLUMN last_at timestamptz,
        ADD COLUMN claim_operator text, ADD COLUMN claim_token text,
        ADD COLUMN claim_until timestamptz, ADD COLUMN called_at timestamptz""",
        # The call list reads one state at a time in (last_at, id) order: an index scan
        # that stops at the first free row, whatever the size of the list.
        (
            "CREATE INDEX journeys_call_list ON {s}.journeys "
            '(flow, state, last_at, journey_id COLLATE "C")'
        ),
        "CREATE INDEX journeys_unindexed ON {s}.journeys (flow) WHERE state IS NULL",
        """CREATE FUNCTION {s}.claim(
            p_flow text, p_states text[], p_ranks integer[], p_cutoff timestamptz,
            p_now timestamptz, p_operator text, p_token text, p_until timestamptz
        ) RETURNS text LANGUAGE plpgsql AS $$
        DECLARE
            rank_now integer;
            group_states text[];
            picked text;
        BEGIN
            IF EXISTS (SELECT 1 FROM {s}.journeys WHERE flow = p_flow AND state IS NULL) THEN
                RAISE EXCEPTION 'supportkit: rows without call-list columns'
                    USING ERRCODE = 'SK428';
            END IF;
            FOR rank_now, group_states IN
                SELECT rk, array_agg(st) FROM unnest(p_states, p_ranks) AS u (st, rk)
                GROUP BY rk ORDER BY rk
            LOOP
                IF cardinality(group_states) = 1 THEN
                    -- One state: the index gives (last_at, id) order, the scan stops at
                    -- the first free row.
                    SELECT j.journey_id INTO picked FROM {s}.journeys j
                    WHERE j.flow = p_flow AND j.state = group_states[1]
                        AND j.last_at <= p_cutoff
                        AND (j.claim_until IS NULL OR j.claim_until <= p_now)
                        AND (j.called_at IS NULL OR j.called_at <= p_cutoff)
                    ORDER BY j.last_at, j.journey_id COLLATE "C"
                    LIMIT 1
                    FOR UPDATE SKIP LOCKED;
                ELSE
                    SELECT j.journey_id INTO picked FROM {s}.journeys j
                    WHERE j.flow = p_flow AND j.state = ANY (group_states)
                        AND j.last_at <= p_cutoff
                        AND (j.claim_until IS NULL OR j.claim_until <= p_now)
                        AND (j.called_at IS NULL OR j.called_at <= p_cutoff)
                    ORDER BY j.last_at, j.journey_id COLLATE "C"
                    LIMIT 1
                    FOR UPDATE SKIP LOCKED;
                END IF;
                IF picked IS NOT NULL THEN
                    UPDATE {s}.journeys SET claim_operator = p_operator,
                        claim_token = p_token, claim_until = p_until
                    WHERE journey_id = picked;
                    RETURN picked;
                END IF;
            END LOOP;
            RETURN NULL;
        END $$
        SET enable_seqscan = off""",
        # save_batch: set-based, for a batch of distinct journeys (the usual case).
        """CREATE FUNCTION {s}.save_batch(
            j_ids text[], j_expected integer[], j_versions integer[], j_flows text[],
            j_started text[], j_data text[], j_states text[], j_last timestamptz[],
            e_ids text[], e_seqs integer[], e_events text[], e_ats text[], e_actors text[],
            e_data text[]
        ) RETURNS void LANGUAGE plpgsql AS $$
        DECLARE
            bad bigint;
            bad_version integer;
            inserted integer;
        BEGIN
            PERFORM 1 FROM {s}.journeys WHERE journey_id = ANY (j_ids)
                ORDER BY journey_id FOR UPDATE;
            SELECT u.i, j.version INTO bad, bad_version
            FROM unnest(j_ids, j_expected) WITH ORDINALITY AS u (id, expected, i)
            LEFT JOIN {s}.journeys j ON j.journey_id = u.id
            WHERE (u.expected IS NULL AND j.version IS NOT NULL)
                OR (u.expected IS NOT NULL AND j.version IS DISTINCT FROM u.expected)
            ORDER BY u.i LIMIT 1;
            IF bad IS NOT NULL THEN
                RAISE EXCEPTION 'supportkit: journey version conflict'
                    USING ERRCODE = 'SK409', DETAIL = bad || ' ' || coalesce(bad_version, -1);
            END IF;
            INSERT INTO {s}.journeys
                (journey_id, flow, started_at, data, version, state, last_at)
            SELECT u.id, u.flow, u.started, u.data, u.version, u.state, u.last
            FROM unnest(j_ids, j_expected, j_versions, j_flows, j_started, j_data, j_states,
                        j_last) AS u (id, expected, version, flow, started, data, state, last)
            WHERE u.expected IS NULL
            ON CONFLICT (journey_id) DO NOTHING;
            GET DIAGNOSTICS inserted = ROW_COUNT;
            IF inserted <> (SELECT count(*) FROM unnest(j_expected) AS e WHERE e IS NULL) THEN
                -- A concurrent writer inserted one of the new journeys first.
                SELECT u.i, j.version INTO bad, bad_version
                FROM unnest(j_ids, j_expected) WITH ORDINALITY AS u (id, expected, i)
                JOIN {s}.journeys j ON j.journey_id = u.id
                WHERE u.expected IS NULL AND j.xmin <> pg_current_xact_id()::xid
                ORDER BY u.i LIMIT 1;
                RAISE EXCEPTION 'supportkit: journey version conflict'
                    USING ERRCODE = 'SK409', DETAIL = bad || ' ' || coalesce(bad_version, -1);
            END IF;
            UPDATE {s}.journeys j SET version = u.version,
                state = coalesce(u.state, j.state), last_at = coalesce(u.last, j.last_at)
            FROM unnest(j_ids, j_expected, j_versions, j_states, j_last)
                AS u (id, expected, version, state, last)
            WHERE u.expected IS NOT NULL AND j.journey_id = u.id;
            INSERT INTO {s}.events (journey_id, seq, event, at, actor, data)
            SELECT * FROM unnest(e_ids, e_seqs, e_events, e_ats, e_actors, e_data);
        END $$""",
        # save_batch_each: one journey at a time, for a batch that names one twice.
        """CREATE FUNCTION {s}.save_batch_each(
            j_ids text[], j_expected integer[], j_versions integer[], j_flows text[],
            j_started text[], j_data text[], j_states text[], j_last timestamptz[],
            e_ids text[], e_seqs integer[], e_events text[], e_ats text[], e_actors text[],
            e_data text[]
        ) RETURNS void LANGUAGE plpgsql AS $$
        DECLARE
            cur_version integer;
        BEGIN
            PERFORM 1 FROM {s}.journeys WHERE journey_id = ANY (j_ids)
                ORDER BY journey_id FOR UPDATE;
            FOR i IN 1 .. coalesce(cardinality(j_ids), 0) LOOP
                SELECT version INTO cur_version FROM {s}.journeys WHERE journey_id = j_ids[i];
                IF j_expected[i] IS NULL THEN
                    IF cur_version IS NULL THEN
                        INSERT INTO {s}.journeys
                            (journey_id, flow, started_at, data, version, state, last_at)
                        VALUES (j_ids[i], j_flows[i], j_started[i], j_data[i], j_versions[i],
                                j_states[i], j_last[i])
                        ON CONFLICT (journey_id) DO NOTHING;
                        IF NOT FOUND THEN  -- a concurrent writer inserted it first
                            SELECT version INTO cur_version FROM {s}.journeys
                                WHERE journey_id = j_ids[i];
                        END IF;
                    END IF;
                    IF cur_version IS NOT NULL THEN
                        RAISE EXCEPTION 'supportkit: journey version conflict'
                            USING ERRCODE = 'SK409', DETAIL = i || ' ' || cur_version;
                    END IF;
                ELSIF cur_version IS DISTINCT FROM j_expected[i] THEN
                    RAISE EXCEPTION 'supportkit: journey version conflict'
                        USING ERRCODE = 'SK409', DETAIL = i || ' ' || coalesce(cur_version, -1);
                ELSE
                    UPDATE {s}.journeys SET version = j_versions[i],
                        state = coalesce(j_states[i], state),
                        last_at = coalesce(j_last[i], last_at)
                    WHERE journey_id = j_ids[i];
                END IF;
            END LOOP;
            INSERT INTO {s}.events (journey_id, seq, event, at, actor, data)
            SELECT * FROM unnest(e_ids, e_seqs, e_events, e_ats, e_actors, e_data);
        END $$""",
    ),
}
assert sorted(PG_MIGRATIONS) == list(range(1, SCHEMA_VERSION + 1))

SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}\Z")
LOCK_KEY = 0x5355_5050  # pg_advisory_xact_lock key for migrations ("SUPP")

SAVE_SQL = (
    "SELECT {s}.{fn}(%b::text[], %b::integer[], %b::integer[], %b::text[], %b::text[], "
    "%b::text[], %b::text[], %b::timestamptz[], %b::text[], %b::integer[], %b::text[], "
    "%b::text[], %b::text[], %b::text[])"
)
CLAIM_SQL = (
    "SELECT {s}.claim(%(flow)s, %(states)s::text[], %(ranks)s::integer[], %(cutoff)s, "
    "%(now)s, %(operator)s, %(token)s, %(until)s)"
)
