// Prepares tokenized text for the signal pass: per-token cue flags, clause ids and scope
// arrays (where a sentence's lead starts, the last conditional or denial before a token),
// kept in reusable scratch buffers.

import type { Scratch } from './scratch.ts';
import {
  CUE_CLAUSE_BREAK as _CUE_CLAUSE_BREAK,
  CUE_CONDITIONAL as _CUE_CONDITIONAL,
  CUE_DENIAL as _CUE_DENIAL,
  CUE_DETERMINER as _CUE_DETERMINER,
  CUE_HISTORICAL as _CUE_HISTORICAL,
  CUE_CONDITIONAL_WHEN_FIRST as _CUE_CONDITIONAL_WHEN_FIRST,
  FIRST_TOKEN_FLAGS as _FIRST_TOKEN_FLAGS,
  CUE_SPEECH as _CUE_SPEECH,
  CUE_LEAD_RESET as _CUE_LEAD_RESET,
  CUE_PEACEFUL_DEATH as _CUE_PEACEFUL_DEATH,
  CUE_ARMED as _CUE_ARMED,
  CUE_QUANTIFIER as _CUE_QUANTIFIER,
  CUE_NEGATION as _CUE_NEGATION,
  type ActorEntry,
  type CompiledLexicon,
  type CueEntry,
  type PhraseEntry,
} from './lexicon.ts';
import { childOf as _childOf, type TrieNode } from './phrase-trie.ts';
import { NUMBER as _NUMBER, PUNCT as _PUNCT, WORD as _WORD, type Token } from './tokenize.ts';

// Imported constants copied into module scope: the TypeScript loader turns imported
// bindings into getters, which would otherwise be called on every token.
const childOf = _childOf;
const CUE_LEAD_RESET = _CUE_LEAD_RESET;
const LEAD_RESET = _CUE_SPEECH | _CUE_LEAD_RESET;
const NUMBER = _NUMBER;
const WORD = _WORD;
const CUE_QUANTIFIER = _CUE_QUANTIFIER;
const PUNCT = _PUNCT;
const CUE_CLAUSE_BREAK = _CUE_CLAUSE_BREAK;
const CUE_CONDITIONAL = _CUE_CONDITIONAL;
const CUE_DENIAL = _CUE_DENIAL;
const CUE_DETERMINER = _CUE_DETERMINER;
const CUE_HISTORICAL = _CUE_HISTORICAL;
const CUE_CONDITIONAL_WHEN_FIRST = _CUE_CONDITIONAL_WHEN_FIRST;
const FIRST_TOKEN_FLAGS = _FIRST_TOKEN_FLAGS;
const CUE_PEACEFUL_DEATH = _CUE_PEACEFUL_DEATH;
const CUE_ARMED = _CUE_ARMED;
const CUE_NEGATION = _CUE_NEGATION;
/** Words a phrase may pass over: determiners and quantifiers ("freed [the] 40 prisoners"). */
const SKIPPABLE = _CUE_DETERMINER | _CUE_QUANTIFIER;

/** Words before a year that make it a time reference ("in 1962", "the 1994 genocide"). */
const YEAR_LEAD = new Set(['in', 'during', 'since', 'of', 'from', 'until', 'till', 'before', 'after', 'the', 'by', 'between', 'and']);

export interface Prepared {
  /** The analysed text (offsets of tokens point into it). */
  text: string;
  tokens: Token[];
  sentenceEnds: string[];
  /**
   * Per token: the lexicon id of its stem, -1 if no phrase or cue has it (the trie keys). Like
   * `words` and the scratch arrays, reused from call to call: only indexes below the token
   * count are valid (its length is not the token count).
   */
  keys: Int32Array;
  /** Per token: the first-level trie nodes its word leads to (shared, cached per word). */
  words: WordInfo[];
  /** Per token: wordFlagsOf its WordInfo (valid below the token count): test it before reading words[i]. */
  wordFlags: Uint8Array;
  cueFlags: Uint32Array;
  cueFactor: Float32Array;
  skippable: Uint8Array;
  historicalSentence: Uint8Array;
  /** Per sentence: the smallest factor of a peaceful cause of death in it (1 when none). */
  peacefulSentence: Float32Array;
  /** Clause index of each token (clauses end at punctuation and at words like "but"). */
  clause: Int32Array;
  /** Every cue flag that occurs anywhere in the text, OR-ed (passes that need a cue are skipped without it). */
  allFlags: number;
  scratch: Scratch;
}

/** What one distinct word leads to in each trie; computed once per word and cached. */
export interface WordInfo {
  stem: string;
  /** Lexicon id of the stem (signal and cue tries), -1 when no phrase has it. */
  key: number;
  /** Lexicon id of the lower-cased word (actor trie), -1 when no alias has it. */
  lowerKey: number;
  cue: TrieNode<CueEntry> | undefined;
  signal: TrieNode<PhraseEntry> | undefined;
  actor: TrieNode<ActorEntry[]> | undefined;
  /** Kinds of skippable word decided per token (SKIP_*), 0 for most words. */
  skip: number;
  /** The word as actor aliases and institution phrases key it (its stem in inflected languages). */
  actorWord: string;
}

/** "of" (after a quantifier), "'s" (a possessor), a one-word actor alias, a word in -s (plural possessor). */
const SKIP_OF = 1;
const SKIP_POSSESSIVE = 2;
const SKIP_ACTOR = 4;
const SKIP_PLURAL = 8;

/** wordFlagsOf: the word begins a cue, a signal phrase, an actor alias; its SKIP_* kinds are above these bits. */
export const WORD_CUE = 1;
export const WORD_SIGNAL = 2;
export const WORD_ACTOR = 4;
const WORD_SKIP_SHIFT = 3;

/** What a word holds for the passes over the tokens, in 7 bits (see Prepared.wordFlags). */
export function wordFlagsOf(w: WordInfo): number {
  return (w.cue !== undefined ? WORD_CUE : 0) | (w.signal !== undefined ? WORD_SIGNAL : 0) | (w.actor !== undefined ? WORD_ACTOR : 0) | (w.skip << WORD_SKIP_SHIFT);
}

export const NO_WORD: WordInfo = Object.freeze({ stem: '', key: -1, lowerKey: -1, cue: undefined, signal: undefined, actor: undefined, skip: 0, actorWord: '' });

/** Looks a lower-cased word up in the three tries (the caller caches the result). */
export function describeWord(lex: CompiledLexicon, lower: string, stem: string, actorWord: string = lower): WordInfo {
  const key = lex.keyIds.get(stem) ?? -1;
  // actor aliases are keyed by the lower-cased word in English, by its stem in inflected languages
  const lowerKey = lex.keyIds.get(actorWord) ?? -1;
  const actor = lex.actors.next?.get(lowerKey);
  let skip = lower === 'of' ? SKIP_OF : lower === "'s" ? SKIP_POSSESSIVE : 0;
  if (actor !== undefined && actor.entry !== null) skip |= SKIP_ACTOR;
  if (lower.length > 2 && lower.charCodeAt(lower.length - 1) === 115) skip |= SKIP_PLURAL;
  return { stem, key, lowerKey, cue: lex.cues.next?.get(key), signal: lex.signals.next?.get(key), actor, skip, actorWord };
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

/** "soldiers' remains": a plural word directly followed by an apostrophe that ends it. */
function isPluralPossessor(text: string, t: Token): boolean {
  const a = text.charCodeAt(t.end);
  if (a !== 39 && a !== 0x2019) return false;
  if (text.charCodeAt(t.end - 1) !== 115) return false; // ends in "s"
  const c = text.charCodeAt(t.end + 1) | 32;
  return !(c >= 97 && c <= 122);
}

export function markCues(
  text: string,
  keys: Int32Array,
  words: WordInfo[],
  tokens: Token[],
  sentenceCount: number,
  scratch: Scratch,
  wordFlags: Uint8Array,
): Omit<Prepared, 'text' | 'tokens' | 'sentenceEnds' | 'keys' | 'words' | 'wordFlags'> {
  const n = tokens.length;
  scratch.reset(n, sentenceCount);
  const { cueFlags, cueFactor, skippable, historicalSentence, peacefulSentence, clause } = scratch;
  const { leadStart, lastConditional, lastDenial } = scratch;
  let sentence = -1;
  let sentenceStart = 0;
  let openCondition = false; // a sentence-initial "if" clause whose comma is still to come
  let c = 0; // clause counter
  let allFlags = 0;
  for (let i = 0; i < n; i++) {
    const t = tokens[i]!;
    const first = t.sentence !== sentence;
    if (first) {
      if (i > 0) c++;
      sentence = t.sentence;
      sentenceStart = i;
      openCondition = false;
    }
    if (t.kind === NUMBER) {
      skippable[i] = 1; // "freed 40 prisoners"
      // Only a year used as a time reference counts ("in 1962", "the 1994 genocide"), not a
      // citation such as "resolution 1244 (1999)"; the scorer has no clock, so only years
      // before 2000 are judged historical.
      const l = t.lower;
      if (l.length === 4 && (l.startsWith('18') || l.startsWith('19')) && i > 0 && YEAR_LEAD.has(tokens[i - 1]!.lower)) {
        historicalSentence[t.sentence] = 1;
      }
    } else {
      const wf = wordFlags[i]!;
      let node = (wf & WORD_CUE) !== 0 ? words[i]!.cue : undefined;
      let j = i;
      while (node !== undefined) {
        const e = node.entry;
        if (e !== null) {
          cueFlags[j] |= e.flags & ~FIRST_TOKEN_FLAGS;
          cueFlags[i] |= e.flags & FIRST_TOKEN_FLAGS;
          if (e.factor > cueFactor[j]!) cueFactor[j] = e.factor;
          if ((e.flags & CUE_QUANTIFIER) !== 0) for (let q = i; q < j; q++) skippable[q] = 1; // "at least"
          // one negation: "lack of" is not "lack" + "of" (two would cancel into a hedge)
          if ((e.flags & CUE_NEGATION) !== 0) for (let q = i; q < j; q++) cueFlags[q] &= ~CUE_NEGATION;
          if ((e.flags & CUE_HISTORICAL) !== 0) historicalSentence[t.sentence] = 1;
          if ((e.flags & CUE_ARMED) !== 0) scratch.armedSentence[t.sentence] = 1;
          if ((e.flags & CUE_PEACEFUL_DEATH) !== 0 && e.deathFactor < peacefulSentence[t.sentence]!) peacefulSentence[t.sentence] = e.deathFactor;
        }
        if (node.next === null || j + 1 >= n) break;
        j++;
        node = childOf(node, keys[j]!);
      }
      // Flags at i are final now: a cue marks its last token, and every cue ending at i
      // starts at or before i.
      let f = cueFlags[i]!;
      // Phrases may pass over determiners, quantifiers, a quantifier's "of" ("dozens of
      // detainees") and a possessor ("the soldier's remains", "two soldiers' remains").
      if ((f & SKIPPABLE) !== 0) skippable[i] = 1;
      else {
        const sk = wf >> WORD_SKIP_SHIFT;
        if (sk === 0 || i === 0) {
          // most words
        } else if ((sk & SKIP_OF) !== 0) {
          if ((cueFlags[i - 1]! & CUE_QUANTIFIER) !== 0) skippable[i] = 1;
        } else if ((sk & SKIP_POSSESSIVE) !== 0) skippable[i - 1] = skippable[i] = 1;
        else if ((sk & SKIP_ACTOR) !== 0 && isUpper(text.charCodeAt(t.start))) skippable[i] = 1; // "freed 40 *Palestinian* prisoners"
        else if ((sk & SKIP_PLURAL) !== 0 && isPluralPossessor(text, t)) skippable[i] = 1;
      }
      if (first && (f & CUE_CONDITIONAL_WHEN_FIRST) !== 0) f = cueFlags[i] = f | CUE_CONDITIONAL;
      // "If NATO troops appear ..., they will be targeted": the main clause after the
      // condition gets its own lead (see leadFactor in analyse.ts).
      if ((f & CUE_CONDITIONAL) !== 0 && i - sentenceStart <= 1) openCondition = true;
      if (t.kind === PUNCT) {
        if (openCondition && t.lower === ',') {
          f = cueFlags[i] = f | CUE_LEAD_RESET;
          openCondition = false;
        }
        if (t.lower !== '(' && t.lower !== ')') {
          c++;
          f = cueFlags[i] = f | CUE_CLAUSE_BREAK; // so scope scans test one flag, not the token
        }
      } else if ((f & CUE_CLAUSE_BREAK) !== 0) c++;
    }
    clause[i] = c;
    // running scope data: where the lead starts, the last conditional and denial cues
    const f = cueFlags[i]!;
    allFlags |= f;
    leadStart[i] = first || (cueFlags[i - 1]! & LEAD_RESET) !== 0 ? i : leadStart[i - 1]!;
    lastConditional[i] = (f & CUE_CONDITIONAL) !== 0 ? i : first ? -1 : lastConditional[i - 1]!;
    const hardStop = t.kind === PUNCT && t.lower !== ',';
    lastDenial[i] = (f & CUE_DENIAL) !== 0 ? i : first || hardStop ? -1 : lastDenial[i - 1]!;
  }
  return { cueFlags, cueFactor, skippable, historicalSentence, peacefulSentence, clause, allFlags, scratch };
}
