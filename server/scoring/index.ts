// The escalation scorer: a pure function of (lexicon data, text). No I/O, no clock, no
// imports from outside this folder. See README.md for the taxonomy and the calibration.

import type { ActorsFound, Level, ScoreOptions, ScoreResult, Scorer, Signal } from './types.ts';
import { compileLexicon, type CompiledLexicon } from './lexicon.ts';
import { tokenize, WORD } from './tokenize.ts';
import { stem } from './stem.ts';
import { findSignals, markCues, type Prepared } from './analyse.ts';
import { findMentions, resolveActors } from './actors.ts';
import { levelForScore, toScore } from './combine.ts';

export type { Polarity, Modality, Level, Signal, ActorsFound, ScoreResult, ScoreOptions, Scorer } from './types.ts';
export { LEVEL_BANDS, levelForScore } from './combine.ts';
export { MAX_ANALYSED_CHARS, MAX_TOKENS, MAX_TOKEN_CHARS } from './tokenize.ts';

/** Version of the scoring code; the result's version adds the lexicon's version and hash. */
export const SCORER_CODE_VERSION = '1.0.0';

/** Bounded memo of word -> stem (texts repeat most of their vocabulary). */
const STEM_CACHE_LIMIT = 50_000;

function createStemmer(exceptions: Map<string, string>): (word: string) => string {
  let cache = new Map<string, string>();
  return (word: string): string => {
    let s = cache.get(word);
    if (s === undefined) {
      s = exceptions.get(word) ?? stem(word);
      if (cache.size >= STEM_CACHE_LIMIT) cache = new Map();
      cache.set(word, s);
    }
    return s;
  };
}

function scoreText(lex: CompiledLexicon, stemOf: (w: string) => string, version: string, input: unknown, options?: ScoreOptions): ScoreResult {
  const text = typeof input === 'string' ? input : '';
  const { tokens, sentenceEnds } = tokenize(text);
  const stems = new Array<string>(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    stems[i] = t.kind === WORD && t.lower !== '' ? stemOf(t.lower) : t.kind === WORD ? '' : t.lower;
  }
  const cues = markCues(lex, stems, tokens, sentenceEnds.length);
  const prepared: Prepared = { tokens, sentenceEnds, stems, ...cues };
  const found = findSignals(lex, prepared, text);
  const mentions = findMentions(lex, prepared, text);
  const actors: ActorsFound = resolveActors(lex, prepared, mentions, found, options?.speaker);
  const escalation: number[] = [];
  const deescalation: number[] = [];
  const signals: Signal[] = [];
  for (const f of found) {
    const s = f.signal;
    if (s.weight <= 0) continue;
    signals.push(s);
    (s.polarity === 'escalation' ? escalation : deescalation).push(s.weight);
  }
  const score = toScore(escalation, deescalation, lex.calibration);
  const level: Level = levelForScore(score);
  return { score, level, signals, actors, version };
}

/** Validates and compiles the lexicon; throws an Error naming the bad entry if invalid. */
export function createScorer(lexicon: unknown): Scorer {
  const lex = compileLexicon(lexicon);
  const version = `${SCORER_CODE_VERSION}+lex.${lex.version}`;
  const stemOf = createStemmer(lex.stemExceptions);
  return {
    version,
    score: (text: string, options?: ScoreOptions) => scoreText(lex, stemOf, version, text, options),
    resolveActor(name: string): string | null {
      if (typeof name !== 'string') return null;
      return lex.actorNames.get(name.trim().toLowerCase()) ?? null;
    },
  };
}
