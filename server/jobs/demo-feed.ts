import fs from 'node:fs';
import type { IngestService } from '../ingest/ingest-service.ts';
import type { Store } from '../store/store.ts';

export interface DemoStatement {
  text: string;
  speaker: string;
  source: string;
  kind: string;
}

/** Reads data/demo/statements.jsonl; a bad line is skipped with its line number reported. */
export function loadDemoStatements(file: string): { statements: DemoStatement[]; errors: string[] } {
  const statements: DemoStatement[] = [];
  const errors: string[] = [];
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        const o = JSON.parse(line) as Partial<DemoStatement>;
        if (typeof o.text !== 'string' || typeof o.speaker !== 'string') throw new Error('text and speaker are required');
        statements.push({ text: o.text, speaker: o.speaker, source: o.source ?? 'Demo', kind: o.kind ?? 'unknown' });
      } catch (err) {
        errors.push(`${file}:${i + 1}: ${(err as Error).message}`);
      }
    });
  return { statements, errors };
}

/** A small deterministic PRNG (mulberry32) so a seeded demo database looks the same each time. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Demo mode: seeds an empty database with the demo statements spread over the last 7 days
 * (denser in the last 24 h so the chart has shape), then trickles one demo statement every
 * tick until the first real statement arrives. Demo rows are marked is_demo.
 */
export function createDemoFeed(deps: { store: Store; ingest: IngestService; statements: DemoStatement[]; now?: () => number }) {
  const now = deps.now ?? Date.now;
  const random = prng(20261126);
  let live = 0;

  return {
    /** Seeds only an empty database; returns how many statements were stored. */
    seedIfEmpty(): number {
      if (deps.store.statements.count() > 0 || deps.statements.length === 0) return 0;
      const t = now();
      const items = [];
      for (let round = 0; round < 2; round++) {
        for (const [i, s] of deps.statements.entries()) {
          // Round 0 spreads over 7 days, round 1 over the last 24 h.
          const span = round === 0 ? 7 * 86_400_000 : 86_400_000;
          const publishedAt = t - Math.floor(random() * span) - 60_000;
          items.push({ ...s, publishedAt, externalId: `demo-seed-${round}-${i}` });
        }
      }
      return deps.ingest.ingest(items, { origin: 'demo', isDemo: true }).accepted.length;
    },

    /** One live demo statement, unless real statements have started to arrive. */
    trickle(): { added: number; stopped?: boolean } {
      if (deps.statements.length === 0) return { added: 0 };
      if (deps.store.statements.hasRealStatements()) return { added: 0, stopped: true };
      const s = deps.statements[Math.floor(random() * deps.statements.length)]!;
      const t = now();
      live++;
      const r = deps.ingest.ingest([{ ...s, publishedAt: t, externalId: `demo-live-${t}-${live}` }], { origin: 'demo', isDemo: true });
      return { added: r.accepted.length };
    },
  };
}
