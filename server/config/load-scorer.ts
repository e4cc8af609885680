// Reads the lexicon data files once and builds the scorer. The only I/O around the pure
// scoring module: scoring/ itself never touches the file system.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { createScorer, type Scorer } from '../scoring/index.ts';

/** data/lexicon relative to the repository root (this file is server/config/load-scorer.ts). */
export const DEFAULT_LEXICON_DIR = fileURLToPath(new URL('../../data/lexicon/', import.meta.url));

/** The lexicon files and the key each is passed under to createScorer. */
export const LEXICON_FILES = {
  taxonomy: 'taxonomy.json',
  signals: 'signals.json',
  background: 'background.json',
  cues: 'cues.json',
  actors: 'actors.json',
} as const;

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`Cannot read lexicon file ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Error(`Lexicon file ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

/** Reads every lexicon file from `lexiconDir` and returns a validated scorer (throws if invalid). */
export function loadScorer(lexiconDir: string = DEFAULT_LEXICON_DIR): Scorer {
  const lexicon: Record<string, unknown> = {};
  for (const [key, file] of Object.entries(LEXICON_FILES)) {
    lexicon[key] = readJson(path.join(lexiconDir, file));
  }
  return createScorer(lexicon);
}
