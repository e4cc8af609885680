// The escalation scorer: a pure function of (lexicon data, text). No I/O, no clock, no
// imports from outside this folder. See README.md for the taxonomy and the calibration.

import type { ActorsFound, Level, ScoreOptions, ScoreResult, Scorer, Signal } from './types.ts';
import { compileLexicon, ENGLISH_PROFILE, type CompiledLexicon, type LanguageProfile } from './lexicon.ts';
import { tokenize as _tokenize } from './tokenize.ts';
import { findSignals as _findSignals } from './analyse.ts';
import { markCues as _markCues, type Prepared } from './prepare.ts';
import { Scratch } from './scratch.ts';
import { findMentions as _findMentions, resolveActors as _resolveActors, type Mention } from './actors.ts';
import { levelForScore as _levelForScore, toScoreOf as _toScoreOf } from './combine.ts';
import { resolveName } from './resolve-name.ts';
import { WordCollector } from './word-collector.ts';

export type { Polarity, Modality, Level, Signal, ActorsFound, ScoreResult, ScoreOptions, Scorer } from './types.ts';
export { LEVEL_BANDS, levelForScore } from './combine.ts';
export { MAX_ANALYSED_CHARS, MAX_TOKENS, MAX_TOKEN_CHARS } from './tokenize.ts';

// Imported bindings are getters under the TypeScript loader; copied once so that the hot path
// does not call a getter per use.
const tokenize = _tokenize;
const findSignals = _findSignals;
const markCues = _markCues;
const findMentions = _findMentions;
const resolveActors = _resolveActors;
const levelForScore = _levelForScore;
const toScoreOf = _toScoreOf;

const NO_MENTIONS: Mention[] = [];

/** Version of the scoring code; the result's version adds the lexicon's version and hash. */
export const SCORER_CODE_VERSION = '1.3.0';

function scoreText(
  lex: CompiledLexicon,
  collector: WordCollector,
  scratch: Scratch,
  version: string,
  input: unknown,
  options?: ScoreOptions,
): ScoreResult {
  const text = typeof input === 'string' ? input : '';
  collector.reset();
  const { tokens, sentenceEnds } = lex.tokenize === tokenize ? tokenize(text, collector, collector.tokenPool) : lex.tokenize(text, collector);
  const { keys, words, anyActor, flags } = collector;
  const cues = markCues(text, keys, words, tokens, sentenceEnds.length, scratch, flags);
  const prepared: Prepared = {
    text,
    tokens,
    sentenceEnds,
    keys,
    words,
    wordFlags: flags,
    cueFlags: cues.cueFlags,
    cueFactor: cues.cueFactor,
    skippable: cues.skippable,
    historicalSentence: cues.historicalSentence,
    peacefulSentence: cues.peacefulSentence,
    clause: cues.clause,
    allFlags: cues.allFlags,
    scratch,
  };
  const found = findSignals(lex, prepared, text);
  const mentions = anyActor ? findMentions(lex, prepared, text) : NO_MENTIONS;
  const actors: ActorsFound = resolveActors(lex, prepared, mentions, found, options?.speaker);
  // the weights of each polarity, in scratch buffers (only the first ne / nd are this call's)
  const escalation = scratch.weights(found.length, true);
  const deescalation = scratch.weights(found.length, false);
  let ne = 0;
  let nd = 0;
  const signals: Signal[] = [];
  // A taxonomy category already seen counts `repeatDecay` times for each repetition
  // ("threatened to retaliate" is one threat said twice); background vocabulary is graded
  // evidence and adds up without this discount. Counters: 2 per category (by polarity).
  const seen = scratch.categoryCounts(lex.categories.size * 2);
  const repeat = lex.calibration.repeatDecay;
  const touched = scratch.touchedCounts(found.length);
  let nt = 0;
  for (let i = 0; i < found.length; i++) {
    const f = found[i]!;
    const s = f.signal;
    if (s.weight <= 0) continue;
    signals.push(s);
    const up = s.polarity === 'escalation';
    let w = s.weight;
    if (f.category.kind !== 'vocabulary') {
      const key = f.category.index * 2 + (up ? 0 : 1);
      const times = seen[key]!;
      seen[key] = times + 1;
      if (times === 0) touched[nt++] = key;
      if (times > 0) w *= Math.pow(repeat, times);
    }
    if (up) escalation[ne++] = w;
    else deescalation[nd++] = w;
  }
  for (let k = 0; k < nt; k++) seen[touched[k]!] = 0;
  const score = toScoreOf(escalation, ne, deescalation, nd, lex.calibration);
  const level: Level = levelForScore(score);
  return { score, level, signals, actors, version };
}

export type { LanguageProfile } from './lexicon.ts';

/**
 * Validates and compiles the lexicon; throws an Error naming the bad entry if invalid. With a
 * `profile`, the lexicon is in that language and is read with its tokenizer and stemmer
 * (server/scoring/languages/).
 */
export function createScorer(lexicon: unknown, profile: LanguageProfile = ENGLISH_PROFILE): Scorer {
  const lex = compileLexicon(lexicon, profile);
  const version = `${SCORER_CODE_VERSION}+lex.${lex.version}`;
  const collector = new WordCollector(lex);
  const scratch = new Scratch();
  let aliasStarts: Set<string> | null = null;
  return {
    version,
    score: (text: string, options?: ScoreOptions) => scoreText(lex, collector, scratch, version, text, options),
    resolveActor(name: string): string | null {
      return resolveName(lex, name)?.actor ?? null;
    },
    get aliasStarts(): ReadonlySet<string> {
      return (aliasStarts ??= firstKeys(lex));
    },
  };
}

/** The keys that begin an alias: the first level of the actor trie, by key. */
function firstKeys(lex: CompiledLexicon): Set<string> {
  const out = new Set<string>();
  const first = lex.actors.next;
  if (first === null) return out;
  for (const [key, id] of lex.keyIds) if (first.has(id)) out.add(key);
  return out;
}
