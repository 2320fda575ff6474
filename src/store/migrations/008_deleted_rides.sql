-- A ride deleted over the API stays deleted whatever source replays it: ingest refuses a ride
-- whose natural key is here. The key is a bike and an instant: no personal data.
CREATE TABLE deleted_rides (
  bike_serial text NOT NULL,
  started_at  timestamptz NOT NULL,
  deleted_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (bike_serial, started_at)
);

-- When ingest last wrote to the ride, by the database's clock. Whether a ride is being ridden
-- (and may not be deleted) is read from this, not from the bike's clock, which may be years off.
ALTER TABLE rides ADD COLUMN heard_at timestamptz;
