import { statementExportHead } from './statement-export-head.ts';
import type { Db } from './database.ts';
import type { StoredSignal } from './statements-repo.ts';

interface MissingHeadRow {
  id: number;
  occurredAt: number;
  speaker: string | null;
  source: string | null;
  url: string | null;
  status: string;
  actor: string | null;
  targets: string | null;
  score: number | null;
  level: string | null;
  signals: string | null;
  scorerVersion: string | null;
  lang: string | null;
}

const parseArray = <T>(json: string | null): T[] => (json ? (JSON.parse(json) as T[]) : []);

/**
 * Fills statements.export_head for rows stored before migration 007 (or left NULL by a later one), from their columns and
 * exactly as the statements repo writes it, so those rows export at full speed too. Call
 * inside a transaction.
 */
export function createExportHeadFiller(db: Db) {
  const missing = db.prepare(`
    SELECT id, occurred_at AS occurredAt, speaker, source, url, status, actor, targets, score, level, signals,
           scorer_version AS scorerVersion, lang
    FROM statements INDEXED BY statements_export_head_missing WHERE export_head IS NULL ORDER BY id LIMIT ?`);
  const setHead = db.prepare('UPDATE statements SET export_head = ? WHERE id = ? AND export_head IS NULL');
  return {
    /** Fills up to `limit` missing heads, oldest first; returns how many. */
    fill(limit: number): number {
      const rows = missing.all(limit) as MissingHeadRow[];
      for (const r of rows) {
        const head =
          r.status === 'scored' && r.score !== null && r.level !== null && r.scorerVersion !== null
            ? statementExportHead(r, {
                score: r.score,
                level: r.level,
                actor: r.actor,
                targets: parseArray<string>(r.targets),
                signals: parseArray<StoredSignal>(r.signals),
                scorerVersion: r.scorerVersion,
                lang: r.lang,
              })
            : statementExportHead(r, null, { status: r.status as 'pending' | 'failed' | 'unsupported', lang: r.lang });
        setHead.run(head, r.id);
      }
      return rows.length;
    },
  };
}
