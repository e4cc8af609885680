// Reads the context of a signal found in prepared text: its modality (negated, denied, hedged,
// conditional, past, ...) from the cues around it, and its intensity from intensifiers and
// casualty numbers near it. Called once per signal by findSignals (analyse.ts).

import type { Modality } from './types.ts';
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
  CUE_REVERSAL as _CUE_REVERSAL,
  CUE_DETERMINER as _CUE_DETERMINER,
  CUE_QUANTIFIER as _CUE_QUANTIFIER,
  CUE_COOP_PRESENCE as _CUE_COOP_PRESENCE,
  CUE_TARGET_PREP as _CUE_TARGET_PREP,
  type ModalityClass,
} from './lexicon.ts';
import type { Prepared } from './prepare.ts';
import { NUMBER as _NUMBER, PUNCT as _PUNCT } from './tokenize.ts';
import { childOf as _childOf } from './phrase-trie.ts';

// Imported constants copied into module scope: the TypeScript loader turns imported
// bindings into getters, which would otherwise be called on every token.
const NUMBER = _NUMBER;
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
const CUE_REVERSAL = _CUE_REVERSAL;
const CUE_DETERMINER = _CUE_DETERMINER;
const CUE_QUANTIFIER = _CUE_QUANTIFIER;
const CUE_COOP_PRESENCE = _CUE_COOP_PRESENCE;
const CUE_TARGET_PREP = _CUE_TARGET_PREP;
const PUNCT = _PUNCT;
const childOf = _childOf;

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

export interface ModalityRead {
  modality: Modality;
  conditionalAt: number;
  irrealis: boolean;
}

/** Reused result of readModality. */
const READ: ModalityRead = { modality: 'asserted', conditionalAt: -1, irrealis: false };

export function readModality(p: Prepared, s: number, e: number, cls: ModalityClass): ModalityRead {
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
    // "will not undermine the talks": a negation before a verb of obstruction negates the verb
    // (unless it opens the reversing phrase itself: "[no] progress in")
    if ((f & CUE_REVERSAL) !== 0 && (f & CUE_NEGATION) === 0 && !opensNegatedReversal(p, k)) negationBlocked = true;
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
        // "the attacks hampered the talks": with an object, what the verb negates is its object
        // (markReversals), not its subject
        negatedAfter = (cueFlags[k]! & CUE_REVERSAL) === 0 || !hasObject(p, k);
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

/** Longest reversing phrase that starts with a negation ("no progress", "lack of progress"). */
const NEGATED_REVERSAL_SPAN = 3;

/**
 * The reversing phrase ending at token k starts with a negation word of its own ("[no] progress",
 * "[lack of] progress"): that negation belongs to the phrase, not to a verb before it.
 */
export function opensNegatedReversal(p: Prepared, k: number): boolean {
  const { words, keys, cueFlags } = p;
  for (let q = k - 1; q >= 0 && q >= k - NEGATED_REVERSAL_SPAN; q--) {
    if ((cueFlags[q]! & CUE_NEGATION) === 0) continue;
    let node = words[q]!.cue;
    for (let j = q + 1; j <= k && node !== undefined; j++) node = node.next === null ? undefined : childOf(node, keys[j]!);
    if (node !== undefined && node.entry !== null && (node.entry.flags & CUE_REVERSAL) !== 0) return true;
  }
  return false;
}

/** Words that open the object of a verb: a determiner, a quantifier, a cooperative presence, an actor or a signal ("hampered [the] talks"). */
const OBJECT_START = CUE_DETERMINER | CUE_QUANTIFIER | CUE_COOP_PRESENCE;
/** Words that open no object (prepositions and clause words). */
const NOT_OBJECT = CUE_TARGET_PREP | CUE_TOPIC | CUE_CLAUSE_BREAK | CUE_AFTERMATH;

/** The verb at token k has a direct object: the next token, in its clause, opens a noun phrase ("blocked [aid] deliveries", not "stalled in May"). */
function hasObject(p: Prepared, k: number): boolean {
  const o = k + 1;
  if (o >= p.tokens.length || p.clause[o] !== p.clause[k] || p.tokens[o]!.kind === PUNCT) return false;
  if ((p.cueFlags[o]! & OBJECT_START) !== 0 || p.skippable[o] === 1) return true;
  // a word that is a signal by itself ("blocked [aid]", "hampered [reconciliation]"), not a preposition
  const node = p.words[o]!.signal;
  return node !== undefined && node.entry !== null && (p.cueFlags[o]! & NOT_OBJECT) === 0;
}

/** "died at 92", "aged 92", "at the age of 92": an age, not a count of victims. */
function isAge(p: Prepared, k: number): boolean {
  if (k === 0) return false;
  const prev = p.tokens[k - 1]!.lower;
  return prev === 'at' || prev === 'aged' || (prev === 'of' && k > 1 && p.tokens[k - 2]!.lower === 'age');
}

export function readIntensity(p: Prepared, s: number, e: number, scalesWithNumbers: boolean): number {
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
