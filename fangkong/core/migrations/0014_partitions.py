"""Time partitions for the high-volume tables (issue 21, point 5; docs/partitions.md), PostgreSQL only.

Two functions the application's role may call although it owns no table (docs/deployment.md: the owner runs the
migrations, the app has rows only). They run as their owner (SECURITY DEFINER) and take only what the platform
itself partitions; the bounds and names come from fangkong.core.partitions, which computes them on the district's
calendar:

- fangkong_partition_create(parent, name, lo, hi): a partition for [lo, hi). Rows of that range already in the
  default partition (the job did not run in time, a device sent an old scan) are moved into it first.
- fangkong_partition_drop(parent, name): detaches and drops one partition whose whole range is older than the
  table's floor (the shortest retention the district may set). It gives the app no power it lacks: its role may
  delete those rows anyway.

Then the notifications' table is partitioned by month (its `at`).
"""

from django.db import migrations

from fangkong.core.migrations._operations import PartitionByRange

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION fangkong_partition_key(parent regclass) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
  SELECT a.attname::text FROM pg_partitioned_table pt
    JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0]
   WHERE pt.partrelid = parent
$$;

CREATE OR REPLACE FUNCTION fangkong_partition_create(parent regclass, name text, lo timestamptz, hi timestamptz)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  col text := fangkong_partition_key(parent);
  dflt text := parent::text || '_default';
  stray boolean;
BEGIN
  IF parent::text NOT IN ('screening_passage', 'containment_venuescan', 'command_notification')
     OR col IS NULL THEN
    RAISE EXCEPTION 'not a table the platform partitions: %', parent;
  END IF;
  IF name !~ ('^' || parent::text || '_p[0-9]{4}(_[0-9]{2}){1,2}$') OR NOT (lo < hi) THEN
    RAISE EXCEPTION 'not a partition name or range: % [%, %)', name, lo, hi;
  END IF;
  IF to_regclass(name) IS NOT NULL THEN
    RETURN false;
  END IF;
  PERFORM set_config('lock_timeout', '5s', true);
  EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE %I >= $1 AND %I < $2)', dflt, col, col) INTO stray USING lo, hi;
  IF stray THEN
    EXECUTE format('CREATE TEMP TABLE fangkong_moving (LIKE %I) ON COMMIT DROP', dflt);
    EXECUTE format('WITH m AS (DELETE FROM %I WHERE %I >= $1 AND %I < $2 RETURNING *) '
                   'INSERT INTO fangkong_moving SELECT * FROM m', dflt, col, col) USING lo, hi;
  END IF;
  EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', name, parent::text, lo, hi);
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
  PERFORM set_config('lock_timeout', '5s', true);
  EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', parent::text, name);
  EXECUTE format('DROP TABLE %I', name);
END $$;
"""

DROP = """
DROP FUNCTION IF EXISTS fangkong_partition_drop(regclass, text);
DROP FUNCTION IF EXISTS fangkong_partition_create(regclass, text, timestamptz, timestamptz);
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


class Migration(migrations.Migration):
    dependencies = [("core", "0013_texts_in_each_language")]

    operations = [
        Functions(FUNCTIONS, DROP),
        PartitionByRange("command_notification", column="at", step="month"),
    ]
