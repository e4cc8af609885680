import { csvRecord } from '../shared/csv-format.ts';
import type { Db } from '../store/database.ts';
import { createExportQueries, type HistoryQuery } from '../store/export-queries.ts';
import type { StatementFilter } from '../store/statements-repo.ts';
import type { CsvSource } from './csv-stream.ts';
import { exportFileName } from './export-file-name.ts';
import { createAlertNames, HISTORY_HEADER, historyCells } from './history-rows.ts';
import { STATEMENTS_HEADER, statementExportRecord } from './statement-rows.ts';

export const BUCKET_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
export type ExportBucket = keyof typeof BUCKET_MS;

/** A validated history export: whole buckets, from < to, scopes named or 'all'. */
export interface HistoryExportRequest {
  from: number;
  to: number;
  bucket: ExportBucket;
  scopes: readonly string[] | 'all';
}

/** A validated statements export: the GET /api/statements filters with a bounded range. */
export interface StatementsExportRequest {
  filter: StatementFilter & { from: number; to: number };
}

/**
 * One export in progress. It owns a read-only connection until close(); streamCsv closes
 * the records iterator, which closes the export, and callers call close() again in `finally`
 * (idempotent) for the paths where the records were never pulled.
 */
export interface CsvExport extends CsvSource {
  fileName: string;
  /** Rows the export will yield (one COUNT query; for progress bars). */
  count(): number;
  close(): void;
}

/** Builds CSV exports on connections from openReader(), shared by the HTTP routes and the CLI. */
export function createExportService(deps: { openReader: () => Db }) {
  let active = 0;

  function open(): { reader: Db; close: () => void } {
    const reader = deps.openReader();
    active++;
    let closed = false;
    return {
      reader,
      close() {
        if (closed) return;
        closed = true;
        active--;
        reader.close();
      },
    };
  }

  return {
    history(req: HistoryExportRequest): CsvExport {
      const { reader, close } = open();
      const queries = createExportQueries(reader);
      const resolutionMs = BUCKET_MS[req.bucket];
      const q: HistoryQuery = { from: req.from, to: req.to, resolutionMs, scopes: req.scopes };
      function* records() {
        try {
          const alerts = createAlertNames(queries.firingIntervals(req.from, req.to));
          for (const g of queries.iterateHistory(q)) yield csvRecord(historyCells(g, resolutionMs, alerts));
        } finally {
          close();
        }
      }
      return {
        fileName: exportFileName('history', req.from, req.to),
        header: HISTORY_HEADER,
        records: records(),
        count: () => queries.countHistory(q),
        close,
      };
    },

    statements(req: StatementsExportRequest): CsvExport {
      const { reader, close } = open();
      const queries = createExportQueries(reader);
      function* records() {
        try {
          for (const row of queries.iterateStatementRows(req.filter)) yield statementExportRecord(row);
        } finally {
          close();
        }
      }
      return {
        fileName: exportFileName('statements', req.filter.from, req.filter.to),
        header: STATEMENTS_HEADER,
        records: records(),
        count: () => queries.countStatements(req.filter),
        close,
      };
    },

    /** Exports currently holding a reader (tests check that disconnects release them). */
    activeExports(): number {
      return active;
    },
  };
}

export type ExportService = ReturnType<typeof createExportService>;
