import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout. Log ids, counts and scores, never statement text or tokens. */
export function createLogger(level = 'info'): Logger {
  return pino({ level, base: { app: 'brinkwatch' }, redact: ['token', 'authorization', '*.token'] });
}

/** A logger that drops everything: tests and CLIs that print their own output. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
