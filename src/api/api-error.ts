/** Codes of the API's error responses; clients may switch on them. */
export type ApiErrorCode =
  | 'invalid_input'
  | 'unauthorized'
  | 'forbidden'
  | 'csrf'
  | 'not_found'
  | 'method_not_allowed'
  | 'request_timeout'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'expectation_failed'
  | 'headers_too_large'
  | 'rate_limited'
  | 'database_unavailable'
  | 'shutting_down'
  | 'reports_unavailable'
  | 'busy'
  | 'internal';

/** A failure the API reports as `{"error": {"code", "message"}}` with its HTTP status. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    code: ApiErrorCode,
    message: string,
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

/** The one shape of every error body. */
export interface ErrorBody {
  error: { code: ApiErrorCode; message: string };
}

/** Builds an error body. */
export function errorBody(code: ApiErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}
