import type { Store } from '../store/store.ts';
import { normalizeStatement, type Origin, type Rejection } from './statement-input.ts';

export interface IngestResult {
  accepted: Array<{ index: number; id: number; duplicate: boolean }>;
  rejected: Array<{ index: number } & Rejection>;
}

/**
 * The one way statements enter the store, whatever the source. A batch is validated item by
 * item (a bad item rejects that item only) and the good ones are committed in one transaction
 * before anything is acknowledged.
 */
export function createIngestService(deps: { store: Store; now?: () => number }) {
  const now = deps.now ?? Date.now;
  return {
    ingest(items: unknown[], ctx: { origin: Origin; isDemo?: boolean }): IngestResult {
      const receivedAt = now();
      const result: IngestResult = { accepted: [], rejected: [] };
      const valid: Array<{ index: number; value: ReturnType<typeof normalizeStatement> & { ok: true } }> = [];
      items.forEach((item, index) => {
        const n = normalizeStatement(item, { origin: ctx.origin, receivedAt, isDemo: ctx.isDemo });
        if (n.ok) valid.push({ index, value: n });
        else result.rejected.push({ index, ...n.rejection });
      });
      deps.store.transaction(() => {
        for (const { index, value } of valid) {
          const outcome = deps.store.statements.insert(value.value);
          result.accepted.push({ index, ...outcome });
        }
      });
      return result;
    },
  };
}

export type IngestService = ReturnType<typeof createIngestService>;
