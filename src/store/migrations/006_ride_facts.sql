-- Facts about a ride, fixed at its start or counted as it goes, so that the API, the dashboard,
-- the report and the BI views read columns instead of re-implementing the platform's formulas.
-- Rides stored before this migration keep nulls (and 0 seconds above the maximum).
ALTER TABLE rides
  ADD COLUMN rider_age integer,           -- the rider's age in whole years at the start
  ADD COLUMN personal_max_bpm integer,    -- their maximum heart rate then (ALERT_MAX_HR_FORMULA)
  ADD COLUMN seconds_above_max integer NOT NULL DEFAULT 0;  -- readings above it, one second each
