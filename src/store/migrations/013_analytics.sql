-- The BI schema: `analytics` holds only views, without personal data, which analysts' tools read
-- over a live connection (docs/bi.md). What the views need to be fast lives beside the platform's
-- tables in `public`, which analysts cannot read:
--   rides.local_day      the calendar day a ride started on in the display time zone, set as the
--                        ride is inserted and indexed, so that a view's `day = X` is an index scan
--                        and a year's aggregate a plain scan, with no join to find the day;
--   analytics_daily, analytics_hourly, analytics_demographics
--                        the ready-made insights, one row per day (and hour, or gender and age
--                        band), recomputed a whole day at a time from the rides, so that a year of
--                        them aggregates in milliseconds;
--   analytics_changes    the days whose figures changed since the last recompute, written by the
--                        triggers below in the same transaction as the change (an outbox).
-- The age bands and heart-rate zones are not copied here: `migrate` generates the functions
-- analytics.age_band(), age_band_order() and heart_rate_zone_order() and fills the two label
-- tables from the lists in domain/ on every start (store/analytics-definitions.ts).

CREATE SCHEMA analytics;
COMMENT ON SCHEMA analytics IS 'Deloton BI: rides, riders and readings without personal data, and ready-made daily figures. Read-only; see docs/bi.md.';

CREATE TABLE analytics_state (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  -- The display time zone the days are cut in; null until the first start cuts them.
  time_zone text,
  -- Whether every ride's local_day is cut in time_zone (false while a start re-cuts them).
  days_cut boolean NOT NULL DEFAULT false
);
INSERT INTO analytics_state DEFAULT VALUES;

-- Filled for the rides stored before this migration by the first start (syncAnalyticsTimeZone).
ALTER TABLE rides ADD COLUMN local_day date;
CREATE INDEX rides_local_day ON rides (local_day);

CREATE TABLE analytics_changes (
  id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  day      date NOT NULL,
  rider_id bigint             -- set when a ride came or went: the rider's ride count changed
);

-- Each rider's rides, for analytics.riders: counted here rather than over every ride per query.
CREATE TABLE analytics_rider_rides (
  rider_id      bigint PRIMARY KEY,
  ride_count    integer NOT NULL,
  first_ride_at timestamptz NOT NULL,
  last_ride_at  timestamptz NOT NULL
);
INSERT INTO analytics_rider_rides
SELECT rider_id, count(*), min(started_at), max(started_at) FROM rides GROUP BY rider_id;

CREATE TABLE analytics_age_bands (
  band_order integer PRIMARY KEY,
  label      text NOT NULL,
  min_age    integer NOT NULL,
  max_age    integer
);

CREATE TABLE analytics_heart_rate_zones (
  zone_order integer PRIMARY KEY,
  zone       text NOT NULL,
  label      text NOT NULL,
  from_share double precision NOT NULL
);

-- Replaced on every migrate by bodies generated from domain/age.ts and heart-rate-zones.ts.
CREATE FUNCTION analytics.age_band(age integer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT NULL::text $$;
CREATE FUNCTION analytics.age_band_order(age integer) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT NULL::integer $$;
CREATE FUNCTION analytics.heart_rate_zone_order(bpm integer, max_bpm integer) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT NULL::integer $$;
COMMENT ON FUNCTION analytics.age_band(integer) IS 'The age band (its label in analytics.age_bands) of an age in whole years.';
COMMENT ON FUNCTION analytics.age_band_order(integer) IS 'The age band (its band_order in analytics.age_bands) of an age in whole years.';
COMMENT ON FUNCTION analytics.heart_rate_zone_order(integer, integer) IS 'The heart-rate zone (its zone_order in analytics.heart_rate_zones) of a heart rate against a personal maximum.';

CREATE TABLE analytics_daily (
  day               date PRIMARY KEY,
  rides             integer NOT NULL,
  riders            integer NOT NULL,
  ride_time_s       double precision NOT NULL,
  energy_kj         double precision NOT NULL,
  avg_heart_rate    double precision,
  avg_power_w       double precision,
  alerts            integer NOT NULL,
  seconds_above_max double precision NOT NULL,
  readings          bigint NOT NULL
);

CREATE TABLE analytics_hourly (
  day            date NOT NULL,
  hour           integer NOT NULL,
  rides          integer NOT NULL,
  riders         integer NOT NULL,
  ride_time_s    double precision NOT NULL,
  energy_kj      double precision NOT NULL,
  avg_heart_rate double precision,
  avg_power_w    double precision,
  alerts         integer NOT NULL,
  seconds_above_max double precision NOT NULL,
  PRIMARY KEY (day, hour)
);

CREATE TABLE analytics_demographics (
  day               date NOT NULL,
  gender            text NOT NULL,
  band_order        integer,               -- null: the age is unknown
  rides             integer NOT NULL,
  riders            integer NOT NULL,
  ride_time_s       double precision NOT NULL,
  energy_kj         double precision NOT NULL,
  avg_heart_rate    double precision,
  avg_power_w       double precision,
  alerts            integer NOT NULL,
  seconds_above_max double precision NOT NULL
);
CREATE INDEX analytics_demographics_day ON analytics_demographics (day);

-- The ride's day, as it is inserted, in the display time zone.
CREATE FUNCTION analytics_ride_day() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.local_day := (NEW.started_at AT TIME ZONE
    coalesce((SELECT time_zone FROM analytics_state), 'UTC'))::date;
  RETURN NEW;
END $$;
CREATE TRIGGER analytics_ride_day BEFORE INSERT ON rides
  FOR EACH ROW EXECUTE FUNCTION analytics_ride_day();

-- Marks the days (and riders) of rides that came or went. Statement triggers, as all of these:
-- one statement of an ingest batch adds a row per day and rider it touched, not per ride row.
CREATE FUNCTION analytics_rides_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO analytics_changes (day, rider_id)
  SELECT DISTINCT coalesce(local_day, (started_at AT TIME ZONE 'UTC')::date), rider_id
  FROM changed_rides;
  RETURN NULL;
END $$;
CREATE TRIGGER analytics_rides_inserted AFTER INSERT ON rides
  REFERENCING NEW TABLE AS changed_rides FOR EACH STATEMENT EXECUTE FUNCTION analytics_rides_changed();
-- An update rewrites an open ride's figures every batch (its rider's count stays): a row per day,
-- and both days when it moves a ride to another (a new time zone).
CREATE FUNCTION analytics_rides_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO analytics_changes (day)
  SELECT local_day FROM new_rides WHERE local_day IS NOT NULL
  UNION SELECT local_day FROM old_rides WHERE local_day IS NOT NULL;
  RETURN NULL;
END $$;
CREATE TRIGGER analytics_rides_updated AFTER UPDATE ON rides
  REFERENCING OLD TABLE AS old_rides NEW TABLE AS new_rides
  FOR EACH STATEMENT EXECUTE FUNCTION analytics_rides_updated();
CREATE TRIGGER analytics_rides_deleted AFTER DELETE ON rides
  REFERENCING OLD TABLE AS changed_rides FOR EACH STATEMENT EXECUTE FUNCTION analytics_rides_changed();

-- A new alert counts on its ride's day.
CREATE FUNCTION analytics_alerts_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO analytics_changes (day)
  SELECT DISTINCT r.local_day
  FROM changed_alerts a JOIN rides r ON r.ride_id = a.ride_id WHERE r.local_day IS NOT NULL;
  RETURN NULL;
END $$;
CREATE TRIGGER analytics_alerts_inserted AFTER INSERT ON alerts
  REFERENCING NEW TABLE AS changed_alerts FOR EACH STATEMENT EXECUTE FUNCTION analytics_alerts_changed();

-- A rider's gender counts in the splits of every day they rode.
CREATE FUNCTION analytics_riders_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO analytics_changes (day)
  SELECT DISTINCT r.local_day
  FROM changed_riders c JOIN rides r ON r.rider_id = c.rider_id WHERE r.local_day IS NOT NULL;
  RETURN NULL;
END $$;
CREATE TRIGGER analytics_riders_inserted AFTER INSERT ON riders
  REFERENCING NEW TABLE AS changed_riders FOR EACH STATEMENT EXECUTE FUNCTION analytics_riders_changed();
CREATE FUNCTION analytics_riders_regendered() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO analytics_changes (day)
  SELECT DISTINCT r.local_day
  FROM old_riders o JOIN new_riders n ON n.rider_id = o.rider_id AND n.gender IS DISTINCT FROM o.gender
  JOIN rides r ON r.rider_id = n.rider_id WHERE r.local_day IS NOT NULL;
  RETURN NULL;
END $$;
CREATE TRIGGER analytics_riders_updated AFTER UPDATE ON riders
  REFERENCING OLD TABLE AS old_riders NEW TABLE AS new_riders
  FOR EACH STATEMENT EXECUTE FUNCTION analytics_riders_regendered();

-- The views. Each day's figures are those of the rides that started in it, as everywhere else.

CREATE VIEW analytics.age_bands AS
SELECT band_order, label, min_age, max_age FROM analytics_age_bands;
COMMENT ON VIEW analytics.age_bands IS 'The age bands every Deloton view groups riders by, youngest first.';
COMMENT ON COLUMN analytics.age_bands.band_order IS 'Sort order of the band (0 is the youngest); the key the other views use.';
COMMENT ON COLUMN analytics.age_bands.label IS 'The band as people read it, e.g. 25-34.';
COMMENT ON COLUMN analytics.age_bands.min_age IS 'Youngest age in the band, in whole years.';
COMMENT ON COLUMN analytics.age_bands.max_age IS 'Oldest age in the band, in whole years; empty for the open-ended top band.';

CREATE VIEW analytics.heart_rate_zones AS
SELECT zone_order, zone, label, from_share,
  lead(from_share) OVER (ORDER BY zone_order) AS to_share
FROM analytics_heart_rate_zones;
COMMENT ON VIEW analytics.heart_rate_zones IS 'Heart-rate zones: the share of a rider''s personal maximum a reading reaches.';
COMMENT ON COLUMN analytics.heart_rate_zones.zone_order IS 'Sort order of the zone (0 is resting); the key analytics.readings uses.';
COMMENT ON COLUMN analytics.heart_rate_zones.zone IS 'Short name of the zone: rest, z1 to z5, above.';
COMMENT ON COLUMN analytics.heart_rate_zones.label IS 'The zone in words.';
COMMENT ON COLUMN analytics.heart_rate_zones.from_share IS 'Share of the personal maximum where the zone starts (inclusive).';
COMMENT ON COLUMN analytics.heart_rate_zones.to_share IS 'Share where the next zone starts; a reading exactly at the maximum is still in the top training zone.';

CREATE VIEW analytics.dates AS
SELECT g.day::date AS day,
  extract(year FROM g.day)::integer AS year,
  extract(quarter FROM g.day)::integer AS quarter,
  extract(month FROM g.day)::integer AS month,
  to_char(g.day, 'FMMonth') AS month_name,
  date_trunc('month', g.day)::date AS month_start,
  extract(isoyear FROM g.day)::integer AS iso_year,
  extract(week FROM g.day)::integer AS iso_week,
  date_trunc('week', g.day)::date AS week_start,
  extract(isodow FROM g.day)::integer AS weekday,
  to_char(g.day, 'FMDay') AS weekday_name,
  extract(isodow FROM g.day) >= 6 AS is_weekend
FROM (SELECT min(local_day) AS first_day, max(local_day) AS last_day FROM rides) b,
  generate_series(b.first_day, b.last_day, interval '1 day') AS g (day);
COMMENT ON VIEW analytics.dates IS 'A date dimension: every calendar day (display time zone) from the first day with rides to the last.';
COMMENT ON COLUMN analytics.dates.day IS 'The calendar day in the display time zone; the key the other views'' day columns join to.';
COMMENT ON COLUMN analytics.dates.year IS 'Calendar year.';
COMMENT ON COLUMN analytics.dates.quarter IS 'Calendar quarter, 1 to 4.';
COMMENT ON COLUMN analytics.dates.month IS 'Month number, 1 to 12.';
COMMENT ON COLUMN analytics.dates.month_name IS 'Month in words (January).';
COMMENT ON COLUMN analytics.dates.month_start IS 'First day of the month, for monthly totals.';
COMMENT ON COLUMN analytics.dates.iso_year IS 'ISO 8601 week-numbering year (differs from year around New Year).';
COMMENT ON COLUMN analytics.dates.iso_week IS 'ISO 8601 week number, 1 to 53.';
COMMENT ON COLUMN analytics.dates.week_start IS 'Monday of the ISO week, for weekly totals.';
COMMENT ON COLUMN analytics.dates.weekday IS 'ISO weekday: 1 is Monday, 7 is Sunday.';
COMMENT ON COLUMN analytics.dates.weekday_name IS 'Weekday in words (Monday).';
COMMENT ON COLUMN analytics.dates.is_weekend IS 'True on Saturdays and Sundays.';

CREATE VIEW analytics.rides AS
SELECT r.ride_id, r.local_day AS day,
  extract(hour FROM r.started_at AT TIME ZONE
    coalesce((SELECT time_zone FROM analytics_state), 'UTC'))::integer AS hour,
  r.started_at, r.ended_at, r.ended_at IS NULL AS in_progress,
  r.bike_serial, r.rider_id,
  coalesce(p.gender, 'unknown') AS gender,
  coalesce(analytics.age_band(r.rider_age), 'unknown') AS age_band,
  analytics.age_band_order(r.rider_age) AS age_band_order,
  r.rider_age AS age,
  r.duration_s,
  r.duration_s / 60.0::double precision AS duration_min,
  r.reading_count,
  r.avg_heart_rate, r.max_heart_rate, r.personal_max_bpm, r.seconds_above_max,
  r.avg_power_w, r.max_power_w, r.energy_kj,
  coalesce(a.alerts, 0) AS alerts
FROM rides r
LEFT JOIN riders p ON p.rider_id = r.rider_id
LEFT JOIN (SELECT ride_id, count(*)::integer AS alerts FROM alerts GROUP BY ride_id) a
  ON a.ride_id = r.ride_id
WHERE r.local_day IS NOT NULL;
COMMENT ON VIEW analytics.rides IS 'One row per ride (including rides still in progress), with its rider''s gender and age band and the ride''s figures.';
COMMENT ON COLUMN analytics.rides.ride_id IS 'The ride''s id; analytics.readings.ride_id refers to it.';
COMMENT ON COLUMN analytics.rides.day IS 'The calendar day the ride started on, in the display time zone; joins analytics.dates.day.';
COMMENT ON COLUMN analytics.rides.hour IS 'The hour of the day the ride started, 0 to 23, in the display time zone.';
COMMENT ON COLUMN analytics.rides.started_at IS 'When the ride started (the bike''s clock).';
COMMENT ON COLUMN analytics.rides.ended_at IS 'When the ride ended: when the next rider started on the bike; empty while it is in progress.';
COMMENT ON COLUMN analytics.rides.in_progress IS 'True while the ride has not ended.';
COMMENT ON COLUMN analytics.rides.bike_serial IS 'Serial number of the bike.';
COMMENT ON COLUMN analytics.rides.rider_id IS 'The rider''s account number (pseudonymous); joins analytics.riders.rider_id.';
COMMENT ON COLUMN analytics.rides.gender IS 'The rider''s gender: male, female, other or unknown.';
COMMENT ON COLUMN analytics.rides.age_band IS 'The rider''s age band at the ride, e.g. 25-34; unknown without a birth date.';
COMMENT ON COLUMN analytics.rides.age_band_order IS 'Sort order of the age band (analytics.age_bands.band_order).';
COMMENT ON COLUMN analytics.rides.age IS 'The rider''s age in whole years when the ride started.';
COMMENT ON COLUMN analytics.rides.duration_s IS 'Length of the ride in seconds (so far, while in progress).';
COMMENT ON COLUMN analytics.rides.duration_min IS 'Length of the ride in minutes.';
COMMENT ON COLUMN analytics.rides.reading_count IS 'Per-second readings stored for the ride.';
COMMENT ON COLUMN analytics.rides.avg_heart_rate IS 'Average heart rate over the ride, in beats per minute.';
COMMENT ON COLUMN analytics.rides.max_heart_rate IS 'Highest heart rate in the ride, in beats per minute.';
COMMENT ON COLUMN analytics.rides.personal_max_bpm IS 'The rider''s personal maximum heart rate at the start, in beats per minute (what alerts compare with).';
COMMENT ON COLUMN analytics.rides.seconds_above_max IS 'Seconds of the ride spent above the personal maximum heart rate.';
COMMENT ON COLUMN analytics.rides.avg_power_w IS 'Average power over the ride, in watts.';
COMMENT ON COLUMN analytics.rides.max_power_w IS 'Highest power in the ride, in watts.';
COMMENT ON COLUMN analytics.rides.energy_kj IS 'Energy the rider put out, in kilojoules.';
COMMENT ON COLUMN analytics.rides.alerts IS 'Heart-rate alerts raised during the ride.';

CREATE VIEW analytics.riders AS
SELECT p.rider_id, p.gender,
  extract(year FROM p.birth_date)::integer AS birth_year,
  coalesce(analytics.age_band(a.age), 'unknown') AS age_band,
  analytics.age_band_order(a.age) AS age_band_order,
  p.height_cm, p.weight_kg,
  CASE WHEN p.height_cm > 0 AND p.weight_kg > 0 THEN
    round((p.weight_kg::float8 / (p.height_cm::float8 / 100) ^ 2)::numeric, 1)::float8 END AS bmi,
  p.account_created, p.original_source,
  s.first_ride_at, s.last_ride_at, coalesce(s.ride_count, 0) AS ride_count
FROM riders p
CROSS JOIN LATERAL (SELECT
  extract(year FROM age((now() AT TIME ZONE 'UTC')::date, p.birth_date))::integer AS age) a
LEFT JOIN analytics_rider_rides s ON s.rider_id = p.rider_id;
COMMENT ON VIEW analytics.riders IS 'One row per rider, without names, contact details or exact birth date.';
COMMENT ON COLUMN analytics.riders.rider_id IS 'The rider''s account number (pseudonymous); analytics.rides.rider_id refers to it.';
COMMENT ON COLUMN analytics.riders.gender IS 'male, female, other or unknown.';
COMMENT ON COLUMN analytics.riders.birth_year IS 'Year of birth (the exact date is not shown).';
COMMENT ON COLUMN analytics.riders.age_band IS 'The rider''s age band today; unknown without a birth date.';
COMMENT ON COLUMN analytics.riders.age_band_order IS 'Sort order of the age band (analytics.age_bands.band_order).';
COMMENT ON COLUMN analytics.riders.height_cm IS 'Height in centimetres.';
COMMENT ON COLUMN analytics.riders.weight_kg IS 'Weight in kilograms.';
COMMENT ON COLUMN analytics.riders.bmi IS 'Body mass index: weight in kg over height in metres squared, to one decimal.';
COMMENT ON COLUMN analytics.riders.account_created IS 'The day the account was opened.';
COMMENT ON COLUMN analytics.riders.original_source IS 'Where the account came from (e.g. a campaign or channel).';
COMMENT ON COLUMN analytics.riders.first_ride_at IS 'Start of the rider''s first stored ride.';
COMMENT ON COLUMN analytics.riders.last_ride_at IS 'Start of the rider''s latest stored ride.';
COMMENT ON COLUMN analytics.riders.ride_count IS 'Rides stored for the rider.';

CREATE VIEW analytics.readings AS
SELECT g.ride_id, r.rider_id, g.elapsed_s, g.recorded_at,
  g.heart_rate, g.rpm, g.resistance, g.power_w,
  analytics.heart_rate_zone_order(g.heart_rate, r.personal_max_bpm) AS heart_rate_zone_order,
  z.label AS heart_rate_zone
FROM readings g
JOIN rides r ON r.ride_id = g.ride_id
LEFT JOIN analytics_heart_rate_zones z
  ON z.zone_order = analytics.heart_rate_zone_order(g.heart_rate, r.personal_max_bpm);
COMMENT ON VIEW analytics.readings IS 'The per-second readings of every ride, with the heart-rate zone each reached. Large: filter by ride.';
COMMENT ON COLUMN analytics.readings.ride_id IS 'The ride; joins analytics.rides.ride_id.';
COMMENT ON COLUMN analytics.readings.rider_id IS 'The rider (pseudonymous); joins analytics.riders.rider_id.';
COMMENT ON COLUMN analytics.readings.elapsed_s IS 'Seconds since the ride started.';
COMMENT ON COLUMN analytics.readings.recorded_at IS 'When the reading was taken (the bike''s clock).';
COMMENT ON COLUMN analytics.readings.heart_rate IS 'Heart rate in beats per minute; 0 when the rider''s hands were off the sensors.';
COMMENT ON COLUMN analytics.readings.rpm IS 'Cadence in revolutions per minute.';
COMMENT ON COLUMN analytics.readings.resistance IS 'Resistance setting of the bike.';
COMMENT ON COLUMN analytics.readings.power_w IS 'Power in watts.';
COMMENT ON COLUMN analytics.readings.heart_rate_zone_order IS 'Sort order of the heart-rate zone reached (analytics.heart_rate_zones.zone_order); empty when unknown or 0.';
COMMENT ON COLUMN analytics.readings.heart_rate_zone IS 'The heart-rate zone reached, in words.';

CREATE VIEW analytics.daily_summary AS
SELECT t.day, coalesce(s.rides, 0) AS rides, coalesce(s.riders, 0) AS riders,
  coalesce(s.ride_time_s, 0) AS ride_time_s,
  coalesce(s.ride_time_s, 0) / 3600 AS ride_time_hours,
  coalesce(s.energy_kj, 0) AS energy_kj,
  s.avg_heart_rate, s.avg_power_w,
  coalesce(s.alerts, 0) AS alerts,
  coalesce(s.seconds_above_max, 0) AS seconds_above_max
FROM analytics.dates t LEFT JOIN analytics_daily s ON s.day = t.day;
COMMENT ON VIEW analytics.daily_summary IS 'The daily report''s headline figures, one row per day (display time zone), over the rides started that day.';
COMMENT ON COLUMN analytics.daily_summary.day IS 'The calendar day; joins analytics.dates.day.';
COMMENT ON COLUMN analytics.daily_summary.rides IS 'Rides started that day.';
COMMENT ON COLUMN analytics.daily_summary.riders IS 'Different riders who started a ride that day (do not add up across days).';
COMMENT ON COLUMN analytics.daily_summary.ride_time_s IS 'Total ride time in seconds.';
COMMENT ON COLUMN analytics.daily_summary.ride_time_hours IS 'Total ride time in hours.';
COMMENT ON COLUMN analytics.daily_summary.energy_kj IS 'Total energy put out, in kilojoules.';
COMMENT ON COLUMN analytics.daily_summary.avg_heart_rate IS 'Average heart rate in beats per minute, weighted by readings (a long ride counts for more).';
COMMENT ON COLUMN analytics.daily_summary.avg_power_w IS 'Average power in watts, weighted by readings.';
COMMENT ON COLUMN analytics.daily_summary.alerts IS 'Heart-rate alerts raised in the day''s rides.';
COMMENT ON COLUMN analytics.daily_summary.seconds_above_max IS 'Seconds riders spent above their personal maximum heart rate.';

CREATE VIEW analytics.hourly_activity AS
SELECT day, hour, rides, riders, ride_time_s, ride_time_s / 3600 AS ride_time_hours, energy_kj,
  avg_heart_rate, avg_power_w, alerts, seconds_above_max
FROM analytics_hourly;
COMMENT ON VIEW analytics.hourly_activity IS 'Rides by the hour they started (display time zone), one row per day and hour with rides.';
COMMENT ON COLUMN analytics.hourly_activity.day IS 'The calendar day; joins analytics.dates.day.';
COMMENT ON COLUMN analytics.hourly_activity.hour IS 'Hour of the day the rides started, 0 to 23 (the repeated hour of a clock change counts once).';
COMMENT ON COLUMN analytics.hourly_activity.rides IS 'Rides started in the hour.';
COMMENT ON COLUMN analytics.hourly_activity.riders IS 'Different riders who started a ride in the hour.';
COMMENT ON COLUMN analytics.hourly_activity.ride_time_s IS 'Total ride time of those rides, in seconds.';
COMMENT ON COLUMN analytics.hourly_activity.ride_time_hours IS 'Total ride time of those rides, in hours.';
COMMENT ON COLUMN analytics.hourly_activity.energy_kj IS 'Total energy of those rides, in kilojoules.';
COMMENT ON COLUMN analytics.hourly_activity.avg_heart_rate IS 'Average heart rate, weighted by readings.';
COMMENT ON COLUMN analytics.hourly_activity.avg_power_w IS 'Average power in watts, weighted by readings.';
COMMENT ON COLUMN analytics.hourly_activity.alerts IS 'Heart-rate alerts raised in those rides.';
COMMENT ON COLUMN analytics.hourly_activity.seconds_above_max IS 'Seconds above the personal maximum heart rate in those rides.';

CREATE VIEW analytics.demographics AS
SELECT s.day, s.gender, coalesce(b.label, 'unknown') AS age_band, s.band_order AS age_band_order,
  s.rides, s.riders, s.ride_time_s, s.ride_time_s / 3600 AS ride_time_hours, s.energy_kj,
  s.avg_heart_rate, s.avg_power_w, s.alerts, s.seconds_above_max
FROM analytics_demographics s LEFT JOIN analytics_age_bands b ON b.band_order = s.band_order;
COMMENT ON VIEW analytics.demographics IS 'Rides, ride time and energy by gender and age band (at the ride), one row per day, gender and band with rides.';
COMMENT ON COLUMN analytics.demographics.day IS 'The calendar day; joins analytics.dates.day.';
COMMENT ON COLUMN analytics.demographics.gender IS 'male, female, other or unknown.';
COMMENT ON COLUMN analytics.demographics.age_band IS 'Age band at the ride; unknown without a birth date.';
COMMENT ON COLUMN analytics.demographics.age_band_order IS 'Sort order of the age band (analytics.age_bands.band_order).';
COMMENT ON COLUMN analytics.demographics.rides IS 'Rides started.';
COMMENT ON COLUMN analytics.demographics.riders IS 'Different riders (do not add up across days).';
COMMENT ON COLUMN analytics.demographics.ride_time_s IS 'Total ride time in seconds.';
COMMENT ON COLUMN analytics.demographics.ride_time_hours IS 'Total ride time in hours.';
COMMENT ON COLUMN analytics.demographics.energy_kj IS 'Total energy in kilojoules.';
COMMENT ON COLUMN analytics.demographics.avg_heart_rate IS 'Average heart rate, weighted by readings.';
COMMENT ON COLUMN analytics.demographics.avg_power_w IS 'Average power in watts, weighted by readings.';
COMMENT ON COLUMN analytics.demographics.alerts IS 'Heart-rate alerts raised in those rides.';
COMMENT ON COLUMN analytics.demographics.seconds_above_max IS 'Seconds above the personal maximum heart rate.';
