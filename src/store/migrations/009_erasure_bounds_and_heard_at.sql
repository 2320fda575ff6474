-- Rides stored before 008 were never heard by the database's clock: their last reading's time
-- stands in (never later than now), so that whether they are being ridden can be asked of all.
UPDATE rides SET heard_at = least(now(), started_at + duration_s * interval '1 second')
WHERE heard_at IS NULL;
ALTER TABLE rides ALTER COLUMN heard_at SET DEFAULT now();
ALTER TABLE rides ALTER COLUMN heard_at SET NOT NULL;

-- Until when a rider's feed lines count as erased: what began no later than the erasure, or than
-- the latest ride it erased, since a bike's clock may run ahead; but a clock ahead by more than a
-- day (a ride dated 2999) must not refuse the rider's rides for ever. The erased rides themselves
-- are held by tombstones in deleted_rides. Ingest asks this of new rides and of rejected lines.
CREATE FUNCTION erased_until(rider bigint) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
  SELECT max(greatest(erased_at, least(erased_through, erased_at + interval '1 day')))
  FROM erasures WHERE rider_id = rider
$$;
