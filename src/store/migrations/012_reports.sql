-- Daily executive reports: each day's PDF as built for the schedule, and its delivery. The row is
-- the outbox of the report mail, as the alerts table is of alert mails: whoever inserts a day
-- first owns building it, a lease (attempts + next_attempt_at) lets one process at a time send it,
-- and a crashed sender's lease runs out so that another one takes over.
CREATE TABLE reports (
  day             date PRIMARY KEY,            -- the calendar day in time_zone
  time_zone       text NOT NULL,
  generated_at    timestamptz,                 -- null until built
  pdf             bytea,
  -- The headline figures and the "what changed" sentences, as the mail body shows them.
  summary         jsonb,
  -- pending: to build and send; sent; failed: given up (last_error says why); stored: built and
  -- kept, with nobody to send it to (no REPORT_RECIPIENTS or no mail server).
  state           text NOT NULL DEFAULT 'pending'
                  CHECK (state IN ('pending', 'sent', 'failed', 'stored')),
  recipients      text[] NOT NULL DEFAULT '{}',
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text,
  sent_at         timestamptz
);
CREATE INDEX reports_due ON reports (next_attempt_at) WHERE state = 'pending';
