-- Fencing (issue 12): which claim of a source partition may write its rows and positions.
-- A process claims a partition when it is given it (epoch + 1, in its own transaction, before it
-- reads the partition's positions); a batch commits only while each partition it covers still
-- has the epoch its process claimed, so a process that lost a partition (a consumer-group member
-- paused past its session timeout) cannot commit a late batch for it.
-- A table of its own rather than a column of source_offsets: a partition is claimed before
-- anything of it is stored, and a made-up position row would read as "resume from 0".
CREATE TABLE partition_owners (
  source     text NOT NULL,
  partition  integer NOT NULL,
  epoch      bigint NOT NULL,
  claimed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, partition)
);
