/** Error codes the platform raises on purpose; anything else is a bug. */
export type ErrorCode =
  | 'config_invalid'
  | 'cli_usage'
  | 'source_unavailable'
  | 'db_unavailable'
  | 'migration_failed'
  | 'replica_schema_mismatch'
  | 'port_unavailable'
  | 'ingest_write_failed'
  | 'partition_fenced'
  | 'report_day_invalid'
  | 'report_send_failed'
  | 'bi_access_refused';

/** A typed error with a stable `code` callers can switch on. */
export class DelotonError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DelotonError';
    this.code = code;
  }
}
