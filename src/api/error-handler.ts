import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isTransientDbError } from '../store/db.js';
import { ApiError, errorBody, type ApiErrorCode } from './api-error.js';

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: { keys?: unknown };
}

/** "limit: must be ...; since: ..." from a validation error, naming each parameter. */
function describeValidation(issues: readonly ValidationIssue[]): string {
  return issues
    .map((i) => {
      if (i.keyword === 'unrecognized_keys' && Array.isArray(i.params?.keys))
        return `unknown parameter ${i.params.keys.map((k) => `"${String(k)}"`).join(', ')}`;
      const name = (i.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
      // A parameter sent twice arrives as an array.
      const message = i.message?.startsWith('Invalid input: expected string, received array')
        ? 'must be given once'
        : (i.message ?? 'is not valid');
      return name ? `${name}: ${message}` : message;
    })
    .join('; ');
}

const CODE_BY_STATUS: Record<number, ApiErrorCode> = {
  400: 'invalid_input',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/** Maps any failure to the API's one error shape; only bugs become 500, and those are logged. */
function toApiError(err: FastifyError | Error): ApiError {
  if (err instanceof ApiError) return err;
  const fe = err as FastifyError & { validation?: ValidationIssue[] };
  if (Array.isArray(fe.validation))
    return new ApiError(400, 'invalid_input', describeValidation(fe.validation));
  if (isTransientDbError(err))
    return new ApiError(
      503,
      'database_unavailable',
      'the database is unreachable; try again shortly',
      {
        'retry-after': '5',
      },
    );
  const sqlState = (err as { code?: unknown }).code;
  // Datetime or numeric overflow: a value past what the database stores, which validation should
  // have refused (it is logged as a warning, to be caught there).
  if (sqlState === '22008' || sqlState === '22003')
    return new ApiError(400, 'invalid_input', 'a value is out of range');
  // Deadlock, serialization failure, lock not available: the same request may well succeed.
  if (sqlState === '40P01' || sqlState === '40001' || sqlState === '55P03')
    return new ApiError(503, 'database_unavailable', 'the database is busy; try again', {
      'retry-after': '1',
    });
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  // A path parameter past the router's length limit: bad input like any other.
  if (status === 414) return new ApiError(400, 'invalid_input', 'a path parameter is too long');
  if (status >= 400 && status < 500)
    return new ApiError(status, CODE_BY_STATUS[status] ?? 'invalid_input', fe.message);
  return new ApiError(500, 'internal', 'internal error; it has been logged');
}

// An outage is an operations matter (one line, no stack); anything else at 500 is a bug.
function logFailure(req: FastifyRequest, err: Error, e: ApiError): void {
  const sqlState = (err as { code?: unknown }).code;
  if (e.code === 'invalid_input' && (sqlState === '22008' || sqlState === '22003'))
    req.log.warn(
      { url: req.url, reason: err.message },
      'input passed validation but not the database',
    );
  else if (e.code === 'database_unavailable')
    req.log.warn({ url: req.url, reason: err.message }, 'database unreachable');
  // An ApiError at 5xx is an answer given on purpose (nothing to build with, busy), not a bug.
  else if (e.status >= 500 && !(err instanceof ApiError))
    req.log.error({ err, url: req.url }, 'request failed');
}

function send(reply: FastifyReply, e: ApiError): FastifyReply {
  return reply.code(e.status).headers(e.headers).send(errorBody(e.code, e.message));
}

/** Installs the error, not-found and framework-error handlers that give every failure one shape. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const e = toApiError(err);
    logFailure(req, err, e);
    return send(reply, e);
  });
  app.setNotFoundHandler((req, reply) =>
    send(
      reply,
      new ApiError(404, 'not_found', `no route ${req.method} ${req.url.split('?')[0] ?? ''}`),
    ),
  );
}

/** For Fastify's `frameworkErrors` option: a malformed URL gets the one error shape too. */
export function frameworkErrors(
  err: FastifyError,
  _req: FastifyRequest,
  reply: FastifyReply,
): void {
  void send(reply, toApiError(err));
}
