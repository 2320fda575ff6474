-- Readings partitioned by month (declarative range partitioning), so that old months can be
-- dropped whole (READINGS_RETENTION, `deloton db maintain`) instead of deleted row by row.
--
-- The partition key is the UTC day the reading's ride started, a new column. A partitioned
-- table's primary key must hold its partition key; the ride's start day is a function of
-- ride_id, so (ride_id, elapsed_s, ride_started_on) is unique exactly when (ride_id, elapsed_s)
-- is, and a replayed reading conflicts as before. Partitioning by recorded_at would have made a
-- second with another timestamp a new row, and split a ride over two months. The date (4 bytes)
-- fills the alignment gap after elapsed_s: rows are no wider than before.
--
-- No DEFAULT partition: writers create a month before they write into it
-- (readings_partition_ensure), and a default one would be scanned under lock at every new month
-- and collect rows that retention never drops.

ALTER TABLE readings RENAME TO readings_unpartitioned;
ALTER INDEX readings_pkey RENAME TO readings_unpartitioned_pkey;

CREATE TABLE readings (
  ride_id         bigint NOT NULL,
  elapsed_s       integer NOT NULL,
  ride_started_on date NOT NULL,     -- the ride's rides.started_at, UTC day: the partition key
  recorded_at     timestamptz NOT NULL,
  heart_rate      integer,
  rpm             integer,
  resistance      integer,
  power_w         double precision,
  PRIMARY KEY (ride_id, elapsed_s, ride_started_on)
) PARTITION BY RANGE (ride_started_on);

-- Creates the month's partition (readings_YYYY_MM) unless it exists; returns its name when it
-- created it. It takes the storage settings (autovacuum, docs/operations.md) of the newest month:
-- a partitioned table has none of its own. Two callers at once: the second fails with 42P07 or
-- 23505, and the month exists.
CREATE FUNCTION readings_partition_ensure(day date) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  first date := date_trunc('month', day)::date;
  part  text := 'readings_' || to_char(first, 'YYYY_MM');
  opts  text[];
BEGIN
  IF to_regclass(part) IS NOT NULL THEN
    RETURN NULL;
  END IF;
  SELECT c.reloptions INTO opts
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
  WHERE i.inhparent = 'readings'::regclass
  ORDER BY c.relname DESC LIMIT 1;
  EXECUTE format('CREATE TABLE %I PARTITION OF readings FOR VALUES FROM (%L) TO (%L)%s',
                 part, first, (first + interval '1 month')::date,
                 CASE WHEN opts IS NULL THEN '' ELSE ' WITH (' || array_to_string(opts, ', ') || ')' END);
  RETURN part;
END $$;

-- A month for every ride, and for a reading without its ride (none should exist: a ride's
-- delete takes its readings), which keeps its own day so that every row moves.
SELECT readings_partition_ensure(m)
FROM (SELECT DISTINCT date_trunc('month', started_at AT TIME ZONE 'UTC')::date AS m FROM rides
      UNION
      SELECT date_trunc('month', g.recorded_at AT TIME ZONE 'UTC')::date
      FROM readings_unpartitioned g
      WHERE NOT EXISTS (SELECT 1 FROM rides r WHERE r.ride_id = g.ride_id)
      UNION
      SELECT date_trunc('month', now() AT TIME ZONE 'UTC')::date
      UNION
      SELECT (date_trunc('month', now() AT TIME ZONE 'UTC') + interval '1 month')::date) ms
ORDER BY m;

-- Settings an operator gave the old table (docs/operations.md) go to every month.
DO $$
DECLARE
  opts text[] := (SELECT reloptions FROM pg_class WHERE oid = 'readings_unpartitioned'::regclass);
  part text;
BEGIN
  IF opts IS NULL THEN
    RETURN;
  END IF;
  FOR part IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
              WHERE i.inhparent = 'readings'::regclass LOOP
    EXECUTE format('ALTER TABLE %I SET (%s)', part, array_to_string(opts, ', '));
  END LOOP;
END $$;

INSERT INTO readings (ride_id, elapsed_s, ride_started_on, recorded_at, heart_rate, rpm,
                      resistance, power_w)
SELECT g.ride_id, g.elapsed_s,
       coalesce((r.started_at AT TIME ZONE 'UTC')::date, (g.recorded_at AT TIME ZONE 'UTC')::date),
       g.recorded_at, g.heart_rate, g.rpm, g.resistance, g.power_w
FROM readings_unpartitioned g LEFT JOIN rides r ON r.ride_id = g.ride_id;

-- The BI view refers to the table itself, not its name: point it at the new one (same columns,
-- so its grants and comments stay).
CREATE OR REPLACE VIEW analytics.readings AS
SELECT g.ride_id, r.rider_id, g.elapsed_s, g.recorded_at,
  g.heart_rate, g.rpm, g.resistance, g.power_w,
  analytics.heart_rate_zone_order(g.heart_rate, r.personal_max_bpm) AS heart_rate_zone_order,
  z.label AS heart_rate_zone
FROM readings g
JOIN rides r ON r.ride_id = g.ride_id
LEFT JOIN analytics_heart_rate_zones z
  ON z.zone_order = analytics.heart_rate_zone_order(g.heart_rate, r.personal_max_bpm);

DROP TABLE readings_unpartitioned;
