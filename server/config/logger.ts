import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Field paths masked wherever they appear: a token or credential logged by mistake prints as [Redacted]. */
const REDACT = ['token', 'authorization', 'password', 'cookie', '*.token', '*.authorization', '*.password', '*.cookie', 'req.headers.authorization', 'req.headers.cookie'];

/** JSON logs on stdout (or `destination`: tests). Log ids, counts and scores, never statement text or tokens. */
export function createLogger(level = 'info', destination?: DestinationStream): Logger {
  const options = { level, base: { app: 'brinkwatch' }, redact: REDACT };
  return destination ? pino(options, destination) : pino(options);
}

/** A logger that drops everything: tests and CLIs that print their own output. */
export function createSilentLogger(): Logger {
  // BRINKWATCH_TEST_LOG=error (or debug...) shows what a test's server logged, to stderr.
  const level = process.env.BRINKWATCH_TEST_LOG;
  return level ? pino({ level }, pino.destination(2)) : pino({ level: 'silent' });
}
