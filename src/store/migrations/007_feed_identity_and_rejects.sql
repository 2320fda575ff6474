-- What a stored position is a position in: a feed file's fingerprint (its first bytes) and where
-- its byte 0 sits among the positions, so a replaced or truncated file is read from its start.
ALTER TABLE source_offsets ADD COLUMN identity text;

-- The account a rejected line names, when it could be read (in any form the feed wrote it):
-- erasing that rider finds the line by it, not only by searching the raw text.
ALTER TABLE rejected_messages ADD COLUMN rider_id bigint;
CREATE INDEX rejected_messages_rider ON rejected_messages (rider_id) WHERE rider_id IS NOT NULL;
-- Retention deletes the oldest rejects first.
CREATE INDEX rejected_messages_received ON rejected_messages (received_at);

-- Running counts of stored rejects, per source partition, kept by the batches that insert them
-- and by whatever deletes them: /metrics reads these instead of counting the table. One row per
-- partition, written by the one process that owns the partition, so batches never contend.
CREATE TABLE rejected_counts (
  source    text NOT NULL,
  partition integer NOT NULL,
  stored    bigint NOT NULL,
  PRIMARY KEY (source, partition)
);
INSERT INTO rejected_counts (source, partition, stored)
SELECT source, partition, count(*) FROM rejected_messages GROUP BY source, partition;

-- Reasons no longer quote what a line says (it may name a rider). Older reasons that did are
-- cut back to their own words, so that no personal data outlives an erasure in them.
UPDATE rejected_messages
SET reason = regexp_replace(reason, ' "[^"]*"', '', 'g')
WHERE reason ~ '(rider (name|address)|line kind|marker line|Ride line|Telemetry line) "';
UPDATE rejected_messages
SET reason = regexp_replace(reason, '(is not valid JSON): .*$', '\1')
WHERE reason ~ 'is not valid JSON: ';
