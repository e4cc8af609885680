import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../config/logger.ts';

/** An expected failure with its status and kebab-case code; answered as the error envelope. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'not-found', `no route for ${req.method} ${req.path}`));
};

/** The one error middleware, registered last: `{ error: { code, message } }` with the right status. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof HttpError) {
      // Auth failures are logged for the operator (who, where, why), never with the credential.
      if (err.status === 401 || err.status === 403) {
        logger.warn({ event: 'auth-failure', status: err.status, code: err.code, reason: err.message, method: req.method, path: req.path, ip: req.ip }, 'auth failure');
      }
      res.status(err.status).json({ error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } });
      return;
    }
    // body-parser and friends signal client errors with a status and a type.
    const status = typeof err?.status === 'number' ? err.status : typeof err?.statusCode === 'number' ? err.statusCode : 500;
    if (status >= 400 && status < 500) {
      const code =
        err.type === 'entity.too.large'
          ? 'payload-too-large'
          : err.type === 'entity.parse.failed'
            ? 'malformed-json'
            : err.type === 'encoding.unsupported' || err.type === 'charset.unsupported'
              ? 'unsupported-encoding'
              : 'bad-request';
      const message =
        code === 'payload-too-large'
          ? `request body is larger than the limit (${err.limit} bytes)`
          : code === 'malformed-json'
            ? 'request body is not valid JSON'
            : String(err.message ?? 'bad request');
      res.status(status).json({ error: { code, message } });
      return;
    }
    logger.error({ err, method: req.method, path: req.path }, 'request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(500).json({ error: { code: 'internal', message: 'internal server error' } });
  };
}
