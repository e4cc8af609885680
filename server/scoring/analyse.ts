// Finds signals in tokenized text and reads each one's modality and intensity.

import type { Modality, Polarity, Signal } from './types.ts';
import {
  CUE_CLAUSE_BREAK as _CUE_CLAUSE_BREAK,
  CUE_CONDITIONAL as _CUE_CONDITIONAL,
  CUE_DENIAL as _CUE_DENIAL,
  CUE_DETERMINER as _CUE_DETERMINER,
  CUE_HEDGE as _CUE_HEDGE,
  CUE_HISTORICAL as _CUE_HISTORICAL,
  CUE_INTENSIFIER as _CUE_INTENSIFIER,
  CUE_IRREALIS as _CUE_IRREALIS,
  CUE_NEGATION as _CUE_NEGATION,
  CUE_AFTERMATH as _CUE_AFTERMATH,
  CUE_TOPIC as _CUE_TOPIC,
  CUE_NEGATION_AFTER as _CUE_NEGATION_AFTER,
  CUE_NEGATION_SCOPE_BREAK as _CUE_NEGATION_SCOPE_BREAK,
  CUE_CONDITIONAL_WHEN_FIRST as _CUE_CONDITIONAL_WHEN_FIRST,
  FIRST_TOKEN_FLAGS as _FIRST_TOKEN_FLAGS,
  CUE_SPEECH as _CUE_SPEECH,
  CUE_LEAD_RESET as _CUE_LEAD_RESET,
  type ActorEntry,
  type Category,
  type CompiledLexicon,
  type CueEntry,
  type PhraseEntry,
  type ModalityClass,
} from './lexicon.ts';
import { matchAt as _matchAt, type TrieMatch, type TrieNode } from './phrase-trie.ts';
import { NUMBER as _NUMBER, PUNCT as _PUNCT, type Token } from './tokenize.ts';

// Imported constants copied into module scope: the TypeScript loader turns imported
// bindings into getters, which would otherwise be called on every token.
const matchAt = _matchAt;
const CUE_LEAD_RESET = _CUE_LEAD_RESET;
const LEAD_RESET = _CUE_SPEECH | _CUE_LEAD_RESET;
const NUMBER = _NUMBER;
const PUNCT = _PUNCT;
const CUE_CLAUSE_BREAK = _CUE_CLAUSE_BREAK;
const CUE_CONDITIONAL = _CUE_CONDITIONAL;
const CUE_DENIAL = _CUE_DENIAL;
const CUE_DETERMINER = _CUE_DETERMINER;
const CUE_HEDGE = _CUE_HEDGE;
const CUE_HISTORICAL = _CUE_HISTORICAL;
const CUE_INTENSIFIER = _CUE_INTENSIFIER;
const CUE_IRREALIS = _CUE_IRREALIS;
const CUE_NEGATION = _CUE_NEGATION;
const CUE_AFTERMATH = _CUE_AFTERMATH;
const CUE_TOPIC = _CUE_TOPIC;
const CUE_NEGATION_AFTER = _CUE_NEGATION_AFTER;
const CUE_NEGATION_SCOPE_BREAK = _CUE_NEGATION_SCOPE_BREAK;
const CUE_CONDITIONAL_WHEN_FIRST = _CUE_CONDITIONAL_WHEN_FIRST;
const FIRST_TOKEN_FLAGS = _FIRST_TOKEN_FLAGS;

/** Tokens looked back over for negation, denial and hedging (within the clause). */
export const SCOPE_WINDOW = 6;
/** Tokens looked back over for a denial ("denied that it had ..."), across commas. */
export const DENIAL_WINDOW = 10;
/** Tokens looked back (and ahead) over for a conditional ("if", "unless") in the sentence. */
export const CONDITIONAL_BACK = 30;
export const CONDITIONAL_AHEAD = 12;
/** Tokens either side searched for intensifiers and casualty numbers. */
export const INTENSITY_WINDOW = 3;
const MAX_INTENSITY = 2;

export interface Prepared {
  /** The analysed text (offsets of tokens point into it). */
  text: string;
  tokens: Token[];
  sentenceEnds: string[];
  stems: string[];
  /** Per token: the first-level trie nodes its word leads to (shared, cached per word). */
  words: WordInfo[];
  cueFlags: Uint32Array;
  cueFactor: Float32Array;
  skippable: Uint8Array;
  historicalSentence: Uint8Array;
  /** Clause index of each token (clauses end at punctuation and at words like "but"). */
  clause: Int32Array;
  scratch: Scratch;
}

/** What one distinct word leads to in each trie; computed once per word and cached. */
export interface WordInfo {
  stem: string;
  cue: TrieNode<CueEntry> | undefined;
  signal: TrieNode<PhraseEntry> | undefined;
  actor: TrieNode<ActorEntry[]> | undefined;
}

export const NO_WORD: WordInfo = Object.freeze({ stem: '', cue: undefined, signal: undefined, actor: undefined });

/** Looks a lower-cased word up in the three tries (the caller caches the result). */
export function describeWord(lex: CompiledLexicon, lower: string, stem: string): WordInfo {
  return {
    stem,
    cue: lex.cues.next?.get(stem),
    signal: lex.signals.next?.get(stem),
    actor: lex.actors.next?.get(lower),
  };
}

export interface FoundSignal {
  signal: Signal;
  category: Category;
  startToken: number;
  endToken: number;
  /** Token index of the conditional cue, when modality is conditional via a preceding "if". */
  conditionalAt: number;
}

/** Marks every cue ending at each token (cues may overlap). */
/**
 * Per-token working arrays, reused from one score() call to the next (a scorer is used by one
 * caller at a time; score() is synchronous). Only indexes below the token count are valid.
 */
export class Scratch {
  cueFlags = new Uint32Array(0);
  cueFactor = new Float32Array(0);
  skippable = new Uint8Array(0);
  clause = new Int32Array(0);
  historicalSentence = new Uint8Array(0);
  mentionAt = new Int32Array(0);
  signalAt = new Int32Array(0);
  /** Per token: where its lead starts, the last conditional / denial cue before it, the next conditional. */
  leadStart = new Int32Array(0);
  lastConditional = new Int32Array(0);
  nextConditional = new Int32Array(0);
  lastDenial = new Int32Array(0);
  /** 1 for tokens inside a signal found so far (set left to right by findSignals). */
  inSignal = new Uint8Array(0);

  private counts = new Uint16Array(0);

  /** Zeroed counters, one per slot. */
  categoryCounts(slots: number): Uint16Array {
    if (this.counts.length < slots) this.counts = new Uint16Array(slots);
    else this.counts.fill(0, 0, slots);
    return this.counts;
  }

  /** Makes room for n tokens and s sentences and clears what will be used. */
  reset(n: number, s: number): void {
    if (this.cueFlags.length < n) {
      const size = Math.max(n, this.cueFlags.length * 2, 64);
      this.cueFlags = new Uint32Array(size);
      this.cueFactor = new Float32Array(size);
      this.skippable = new Uint8Array(size);
      this.clause = new Int32Array(size);
      this.mentionAt = new Int32Array(size);
      this.signalAt = new Int32Array(size);
      this.leadStart = new Int32Array(size);
      this.lastConditional = new Int32Array(size);
      this.nextConditional = new Int32Array(size);
      this.lastDenial = new Int32Array(size);
      this.inSignal = new Uint8Array(size);
    } else {
      this.cueFlags.fill(0, 0, n);
      this.cueFactor.fill(0, 0, n);
      this.skippable.fill(0, 0, n);
      this.inSignal.fill(0, 0, n);
    }
    if (this.historicalSentence.length < s + 1) this.historicalSentence = new Uint8Array(Math.max(s + 1, 16));
    else this.historicalSentence.fill(0, 0, s + 1);
  }
}

/**
 * Running per-token scope data: where the lead starts, the last conditional and the last
 * denial cue. Flags at token i are final once position i has been processed (a cue marks
 * its last token, and every cue ending at i starts at or before i), so the values are exact.
 * A top-level function rather than a closure: no allocation per call.
 */
function trackScopes(tokens: Token[], scratch: Scratch, i: number): void {
  const { cueFlags, leadStart, lastConditional, lastDenial } = scratch;
  const first = i === 0 || tokens[i - 1]!.sentence !== tokens[i]!.sentence;
  const f = cueFlags[i]!;
  leadStart[i] = first || (cueFlags[i - 1]! & LEAD_RESET) !== 0 ? i : leadStart[i - 1]!;
  lastConditional[i] = (f & CUE_CONDITIONAL) !== 0 ? i : first ? -1 : lastConditional[i - 1]!;
  const t = tokens[i]!;
  const hardStop = t.kind === PUNCT && t.lower !== ',';
  lastDenial[i] = (f & CUE_DENIAL) !== 0 ? i : first || hardStop ? -1 : lastDenial[i - 1]!;
}

export function markCues(
  stems: string[],
  words: WordInfo[],
  tokens: Token[],
  sentenceCount: number,
  scratch: Scratch,
): Omit<Prepared, 'text' | 'tokens' | 'sentenceEnds' | 'stems' | 'words'> {
  const n = tokens.length;
  scratch.reset(n, sentenceCount);
  const { cueFlags, cueFactor, skippable, historicalSentence, clause, nextConditional } = scratch;
  let openCondition = false;
  let c = 0; // clause counter: cue flags at i are final once token i is reached (clause breaks are one word)
  for (let i = 0; i < n; i++) {
    const t = tokens[i]!;
    if (i > 0 && tokens[i - 1]!.sentence !== t.sentence) c++;
    if (t.kind === NUMBER) {
      clause[i] = c;
      trackScopes(tokens, scratch, i);
      // A year before 2000 marks a historical reference (the scorer has no clock, so recent
      // years are not judged).
      // Only a year used as a time reference counts ("in 1962", "the 1994 genocide"), not a
      // citation such as "resolution 1244 (1999)".
      const l = t.lower;
      if (l.length === 4 && (l.startsWith('18') || l.startsWith('19')) && i > 0 && YEAR_LEAD.has(tokens[i - 1]!.lower)) {
        historicalSentence[t.sentence] = 1;
      }
      continue;
    }
    let node = words[i]!.cue;
    let j = i;
    while (node !== undefined) {
      const e = node.entry;
      if (e !== null) {
        cueFlags[j] |= e.flags & ~FIRST_TOKEN_FLAGS;
        cueFlags[i] |= e.flags & FIRST_TOKEN_FLAGS;
        if (e.factor > cueFactor[j]!) cueFactor[j] = e.factor;
        if ((e.flags & CUE_HISTORICAL) !== 0) historicalSentence[t.sentence] = 1;
      }
      if (node.next === null || j + 1 >= n) break;
      j++;
      node = node.next.get(stems[j]!);
    }
    if ((cueFlags[i]! & CUE_DETERMINER) !== 0) skippable[i] = 1;
    if ((cueFlags[i]! & CUE_CONDITIONAL_WHEN_FIRST) !== 0 && (i === 0 || tokens[i - 1]!.sentence !== t.sentence)) {
      cueFlags[i] |= CUE_CONDITIONAL;
    }
    // "If NATO troops appear ..., they will be targeted": the main clause after the condition
    // gets its own lead (see leadFactor).
    if (i === 0 || tokens[i - 1]!.sentence !== t.sentence) openCondition = false;
    if ((cueFlags[i]! & CUE_CONDITIONAL) !== 0 && sentenceStart(tokens, i) >= i - 1) openCondition = true;
    if (t.kind === PUNCT && t.lower === ',' && openCondition) {
      cueFlags[i] |= CUE_LEAD_RESET;
      openCondition = false;
    }
    const boundary = t.kind === PUNCT ? t.lower !== '(' && t.lower !== ')' : (cueFlags[i]! & CUE_CLAUSE_BREAK) !== 0;
    if (boundary) c++;
    clause[i] = c;
    trackScopes(tokens, scratch, i);
  }
  // next conditional cue at or after each token, within its sentence
  for (let i = n - 1; i >= 0; i--) {
    if ((cueFlags[i]! & CUE_CONDITIONAL) !== 0) nextConditional[i] = i;
    else nextConditional[i] = i + 1 < n && tokens[i + 1]!.sentence === tokens[i]!.sentence ? nextConditional[i + 1]! : -1;
  }
  return { cueFlags, cueFactor, skippable, historicalSentence, clause, scratch };
}

/** Index of the first token of the sentence containing token i (looks back at most 2). */
function sentenceStart(tokens: Token[], i: number): number {
  let k = i;
  while (k > 0 && i - k < 2 && tokens[k - 1]!.sentence === tokens[i]!.sentence) k--;
  return k;
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
  for (let k = s - 1; k >= stop; k--) {
    if (clause[k] !== cs) break;
    // words inside an earlier signal ("end the war made progress") do not scope over later ones
    if (p.scratch.inSignal[k] === 1) continue;
    const f = cueFlags[k]!;
    if ((f & CUE_AFTERMATH) !== 0 && s - k <= 2) aftermath = true; // "after [the] fighting", not "after both sides refused"
    if ((f & CUE_TOPIC) !== 0 && s - k <= 3) topic = true;
    if ((f & CUE_CLAUSE_BREAK) !== 0 || (tokens[k]!.kind === PUNCT && tokens[k]!.lower !== '(' && tokens[k]!.lower !== ')')) break;
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
  if (!conditional && checkAhead && e < tokens.length) {
    const next = p.scratch.nextConditional[e]!;
    conditional = next >= 0 && next - e < CONDITIONAL_AHEAD;
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
    if (scalesWithNumbers && tokens[k]!.kind === NUMBER) {
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
const YEAR_LEAD = new Set(['in', 'during', 'since', 'of', 'from', 'until', 'till', 'before', 'after', 'the', 'by', 'between', 'and']);

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

export function findSignals(lex: CompiledLexicon, p: Prepared, text: string): FoundSignal[] {
  const { tokens, stems, skippable, words } = p;
  const n = tokens.length;
  const found: FoundSignal[] = [];
  let i = 0;
  while (i < n) {
    if (tokens[i]!.kind === PUNCT) {
      i++;
      continue;
    }
    const first = words[i]!.signal;
    if (first === undefined) {
      i++;
      continue;
    }
    if (!matchAt(first, stems, skippable, i, MATCH)) {
      i++;
      continue;
    }
    const { category, weight } = MATCH.entry as PhraseEntry;
    const s = i;
    const e = MATCH.end;
    i = e;
    if (category.kind === 'shield' || weight === 0) continue;
    const inSignal = p.scratch.inSignal;
    const read = readModality(p, s, e, category.modalityClass);
    let cls: ModalityClass = category.modalityClass;
    if (cls === 'escalation-event' && read.irrealis && read.modality === 'conditional') cls = 'escalation-rhetoric'; // "if ..., we will strike" is a threat
    const rule = read.modality === 'asserted' ? IDENTITY : lex.modality[read.modality][cls];
    // intensity applies to taxonomy escalation signals; background words are graded already
    const intensity = category.polarity === 'escalation' && category.kind !== 'vocabulary' ? readIntensity(p, s, e, category.scalesWithNumbers) : 1;
    const w = weight * intensity * rule.factor * leadFactor(p, s, lex.calibration.leadBoost, lex.calibration.leadTokens);
    const polarity = rule.flip ? (category.polarity === 'escalation' ? 'deescalation' : 'escalation') : category.polarity;
    const start = tokens[s]!.start;
    const end = tokens[e - 1]!.end;
    // "no plans to [expand the offensive]": a reassurance phrase's negation still reaches on
    if (!category.scopesOver) for (let k = s; k < e; k++) inSignal[k] = 1;
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
    });
  }
  markAddressed(lex, p, found);
  return found;
}

/** Tokens between an action and the signal it governs ("aid for [the] displaced"). */
export const ADDRESSED_GAP = 6;
/** Minimum weight of the preceding signal for it to govern the next one. */
export const ADDRESSED_MIN_GOVERNOR = 0.6;

/**
 * A signal that is the object of an opposite action is 'addressed': "aid for displaced
 * families" (displacement is what the aid addresses), "support to victims of violence",
 * "an attack on an aid convoy" (the aid is what was hit). The nearest preceding signal in the
 * same clause governs; a governed signal passes its governor's direction on ("assistance to
 * victims of violence": both victims and violence are addressed). Threats are never addressed.
 */
function markAddressed(lex: CompiledLexicon, p: Prepared, found: FoundSignal[]): void {
  const governing: Polarity[] = [];
  for (let i = 0; i < found.length; i++) {
    const f = found[i]!;
    governing.push(f.signal.polarity);
    if (i === 0) continue;
    const prev = found[i - 1]!;
    const sameClause = p.clause[prev.endToken - 1] === p.clause[f.startToken];
    if (!sameClause || f.startToken - prev.endToken > ADDRESSED_GAP) continue;
    // Only an action of some weight governs ("civil society expressed concern" does not).
    if (prev.signal.weight < ADDRESSED_MIN_GOVERNOR || !prev.category.governs) continue;
    // A background word governs only background words ("army plans to withdraw" is not an
    // army addressing a withdrawal), unless it is itself governed ("aid to victims of attacks").
    if (prev.category.kind === 'vocabulary' && f.category.kind !== 'vocabulary' && prev.signal.modality !== 'addressed') continue;
    const governor = governing[i - 1]!;
    const m = f.signal.modality;
    if (governor === f.category.polarity || (m !== 'asserted' && m !== 'intended')) continue;
    if (f.category.modalityClass === 'escalation-rhetoric') continue;
    governing[i] = governor;
    const rule = lex.modality.addressed[f.category.modalityClass];
    f.signal.weight = Math.round(f.signal.weight * rule.factor * 100) / 100;
    f.signal.modality = 'addressed';
  }
}
