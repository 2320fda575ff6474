-- What keeps erased and deleted data from coming back through ingest. IF NOT EXISTS throughout:
-- development databases may hold drafts of these objects from an unreleased 003.

-- The erasure's own time, not its transaction's start: it is taken after the erasure lock.
ALTER TABLE erasures ALTER COLUMN erased_at SET DEFAULT clock_timestamp();
-- The latest start among the rides erased: ingest refuses the rider's rides up to here as well,
-- since a bike's clock may run ahead of the database's.
ALTER TABLE erasures ADD COLUMN IF NOT EXISTS erased_through timestamptz;
CREATE INDEX IF NOT EXISTS erasures_rider ON erasures (rider_id);

-- A ride deleted or erased while still open. Ingest, restarted, must go on ignoring the rest of
-- it rather than keep its readings as rejected lines; one row per bike, and no personal data.
CREATE TABLE IF NOT EXISTS suppressed_rides (
  bike_key      text PRIMARY KEY,
  started_at    timestamptz NOT NULL,
  suppressed_at timestamptz NOT NULL DEFAULT now()
);
