import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Logger } from '../config/logger.ts';
import { streamCsv } from '../export/csv-stream.ts';
import {
  BUCKET_MS,
  type CsvExport,
  type ExportService,
  type HistoryExportRequest,
  type StatementsExportRequest,
} from '../export/export-service.ts';
import { HttpError } from './http-errors.ts';
import { checkRange, dateParam, parseQuery, textParam } from './query-params.ts';
import { checkScopeStatus, checkScoreRange, filterFields, statementFilterShape } from './statement-filters.ts';

export const DEFAULT_HISTORY_RANGE_MS = 86_400_000; // as GET /api/metrics/history
export const DEFAULT_STATEMENTS_RANGE_MS = 30 * 86_400_000;
/** Scopes one history export may name (or ask for scope=all). */
export const MAX_SCOPES = 50;
/** Exports streaming at once; more get 429 so a burst of big downloads cannot starve the server. */
export const MAX_CONCURRENT_EXPORTS = 4;
// 9999-12-31T23:59:59.999Z: beyond it dates cannot be written as ISO 8601.
const LAST_MS = 253_402_300_799_999;

export interface ExportLimits {
  /** Longest from..to range an export may span (BRINKWATCH_EXPORT_MAX_DAYS). */
  maxRangeMs: number;
  now?: () => number;
}

const scopeValue = textParam(300).regex(/^(all|global|actor:.+|dyad:.+>.+|category:.+)$/, {
  message: 'must be all, global, actor:NAME, dyad:SPEAKER>TARGET or category:NAME',
});

const bomParam = z
  .enum(['1', '0', 'true', 'false'], { message: 'must be 1 or 0' })
  .transform((v) => v === '1' || v === 'true');

const historySchema = z.strictObject({
  from: dateParam.optional(),
  to: dateParam.optional(),
  bucket: z.enum(['minute', 'hour', 'day'], { message: 'must be minute, hour or day' }).optional(),
  // Repeat scope for several (scope=global&scope=actor:Russia); the simple query parser gives an array.
  scope: z.union([scopeValue, z.array(scopeValue).max(MAX_SCOPES, `may be given at most ${MAX_SCOPES} times`)]).optional(),
  bom: bomParam.optional(),
});

const statementsSchema = z.strictObject({ ...statementFilterShape, bom: bomParam.optional() });

/** Parses and checks the history export query; every problem is a 400 naming its parameter. */
export function parseHistoryExportQuery(query: unknown, limits: ExportLimits): HistoryExportRequest & { bom: boolean } {
  const q = parseQuery(historySchema, query);
  const bucket = q.bucket ?? 'minute';
  const { from, to } = resolveRange(q.from, q.to, DEFAULT_HISTORY_RANGE_MS, limits);
  const given = q.scope === undefined ? ['global'] : typeof q.scope === 'string' ? [q.scope] : q.scope;
  const scopes = [...new Set(given)];
  if (scopes.includes('all') && scopes.length > 1) {
    throw new HttpError(400, 'invalid-query', 'scope: "all" already includes every scope; give it alone');
  }
  // Whole buckets: a row labelled 10:00 holds all of 10:00-11:00, never a slice of it.
  const size = BUCKET_MS[bucket];
  return {
    from: Math.floor(from / size) * size,
    to: Math.ceil(to / size) * size,
    bucket,
    scopes: scopes[0] === 'all' ? 'all' : scopes,
    bom: q.bom ?? false,
  };
}

/** The GET /api/statements filters (shared shape) with a bounded range, plus bom. */
export function parseStatementsExportQuery(query: unknown, limits: ExportLimits): StatementsExportRequest & { bom: boolean } {
  const q = parseQuery(statementsSchema, query);
  checkScopeStatus(q.scope, q.status);
  checkScoreRange(q.minScore, q.maxScore);
  const { from, to } = resolveRange(q.from, q.to, DEFAULT_STATEMENTS_RANGE_MS, limits);
  return {
    filter: { ...filterFields(q), from, to },
    bom: q.bom ?? false,
  };
}

function resolveRange(
  givenFrom: number | undefined,
  givenTo: number | undefined,
  defaultSpan: number,
  limits: ExportLimits,
): { from: number; to: number } {
  for (const [name, value] of [['from', givenFrom], ['to', givenTo]] as const) {
    if (value !== undefined && (value < 0 || value > LAST_MS)) {
      throw new HttpError(400, 'invalid-query', `${name}: must be between 1970-01-01 and 9999-12-31`);
    }
  }
  const to = givenTo ?? (limits.now ?? Date.now)();
  const from = givenFrom ?? Math.max(0, to - defaultSpan);
  checkRange(from, to);
  if (to - from > limits.maxRangeMs) {
    const days = (ms: number) => Math.round((ms / 86_400_000) * 10) / 10;
    throw new HttpError(
      400,
      'invalid-query',
      `to: the range spans ${days(to - from)} days; an export may span at most ${days(limits.maxRangeMs)} days (BRINKWATCH_EXPORT_MAX_DAYS)`,
    );
  }
  return { from, to };
}

/** Who asked for an export, for the log line (the client address; an account once there are accounts). */
export type Requester = (req: Request) => Record<string, unknown>;

export function createExportRoutes(deps: { exports: ExportService; limits: ExportLimits; logger?: Logger; requester?: Requester }): Router {
  const router = Router();

  const who: Requester = deps.requester ?? ((req) => ({ ip: req.ip }));

  async function send(req: Request, res: Response, open: () => CsvExport, bom: boolean, what: Record<string, unknown>): Promise<void> {
    if (deps.exports.activeExports() >= MAX_CONCURRENT_EXPORTS) {
      res.set('Retry-After', '10');
      throw new HttpError(429, 'too-many-exports', `at most ${MAX_CONCURRENT_EXPORTS} exports run at once; try again shortly`);
    }
    const started = performance.now();
    const csv = open();
    const gone = new AbortController();
    const onClose = () => gone.abort();
    res.on('close', onClose);
    try {
      res.status(200).set({
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="${csv.fileName}"`,
        'Cache-Control': 'no-store',
      });
      if (req.method === 'HEAD') {
        // Express routes HEAD to GET: answer the headers without reading a row.
        res.end();
        return;
      }
      const result = await streamCsv(res, csv, { bom, signal: gone.signal });
      deps.logger?.info(
        { event: 'export', who: who(req), what, file: csv.fileName, rows: result.rows, completed: result.completed, ms: Math.round(performance.now() - started) },
        result.completed ? 'export sent' : 'export stopped: client went away',
      );
    } catch (err) {
      // Failing before the first byte: the error middleware answers JSON, not a CSV download.
      if (!res.headersSent) res.removeHeader('Content-Disposition');
      throw err;
    } finally {
      res.off('close', onClose);
      csv.close();
    }
  }

  router.get('/api/export/history.csv', async (req, res) => {
    const r = parseHistoryExportQuery(req.query, deps.limits);
    await send(req, res, () => deps.exports.history(r), r.bom, { kind: 'history', from: r.from, to: r.to, bucket: r.bucket, scopes: r.scopes });
  });

  router.get('/api/export/statements.csv', async (req, res) => {
    const r = parseStatementsExportQuery(req.query, deps.limits);
    await send(req, res, () => deps.exports.statements(r), r.bom, { kind: 'statements', ...r.filter });
  });

  return router;
}
