-- Whether a bike has started a ride since a suppressed one, asked on every start and rebalance;
-- without it that is a scan of all rides.
CREATE INDEX rides_bike_started ON rides (bike_key, started_at);
