// Finds signals in prepared text and reads each one's modality, intensity and lead position.

import type { Modality, Polarity, Signal } from './types.ts';
import {
  CUE_CLAUSE_BREAK as _CUE_CLAUSE_BREAK,
  CUE_CONDITIONAL as _CUE_CONDITIONAL,
  CUE_HEDGE as _CUE_HEDGE,
  CUE_INTENSIFIER as _CUE_INTENSIFIER,
  CUE_IRREALIS as _CUE_IRREALIS,
  CUE_NEGATION as _CUE_NEGATION,
  CUE_AFTERMATH as _CUE_AFTERMATH,
  CUE_TOPIC as _CUE_TOPIC,
  CUE_NEGATION_AFTER as _CUE_NEGATION_AFTER,
  CUE_NEGATION_SCOPE_BREAK as _CUE_NEGATION_SCOPE_BREAK,
  CUE_WARN as _CUE_WARN,
  CUE_MOVEMENT as _CUE_MOVEMENT,
  CUE_ARMED as _CUE_ARMED,
  CUE_REVERSAL as _CUE_REVERSAL,
  CUE_COOP_PRESENCE as _CUE_COOP_PRESENCE,
  CUE_TOPIC_HEAD as _CUE_TOPIC_HEAD,
  type Category,
  type CompiledLexicon,
  type PhraseEntry,
  type ModalityClass,
} from './lexicon.ts';
import { matchAt as _matchAt, type TrieMatch } from './phrase-trie.ts';
import type { Prepared } from './prepare.ts';
import { markHypothetical } from './hypothetical.ts';
import { markAddressed, markClaims, markReversals, markResolutions, markTopics } from './frames.ts';
import { weighDeathContext } from './death-context.ts';
import { weighThreatObjects } from './threat-object.ts';
import { dropPromisedThreats } from './promise-object.ts';
import { weighLabels } from './label-only.ts';
import { NUMBER as _NUMBER, PUNCT as _PUNCT } from './tokenize.ts';

// Imported constants copied into module scope: the TypeScript loader turns imported
// bindings into getters, which would otherwise be called on every token.
const matchAt = _matchAt;
const NUMBER = _NUMBER;
const PUNCT = _PUNCT;
const CUE_CLAUSE_BREAK = _CUE_CLAUSE_BREAK;
const CUE_HEDGE = _CUE_HEDGE;
const CUE_CONDITIONAL = _CUE_CONDITIONAL;
const CUE_INTENSIFIER = _CUE_INTENSIFIER;
const CUE_IRREALIS = _CUE_IRREALIS;
const CUE_NEGATION = _CUE_NEGATION;
const CUE_AFTERMATH = _CUE_AFTERMATH;
const CUE_TOPIC = _CUE_TOPIC;
const CUE_NEGATION_AFTER = _CUE_NEGATION_AFTER;
const CUE_NEGATION_SCOPE_BREAK = _CUE_NEGATION_SCOPE_BREAK;
const CUE_WARN = _CUE_WARN;
const CUE_MOVEMENT = _CUE_MOVEMENT;
const CUE_ARMED = _CUE_ARMED;
const CUE_REVERSAL = _CUE_REVERSAL;
const CUE_COOP_PRESENCE = _CUE_COOP_PRESENCE;
const CUE_TOPIC_HEAD = _CUE_TOPIC_HEAD;
/** Tokens after a halting verb searched for the cooperative presence it removes ("recalled [its] ambassador"). */
const HALTED_AHEAD = 4;
/** Tokens before a verb of movement searched for the armed forces that move ("troops [will] cross"). */
const MOVER_BACK = 4;

/** Tokens looked back over for negation, denial and hedging (within the clause). */
export const SCOPE_WINDOW = 6;
/** "against" at most this many tokens before a signal ("against [any further] attack"). */
const WARNED_AGAINST_BACK = 3;
/** A verb of warning at most this many tokens before that "against" ("warned [the Baltic states] against"). */
const WARNED_AGAINST_GAP = 4;
/** Tokens looked back over for a denial ("denied that it had ..."), across commas. */
export const DENIAL_WINDOW = 10;
/** Tokens looked back (and ahead) over for a conditional ("if", "unless") in the sentence. */
export const CONDITIONAL_BACK = 30;
export const CONDITIONAL_AHEAD = 12;
/** Tokens either side searched for intensifiers and casualty numbers. */
export const INTENSITY_WINDOW = 3;
const MAX_INTENSITY = 2;

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

interface ModalityRead {
  modality: Modality;
  conditionalAt: number;
  irrealis: boolean;
}

function readModality(p: Prepared, s: number, e: number, cls: ModalityClass): ModalityRead {
  const checkAhead = cls !== 'vocabulary';
  const { tokens, cueFlags } = p;
  const sent = tokens[s]!.sentence;
  let negationAt = -1;
  let doubleNegation = false;
  let negationBlocked = false;
  let hedged = false;
  let irrealis = false;
  let aftermath = false;
  let topic = false;
  const stop = Math.max(0, s - SCOPE_WINDOW);
  // Denials reach further, across commas ("dismissed as baseless reports that it had threatened").
  const denialAt = s > 0 ? p.scratch.lastDenial[s - 1]! : -1;
  const denied = denialAt >= 0 && s - denialAt <= DENIAL_WINDOW;
  // A clause boundary token carries the id of the clause it opens (the signal's own), so the
  // scan stops on the token before it; the boundary word itself ("after") is still read.
  const clause = p.clause;
  const cs = clause[s]!;
  // "warned [Kyiv] against (any) attack": what is warned against has not happened (it is not
  // negated either: "against any" is a negation cue for "opposed to any use of force").
  let againstAt = -1;
  let warnedAgainst = false;
  for (let k = s - 1; k >= stop; k--) {
    if (clause[k] !== cs) break;
    const f = cueFlags[k]!;
    if (againstAt < 0 && s - k <= WARNED_AGAINST_BACK && tokens[k]!.lower === 'against') againstAt = k;
    else if (againstAt >= 0 && (f & CUE_WARN) !== 0 && againstAt - k <= WARNED_AGAINST_GAP) warnedAgainst = true;
    // words inside an earlier signal ("end the war made progress") do not scope over later
    // ones, and a negation binds to the nearest signal ("scrapped the peace agreement with
    // the armed groups" does not negate the armed groups)
    if (p.scratch.inSignal[k] === 1) {
      negationBlocked = true;
      continue;
    }
    if ((f & CUE_AFTERMATH) !== 0 && s - k <= 2) aftermath = true; // "after [the] fighting", not "after both sides refused"
    if ((f & CUE_TOPIC) !== 0 && s - k <= 3) topic = true;
    if ((f & CUE_CLAUSE_BREAK) !== 0) break; // clause-break words and punctuation (set in prepare.ts)
    // "rejected the plan and suspended talks": the negation of one verb does not reach the next.
    if ((f & CUE_NEGATION_SCOPE_BREAK) !== 0) negationBlocked = true;
    if ((f & CUE_NEGATION) !== 0 && !negationBlocked) {
      // "has not ruled out": a second negation right before the first cancels it.
      if (negationAt < 0) negationAt = k;
      else if (negationAt - k <= 2) doubleNegation = true;
    }
    if ((f & CUE_HEDGE) !== 0) hedged = true;
    if ((f & CUE_IRREALIS) !== 0 && s - k <= 3) irrealis = true;
  }
  const lastCond = s > 0 ? p.scratch.lastConditional[s - 1]! : -1;
  const conditionalAt = lastCond >= 0 && s - lastCond <= CONDITIONAL_BACK ? lastCond : -1;
  let conditional = conditionalAt >= 0;
  if (!conditional && checkAhead) {
    // a conditional cue later in the sentence ("will be targeted if ..."); scanned here, per
    // taxonomy signal, rather than precomputed for every token
    const aheadStop = Math.min(tokens.length, e + CONDITIONAL_AHEAD);
    for (let k = e; k < aheadStop; k++) {
      if (tokens[k]!.sentence !== sent) break;
      if ((cueFlags[k]! & CUE_CONDITIONAL) !== 0) {
        conditional = true;
        break;
      }
    }
  }
  // "talks collapsed", "the ceasefire was violated": a negating predicate after the signal.
  let negatedAfter = false;
  if (checkAhead && negationAt < 0) {
    const aheadStop = Math.min(tokens.length, e + SCOPE_WINDOW);
    for (let k = e; k < aheadStop; k++) {
      if (clause[k] !== cs) break;
      if ((cueFlags[k]! & CUE_NEGATION_AFTER) !== 0) {
        negatedAfter = true;
        break;
      }
    }
  }
  let modality: Modality = 'asserted';
  if (denied) modality = 'denied';
  else if (warnedAgainst && (negationAt < 0 || negationAt >= againstAt) && p.sentenceEnds[sent] !== '?') modality = 'conditional';
  else if ((negationAt >= 0 && !doubleNegation) || negatedAfter) modality = 'negated';
  else if (p.sentenceEnds[sent] === '?') modality = 'question';
  else if (conditional) modality = 'conditional';
  else if (hedged || doubleNegation) modality = 'hedged'; // "has not ruled out" is a hedge
  else if (aftermath || p.historicalSentence[sent] === 1) modality = 'past';
  else if (topic && cls === 'vocabulary') modality = 'addressed'; // "a conference on terrorism"
  else if (irrealis && cls !== 'escalation-rhetoric') modality = 'intended';
  READ.modality = modality;
  READ.conditionalAt = conditionalAt;
  READ.irrealis = irrealis;
  return READ;
}

/** "died at 92", "aged 92", "at the age of 92": an age, not a count of victims. */
function isAge(p: Prepared, k: number): boolean {
  if (k === 0) return false;
  const prev = p.tokens[k - 1]!.lower;
  return prev === 'at' || prev === 'aged' || (prev === 'of' && k > 1 && p.tokens[k - 2]!.lower === 'age');
}

function readIntensity(p: Prepared, s: number, e: number, scalesWithNumbers: boolean): number {
  const { tokens, cueFlags, cueFactor } = p;
  const sent = tokens[s]!.sentence;
  let factor = 1;
  const from = Math.max(0, s - INTENSITY_WINDOW);
  const to = Math.min(tokens.length, e + INTENSITY_WINDOW);
  let numberFactor = 1;
  for (let k = from; k < to; k++) {
    if (tokens[k]!.sentence !== sent) continue;
    if ((cueFlags[k]! & CUE_INTENSIFIER) !== 0 && cueFactor[k]! > factor) factor = cueFactor[k]!;
    if (scalesWithNumbers && tokens[k]!.kind === NUMBER && !isAge(p, k)) {
      const l = tokens[k]!.lower;
      const value = Number(l.indexOf(',') >= 0 ? l.split(',').join('') : l);
      const looksLikeYear = l.length === 4 && value >= 1900 && value <= 2100;
      if (Number.isFinite(value) && value >= 2 && !looksLikeYear) {
        numberFactor = Math.max(numberFactor, 1 + Math.min(0.8, Math.log10(value) / 3.5));
      }
    }
  }
  return Math.min(MAX_INTENSITY, factor * numberFactor);
}

const IDENTITY = { factor: 1, flip: false };
/** Reused match slot (the scorer is synchronous and single-threaded). */
const MATCH: TrieMatch<PhraseEntry> = { entry: null as unknown as PhraseEntry, end: 0 };
/** Reused result of readModality. */
const READ: ModalityRead = { modality: 'asserted', conditionalAt: -1, irrealis: false };

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
  const { tokens, keys, skippable, words, cueFlags } = p;
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
    const first = words[i]!.signal;
    let entry: PhraseEntry;
    const s = i;
    let e: number;
    if (first !== undefined && matchAt(first, keys, skippable, i, MATCH)) {
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
    if (claims) markClaims(lex, p, found); // "demanded a truce"
    markAddressed(lex, p, found); // "aid for displaced families"
    markResolutions(lex, p, found); // "gunmen released the priests they had kidnapped"
  }
  return found;
}
