// Loads the scorer development set (test/fixtures/scoring/*.jsonl) and one shared scorer.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadScorer } from '../../server/config/load-scorer.ts';
import type { Scorer } from '../../server/scoring/index.ts';

export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/scoring/', import.meta.url));

export function readJsonl<T>(name: string): T[] {
  return readFileSync(FIXTURE_DIR + name, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

let shared: Scorer | null = null;
export function scorer(): Scorer {
  shared ??= loadScorer();
  return shared;
}

export interface Pair { kind: string; high: string; low: string }
export interface CategoryCase { category: string; direction: 'escalation' | 'deescalation'; text: string }
export interface NeutralCase { text: string }
export interface ModalityCase { text: string; signal: string; modality: string }
export interface ActorCase { text: string; speaker: string | null; targets: string[]; speakerHint?: string }
