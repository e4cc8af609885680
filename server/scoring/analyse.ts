// Finds signals in prepared text and reads each one's modality, intensity and lead position.

import type { Polarity, Signal } from './types.ts';
import {
  CUE_MOVEMENT as _CUE_MOVEMENT,
  CUE_ARMED as _CUE_ARMED,
  CUE_REVERSAL as _CUE_REVERSAL,
  CUE_COOP_PRESENCE as _CUE_COOP_PRESENCE,
  CUE_TOPIC_HEAD as _CUE_TOPIC_HEAD,
  CUE_CONCESSIVE as _CUE_CONCESSIVE,
  type Category,
  type CompiledLexicon,
  type PhraseEntry,
  type ModalityClass,
} from './lexicon.ts';
import { matchAt as _matchAt, type TrieMatch } from './phrase-trie.ts';
import { WORD_SIGNAL as _WORD_SIGNAL, type Prepared } from './prepare.ts';
import { markHypothetical } from './hypothetical.ts';
import { markAddressed, markReversals } from './frames.ts';
import { markClaims, markResolutions, markTopics } from './frames-addressed.ts';
import { weighDeathContext } from './death-context.ts';
import { weighThreatObjects } from './threat-object.ts';
import { dropPromisedThreats } from './promise-object.ts';
import { weighLabels } from './label-only.ts';
import { weighConcessives } from './concessive.ts';
import { markCountered, frameWordsIn, FRAME_DOCUMENT } from './countered.ts';
import { weighNamedReferences } from './named-reference.ts';
import { PUNCT as _PUNCT } from './tokenize.ts';
import { readModality as _readModality, readIntensity as _readIntensity } from './modality.ts';

// Modality and intensity reading (and their windows) live in modality.ts; the windows are
// re-exported so importers keep one module.
export { SCOPE_WINDOW, DENIAL_WINDOW, CONDITIONAL_BACK, CONDITIONAL_AHEAD, INTENSITY_WINDOW } from './modality.ts';

// Imported constants copied into module scope: the TypeScript loader turns imported
// bindings into getters, which would otherwise be called on every token.
const matchAt = _matchAt;
const readModality = _readModality;
const readIntensity = _readIntensity;
const PUNCT = _PUNCT;
const CUE_MOVEMENT = _CUE_MOVEMENT;
const CUE_ARMED = _CUE_ARMED;
const CUE_REVERSAL = _CUE_REVERSAL;
const CUE_COOP_PRESENCE = _CUE_COOP_PRESENCE;
const CUE_TOPIC_HEAD = _CUE_TOPIC_HEAD;
const CUE_CONCESSIVE = _CUE_CONCESSIVE;
const WORD_SIGNAL = _WORD_SIGNAL;
/** Tokens after a halting verb searched for the cooperative presence it removes ("recalled [its] ambassador"). */
const HALTED_AHEAD = 4;
/** Tokens before a verb of movement searched for the armed forces that move ("troops [will] cross"). */
const MOVER_BACK = 4;

export interface FoundSignal {
  signal: Signal;
  category: Category;
  startToken: number;
  endToken: number;
  /** Token index of the conditional cue, when modality is conditional via a preceding "if". */
  conditionalAt: number;
  /** The lexicon entry matched (weight before modality and intensity). */
  entry: PhraseEntry;
  /** Weight after intensity and lead emphasis, before modality (for passes that re-read the modality). */
  base: number;
}

const IDENTITY = { factor: 1, flip: false };
/** Reused match slot (the scorer is synchronous and single-threaded). */
const MATCH: TrieMatch<PhraseEntry> = { entry: null as unknown as PhraseEntry, end: 0 };

/**
 * Lead emphasis: the main predicate of news and diplomatic sentences ("X warned", "the
 * Council condemns") comes early; later words are more often background or topic. A signal
 * at the start of its sentence keeps its full weight; the weight fades linearly to
 * 1 / (1 + boost) at `tokens` tokens into the sentence and stays there.
 */
function leadFactor(p: Prepared, s: number, boost: number, tokens: number): number {
  if (boost === 0) return 1;
  // The lead restarts after a speech verb ("Beijing said [that] ...") and after an initial condition.
  const pos = s - p.scratch.leadStart[s]!;
  const lead = pos >= tokens ? 1 : 1 + (boost * (tokens - pos)) / tokens;
  return lead / (1 + boost);
}

/** The armed forces moving, just before a verb of movement in its clause ("two armoured divisions crossed"). */
function moverBefore(p: Prepared, i: number): boolean {
  const { cueFlags, clause } = p;
  for (let k = i - 1; k >= 0 && k >= i - MOVER_BACK; k--) {
    if (clause[k] !== clause[i]) return false;
    if ((cueFlags[k]! & CUE_ARMED) !== 0) return true;
  }
  return false;
}

/** A cooperative presence right after a halting verb, before any armed force ("pulled its inspectors out"). */
function haltedAfter(p: Prepared, i: number): boolean {
  const { cueFlags, clause, tokens, words } = p;
  const stop = Math.min(tokens.length, i + 1 + HALTED_AHEAD);
  for (let k = i + 1; k < stop; k++) {
    if (clause[k] !== clause[i] || (cueFlags[k]! & CUE_ARMED) !== 0) return false;
    if ((cueFlags[k]! & CUE_COOP_PRESENCE) !== 0) return words[k]!.signal === undefined; // a signal there is reversed instead
  }
  return false;
}

/** A sense of the phrase that is not conflict: one of its context words near it in the sentence. */
function otherSenseNear(p: Prepared, s: number, e: number, senses: Set<number>): boolean {
  const { tokens, keys } = p;
  const sent = tokens[s]!.sentence;
  const from = Math.max(0, s - OTHER_SENSE_WINDOW);
  const to = Math.min(tokens.length, e + OTHER_SENSE_WINDOW);
  for (let k = from; k < to; k++) if (tokens[k]!.sentence === sent && senses.has(keys[k]!)) return true;
  return false;
}

/** Tokens either side of an ambiguous phrase searched for a word of its other sense. */
const OTHER_SENSE_WINDOW = 6;

export function findSignals(lex: CompiledLexicon, p: Prepared, text: string): FoundSignal[] {
  const { tokens, keys, skippable, words, cueFlags, wordFlags } = p;
  const n = tokens.length;
  const found: FoundSignal[] = [];
  let contextual = false;
  let claims = false;
  let threats = false;
  let denials = false;
  // verbs of halting or of movement occur in few statements: tested per token only when present
  const special = p.allFlags & (CUE_REVERSAL | CUE_MOVEMENT);
  let i = 0;
  while (i < n) {
    if (tokens[i]!.kind === PUNCT) {
      i++;
      continue;
    }
    const first = (wordFlags[i]! & WORD_SIGNAL) !== 0 ? words[i]!.signal : undefined;
    let entry: PhraseEntry;
    const s = i;
    let e: number;
    if (first !== undefined && matchAt(first, keys, skippable, i, MATCH, n)) {
      entry = MATCH.entry as PhraseEntry;
      e = MATCH.end;
      i = e;
      if (entry.category.kind === 'shield' || entry.weight === 0) continue;
      if (entry.otherSense !== null && otherSenseNear(p, s, e, entry.otherSense)) continue; // "workers went on strike"
    } else if (special !== 0 && (cueFlags[i]! & CUE_REVERSAL) !== 0 && haltedAfter(p, i)) {
      entry = lex.halting; // "recalled its ambassador", "pulled its inspectors out"
      e = i + 1;
      i = e;
    } else if (special !== 0 && (cueFlags[i]! & CUE_MOVEMENT) !== 0 && moverBefore(p, i)) {
      entry = lex.movement; // "troops crossed the river", "warships entered the strait"
      e = i + 1;
      i = e;
    } else {
      i++;
      continue;
    }
    const { category, weight } = entry;
    const inSignal = p.scratch.inSignal;
    const read = readModality(p, s, e, category.modalityClass);
    let cls: ModalityClass = category.modalityClass;
    if (cls === 'escalation-event' && read.irrealis && read.modality === 'conditional') cls = 'escalation-rhetoric'; // "if ..., we will strike" is a threat
    const rule = read.modality === 'asserted' ? IDENTITY : lex.modality[read.modality][cls];
    // intensity applies to taxonomy escalation signals; background words are graded already
    const intensity = category.polarity === 'escalation' && category.kind !== 'vocabulary' ? readIntensity(p, s, e, category.scalesWithNumbers) : 1;
    const base = weight * intensity * leadFactor(p, s, lex.calibration.leadBoost, lex.calibration.leadTokens);
    const w = base * rule.factor;
    const polarity = rule.flip ? (category.polarity === 'escalation' ? 'deescalation' : 'escalation') : category.polarity;
    const start = tokens[s]!.start;
    const end = tokens[e - 1]!.end;
    // "no plans to [expand the offensive]": a reassurance phrase's negation still reaches on
    // (background words such as "rejected" stay cues: only taxonomy phrases are opaque)
    if (!category.scopesOver && category.kind !== 'vocabulary') for (let k = s; k < e; k++) inSignal[k] = 1;
    found.push({
      signal: {
        category: category.id,
        polarity,
        weight: Math.round(w * 100) / 100,
        modality: read.modality,
        text: text.slice(start, end),
        start,
        end,
      },
      category,
      startToken: s,
      endToken: e,
      conditionalAt: read.modality === 'conditional' ? read.conditionalAt : -1,
      entry,
      base,
    });
    if (entry.bareFactor > 0) contextual = true;
    if (category.claims) claims = true;
    if (category.id === 'threat-of-force') threats = true;
    else if (category.id === 'legitimacy-denial') denials = true;
  }
  markHypothetical(lex, p, found); // "any incursion will be met with force"
  if (contextual) weighDeathContext(lex, p, found);
  if (found.length > 0) {
    if (threats) weighThreatObjects(lex, p, found); // "threatened to resign" is not a threat of force
    dropPromisedThreats(lex, p, found); // "promised a decisive response" is a threat, not a promise of cooperation
    if (denials) weighLabels(lex, p, found); // "the junta announced" describes, "called it a junta" denies
    if ((p.allFlags & CUE_REVERSAL) !== 0) markReversals(lex, p, found); // "rejected the offer of a ceasefire", "withdrew its monitors"
    if ((p.allFlags & CUE_TOPIC_HEAD) !== 0) markTopics(lex, p, found); // "talks on nuclear weapons", "an inquiry into the bombing"
    const frameWords = frameWordsIn(p, lex.counter.frame); // which words of countering and documents occur
    markCountered(lex, p, found, text, frameWords); // "laws prohibiting torture", "to respond to chemical attacks"
    if (claims) markClaims(lex, p, found); // "demanded a truce"
    markAddressed(lex, p, found); // "aid for displaced families"
    markResolutions(lex, p, found); // "gunmen released the priests they had kidnapped"
    if ((p.allFlags & CUE_CONCESSIVE) !== 0) weighConcessives(lex, p, found); // "despite the ceasefire, fighting continued"
    if ((frameWords & FRAME_DOCUMENT) !== 0) weighNamedReferences(lex, p, found, text); // "as required by the Juba Peace Agreement"
  }
  return found;
}
