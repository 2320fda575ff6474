-- 009's erased_until gave an erasure that removed no ride (a rider known only from rejected
-- lines) a day's allowance: least() skips a null erased_through. With no erased ride there is
-- no clock running ahead to allow for: the bound is the erasure itself.
CREATE OR REPLACE FUNCTION erased_until(rider bigint) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
  SELECT max(greatest(erased_at, least(coalesce(erased_through, erased_at), erased_at + interval '1 day')))
  FROM erasures WHERE rider_id = rider
$$;
