"""The partition functions' SQL (core migration 0014; docs/partitions.md), kept here so that a later migration that
teaches them a table can run the current text again (CREATE OR REPLACE): a database that ran 0014 before then has
the older functions. What each function does is described in 0014."""

from django.db import migrations

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION fangkong_partition_key(parent regclass) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
  SELECT a.attname::text FROM pg_partitioned_table pt
    JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0]
   WHERE pt.partrelid = parent
$$;

-- The grants of one table (or sequence) given to another: a partitioned table's to its partitions (the app's
-- role reads a partition by name when retention copies a day; the owner's default privileges may not cover it),
-- a converted table's to the table that replaces it.
CREATE OR REPLACE FUNCTION fangkong_partition_grants(parent regclass, child regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
  g record;
BEGIN
  FOR g IN SELECT a.grantee, a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
            WHERE c.oid = parent AND a.grantee <> c.relowner LOOP
    EXECUTE format('GRANT %s ON %s %s TO %s', g.privilege_type,
                   CASE WHEN (SELECT relkind FROM pg_class WHERE oid = child) = 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
                   child,
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(g.grantee::regrole::text) END);
  END LOOP;
END $$;

-- What a partition needs beyond what PostgreSQL copies from its parent: the audit trail's `seq` once (a unique key
-- of the parent would have to hold `at`), and no TRUNCATE straight on a partition (a TRUNCATE of the parent fires
-- the parent's trigger, one of a partition only the partition's).
CREATE OR REPLACE FUNCTION fangkong_partition_extras(parent regclass, child regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
  IF parent = 'core_auditevent'::regclass THEN
    EXECUTE format('CREATE UNIQUE INDEX %I ON %s (seq)', (SELECT relname FROM pg_class WHERE oid = child) || '_seq',
                   child);
    EXECUTE format('CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON %s '
                   'FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_refuse_truncate()', child);
  END IF;
END $$;

CREATE OR REPLACE FUNCTION fangkong_partition_create(parent regclass, name text)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  col text := fangkong_partition_key(parent);
  dflt text := parent::text || '_default';
  step text := CASE parent::text
    WHEN 'screening_passage' THEN 'day'
    WHEN 'containment_venuescan' THEN 'day'
    WHEN 'command_notification' THEN 'month'
    WHEN 'core_auditevent' THEN 'month'
    WHEN 'testing_sample' THEN 'round'
  END;
  suffix text := substring(name from '^' || parent::text || '_p([0-9]{4}_[0-9]{2}(_[0-9]{2})?)$');
  round_id text := substring(name from '^' || parent::text || '_r([1-9][0-9]{0,17})$');
  first date;
  lo text;  -- the bounds as SQL literals of the key's type
  hi text;
  stray boolean;
BEGIN
  IF step IS NULL OR col IS NULL THEN
    RAISE EXCEPTION 'not a table the platform partitions: %', parent;
  END IF;
  IF NOT has_table_privilege(session_user, parent, 'INSERT') THEN
    RAISE EXCEPTION 'permission denied: % may not write %', session_user, parent;
  END IF;
  IF step = 'round' THEN  -- a block of 32 testing rounds: [first, first + 32), first = 1, 33, 65 …
    IF round_id IS NULL OR (round_id::bigint - 1) % 32 <> 0 THEN
      RAISE EXCEPTION 'not a partition name of %: %', parent, name;
    END IF;
    lo := round_id;
    hi := (round_id::bigint + 32)::text;
  ELSE
    -- Years of this millennium only: to_char below prints no era, so a year before 1 would name a wrong range.
    IF suffix IS NULL OR length(suffix) <> (CASE step WHEN 'day' THEN 10 ELSE 7 END)
       OR substring(suffix for 1) <> '2' THEN
      RAISE EXCEPTION 'not a partition name of %: %', parent, name;
    END IF;
    first := to_date(CASE step WHEN 'day' THEN suffix ELSE suffix || '_01' END, 'YYYY_MM_DD');
    -- Midnight on the district's calendar, written in UTC whatever the session's DateStyle.
    lo := to_char(first::timestamp AT TIME ZONE 'Asia/Shanghai' AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || '+00';
    hi := to_char((first + CASE step WHEN 'day' THEN interval '1 day' ELSE interval '1 month' END)::timestamp
                  AT TIME ZONE 'Asia/Shanghai' AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || '+00';
  END IF;
  IF to_regclass(name) IS NOT NULL THEN
    RETURN false;
  END IF;
  PERFORM set_config('lock_timeout', '1s', true);
  -- The lock CREATE … PARTITION OF takes anyway, taken first: a row committed into the default partition between
  -- looking for strays and creating would otherwise make the create fail on the default's new constraint.
  EXECUTE format('LOCK TABLE ONLY %I IN ACCESS EXCLUSIVE MODE', parent::text);
  EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE %I >= %L AND %I < %L)', dflt, col, lo, col, hi) INTO stray;
  IF stray AND parent = 'core_auditevent'::regclass THEN
    RETURN false;  -- nothing leaves the audit trail, not even for its own partition: the rows stay in the default
  END IF;
  IF stray THEN
    EXECUTE format('CREATE TEMP TABLE fangkong_moving (LIKE %I) ON COMMIT DROP', dflt);
    EXECUTE format('WITH m AS (DELETE FROM %I WHERE %I >= %L AND %I < %L RETURNING *) '
                   'INSERT INTO fangkong_moving SELECT * FROM m', dflt, col, lo, col, hi);
  END IF;
  EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', name, parent::text, lo, hi);
  PERFORM fangkong_partition_grants(parent, name::regclass);
  PERFORM fangkong_partition_extras(parent, name::regclass);
  IF stray THEN
    EXECUTE format('INSERT INTO %I SELECT * FROM fangkong_moving', parent::text);
    DROP TABLE fangkong_moving;
  END IF;
  RETURN true;
EXCEPTION WHEN duplicate_table THEN
  RETURN false;  -- another job made it meanwhile
END $$;

CREATE OR REPLACE FUNCTION fangkong_partition_drop(parent regclass, name text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  floor interval;
  bound text;
  upper timestamptz;
BEGIN
  floor := CASE parent::text
    WHEN 'screening_passage' THEN interval '7 days'
    WHEN 'containment_venuescan' THEN interval '7 days'
  END;
  IF floor IS NULL THEN
    RAISE EXCEPTION 'partitions of % are not dropped here', parent;
  END IF;
  IF NOT has_table_privilege(session_user, parent, 'DELETE') THEN
    RAISE EXCEPTION 'permission denied: % may not delete from %', session_user, parent;
  END IF;
  SELECT pg_get_expr(c.relpartbound, c.oid) INTO bound
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
   WHERE i.inhparent = parent AND c.relname = name;
  IF bound IS NULL OR bound = 'DEFAULT' THEN
    RAISE EXCEPTION 'not a partition of %: %', parent, name;
  END IF;
  upper := substring(bound from 'TO \(''([^'']+)''\)')::timestamptz;
  IF upper IS NULL OR upper > now() - floor THEN
    RAISE EXCEPTION 'partition % is too recent to drop (it ends %)', name, upper;
  END IF;
  PERFORM set_config('lock_timeout', '1s', true);
  EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', parent::text, name);
  EXECUTE format('DROP TABLE %I', name);
END $$;
"""

DROP = """
DROP FUNCTION IF EXISTS fangkong_partition_drop(regclass, text);
DROP FUNCTION IF EXISTS fangkong_partition_create(regclass, text);
DROP FUNCTION IF EXISTS fangkong_partition_grants(regclass, regclass);
DROP FUNCTION IF EXISTS fangkong_partition_extras(regclass, regclass);
DROP FUNCTION IF EXISTS fangkong_partition_key(regclass);
"""


class Functions(migrations.RunSQL):
    """RunSQL on PostgreSQL only (SQLite has no partitions)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
