// The word collector: while the tokenizer runs, each token's stem and trie entry points,
// looked up once per distinct word and memoised (a packed memo for short ASCII words, a hashed
// one for the rest). Used by index.ts's scoreText; see README.md, "How a statement is scored".

import { ENGLISH_PROFILE, type CompiledLexicon } from './lexicon.ts';
import { WORD as _WORD, NUMBER as _NUMBER, PUNCT as _PUNCT, type Token, type TokenSink } from './tokenize.ts';
import { stem as _stem } from './stem.ts';
import {
  wordFlagsOf as _wordFlagsOf,
  WORD_ACTOR as _WORD_ACTOR,
  describeWord as _describeWord,
  NO_WORD as _NO_WORD,
  type WordInfo,
} from './prepare.ts';

// Imported bindings are getters under the TypeScript loader; copied once so that the hot path
// does not call a getter per use.
const WORD = _WORD;
const PUNCT = _PUNCT;
const NUMBER = _NUMBER;
const NO_WORD = _NO_WORD;
const stem = _stem;
const describeWord = _describeWord;
const wordFlagsOf = _wordFlagsOf;
const WORD_ACTOR = _WORD_ACTOR;
const englishActorKey = ENGLISH_PROFILE.actorKey;

/** Bounded memo of word -> trie entry points (texts repeat most of their vocabulary). */
const WORD_CACHE_LIMIT = 50_000;
/** Numbers up to this long (years, small counts) are memoised like words; longer ones are not. */
const MAX_CACHED_NUMBER_CHARS = 4;
/** Slots of the hashed memo at first (a power of two); it doubles when 40% full. */
const WORD_SLOTS_INITIAL = 1 << 12;
/** Slots of the packed memo at first (a power of two); it doubles when 75% full. */
const PACKED_SLOTS_INITIAL = 1 << 12;


/**
 * Collects, while the tokenizer runs, each token's stem and trie entry points (looked up once
 * per distinct word and cached). One per scorer; its arrays are reused from call to call.
 */
export class WordCollector implements TokenSink {
  /** Tokens collected in this call: only indexes below it are valid in the arrays below. */
  count = 0;
  /** Per token: the lexicon id of its stem (WordInfo.key). */
  keys = new Int32Array(256);
  /** Per token: its word's WordInfo. */
  words: WordInfo[] = [];
  /**
   * Per token: which tries its word enters and how it may be skipped (wordFlagsOf), so that
   * the passes over the tokens read a WordInfo only when there is something in it for them.
   */
  flags = new Uint8Array(256);
  anyActor = false;
  /** Token objects reused from call to call (nothing in a result refers to a token). */
  readonly tokenPool: Token[] = [];
  private cache = new Map<string, WordInfo>();
  /** Punctuation marks (one ASCII character each) by character code: no Map lookup for them. */
  private marks: Array<WordInfo | undefined> = new Array<WordInfo | undefined>(128).fill(undefined);

  /**
   * The memo for plain ASCII words, an open-addressing table probed with the hash the
   * tokenizer computed while scanning: a known word costs one probe and one comparison of its
   * characters, and its cached string becomes the token's `lower` (no substring, no string
   * hashing: the per-token Map lookup was the largest single cost of score()).
   */
  private slotKeys: Array<string | undefined> = new Array<string | undefined>(WORD_SLOTS_INITIAL).fill(undefined);
  private slotInfos: Array<WordInfo | undefined> = new Array<WordInfo | undefined>(WORD_SLOTS_INITIAL).fill(undefined);
  private slotHashes = new Int32Array(WORD_SLOTS_INITIAL);
  private slotMask = WORD_SLOTS_INITIAL - 1;
  private slotsUsed = 0;

  /**
   * The memo for words of at most PACKED_CHARS ASCII letters and digits, keyed by their packed
   * characters (tokenize.ts): four integers a slot (a, b, c, and the length with the word's
   * index in packedLower / packedInfo above it), so a known word costs one probe and the
   * comparison of four integers, and neither the word's characters nor a string are read.
   */
  private packedSlots = new Int32Array(PACKED_SLOTS_INITIAL * 4);
  private packedMask = PACKED_SLOTS_INITIAL - 1;
  private packedLower: string[] = [];
  private packedInfo: WordInfo[] = [];
  /** Per packed word: its key, shifted left by 8 bits, and its wordFlagsOf in the low 8 bits. */
  private packedKeys = new Int32Array(1024);

  constructor(private readonly lex: CompiledLexicon) {}

  addPacked(text: string, start: number, end: number, kind: number, a: number, b: number, c: number): string {
    const len = end - start;
    let h = Math.imul(a ^ Math.imul(b, 0x27d4eb2d) ^ Math.imul(c ^ len, 0x165667b1), 0x9e3779b1);
    h ^= h >>> 15;
    const slots = this.packedSlots;
    const mask = this.packedMask;
    let slot = h & mask;
    for (;;) {
      const at = slot << 2;
      const meta = slots[at + 3]!;
      if (meta === 0) break;
      if ((meta & 15) === len && slots[at]! === a && slots[at + 1]! === b && slots[at + 2]! === c) {
        const index = meta >>> 4;
        // the word's key and whether it can begin an actor alias, without reading its WordInfo
        const keyFlags = this.packedKeys[index]!;
        this.put(this.packedInfo[index]!, keyFlags >> 8, keyFlags & 255);
        if ((keyFlags & WORD_ACTOR) !== 0) this.anyActor = true;
        return this.packedLower[index]!;
      }
      slot = (slot + 1) & mask;
    }
    const lower = text.slice(start, end).toLowerCase();
    if (kind === NUMBER && len > MAX_CACHED_NUMBER_CHARS) {
      // as in addHashed: long numbers are not memoised
      const info = describeWord(this.lex, lower, lower);
      this.put(info, info.key, wordFlagsOf(info));
      return lower;
    }
    this.add(lower, kind);
    const info = this.words[this.count - 1]!;
    let index = this.packedLower.length;
    if (index >= WORD_CACHE_LIMIT) {
      this.packedLower = [];
      this.packedInfo = [];
      this.packedSlots = new Int32Array(PACKED_SLOTS_INITIAL * 4);
      this.packedMask = PACKED_SLOTS_INITIAL - 1;
      index = 0;
    } else if (index * 4 >= (this.packedMask + 1) * 3) this.growPacked(); // 75% full: probes stay short, and the table small enough to stay in cache
    this.packedLower.push(lower);
    this.packedInfo.push(info);
    if (index >= this.packedKeys.length) {
      const keys = new Int32Array(Math.min(this.packedKeys.length * 2, WORD_CACHE_LIMIT));
      keys.set(this.packedKeys);
      this.packedKeys = keys;
    }
    this.packedKeys[index] = (info.key << 8) | wordFlagsOf(info);
    const table = this.packedSlots;
    const m = this.packedMask;
    let free = h & m;
    while (table[(free << 2) + 3] !== 0) free = (free + 1) & m;
    const at = free << 2;
    table[at] = a;
    table[at + 1] = b;
    table[at + 2] = c;
    table[at + 3] = len | (index << 4);
    return lower;
  }

  /** Doubles the packed memo's slots, keeping its words. */
  private growPacked(): void {
    const old = this.packedSlots;
    const size = (this.packedMask + 1) * 2;
    const table = new Int32Array(size * 4);
    const m = size - 1;
    for (let at = 0; at < old.length; at += 4) {
      const meta = old[at + 3]!;
      if (meta === 0) continue;
      const a = old[at]!;
      const b = old[at + 1]!;
      const c = old[at + 2]!;
      let h = Math.imul(a ^ Math.imul(b, 0x27d4eb2d) ^ Math.imul(c ^ (meta & 15), 0x165667b1), 0x9e3779b1);
      h ^= h >>> 15;
      let free = h & m;
      while (table[(free << 2) + 3] !== 0) free = (free + 1) & m;
      const to = free << 2;
      table[to] = a;
      table[to + 1] = b;
      table[to + 2] = c;
      table[to + 3] = meta;
    }
    this.packedSlots = table;
    this.packedMask = m;
  }

  addHashed(source: string, start: number, end: number, kind: number, hash: number, fold: boolean): string {
    const keys = this.slotKeys;
    const mask = this.slotMask;
    const len = end - start;
    let slot = hash & mask;
    for (;;) {
      const key = keys[slot];
      if (key === undefined) break;
      if (this.slotHashes[slot] === hash && key.length === len && (fold ? sameFolded(key, source, start, len) : sameChars(key, source, start, len))) {
        const info = this.slotInfos[slot]!;
        this.put(info, info.key, wordFlagsOf(info));
        if (info.actor !== undefined) this.anyActor = true;
        return key;
      }
      slot = (slot + 1) & mask;
    }
    const lower = fold ? source.slice(start, end).toLowerCase() : source.slice(start, end);
    if (kind === NUMBER && len > MAX_CACHED_NUMBER_CHARS) {
      // Long numbers (ids, exact counts, "report 48213") rarely repeat: memoised, they only
      // fill both memos with entries that die at the next reset (garbage the collector copies).
      const info = describeWord(this.lex, lower, lower);
      this.put(info, info.key, wordFlagsOf(info));
      return lower;
    }
    this.add(lower, kind);
    const info = this.words[this.count - 1]!;
    if (this.slotsUsed >= WORD_CACHE_LIMIT) this.resizeSlots(WORD_SLOTS_INITIAL, false);
    else if (this.slotsUsed * 5 >= keys.length * 2) this.resizeSlots(keys.length * 2, true);
    this.putSlot(lower, info, hash);
    return lower;
  }

  private putSlot(key: string, info: WordInfo, hash: number): void {
    const mask = this.slotMask;
    let slot = hash & mask;
    while (this.slotKeys[slot] !== undefined) slot = (slot + 1) & mask;
    this.slotKeys[slot] = key;
    this.slotInfos[slot] = info;
    this.slotHashes[slot] = hash;
    this.slotsUsed++;
  }

  /** A table of `size` slots, keeping the words already memoised when `keep` (else empty). */
  private resizeSlots(size: number, keep: boolean): void {
    const { slotKeys, slotInfos, slotHashes } = this;
    this.slotKeys = new Array<string | undefined>(size).fill(undefined);
    this.slotInfos = new Array<WordInfo | undefined>(size).fill(undefined);
    this.slotHashes = new Int32Array(size);
    this.slotMask = size - 1;
    this.slotsUsed = 0;
    if (!keep) return;
    for (let i = 0; i < slotKeys.length; i++) {
      const key = slotKeys[i];
      if (key !== undefined) this.putSlot(key, slotInfos[i]!, slotHashes[i]!);
    }
  }

  reset(): void {
    // the arrays are reused: the previous result's Prepared is no longer read
    this.count = 0;
    this.anyActor = false;
  }

  add(lower: string, kind: number): void {
    if (lower === '') {
      this.put(NO_WORD, -1, 0); // an over-long word never matches
      return;
    }
    const mark = kind === PUNCT && lower.length === 1 ? lower.charCodeAt(0) : 128;
    let info = mark < 128 ? this.marks[mark] : this.cache.get(lower);
    if (info === undefined) {
      // numbers and punctuation are matched by their text (cues such as "in 1945")
      const lex = this.lex;
      const stemmed = kind === WORD ? (lex.stemExceptions.get(lower) ?? (lex.stem === stem ? stem(lower) : lex.stem(lower))) : lower;
      info = lex.actorKey === englishActorKey ? describeWord(lex, lower, stemmed) : describeWord(lex, lower, stemmed, kind === WORD ? lex.actorKey(lower) : lower);
      if (mark < 128) this.marks[mark] = info;
      else {
        if (this.cache.size >= WORD_CACHE_LIMIT) this.cache = new Map();
        this.cache.set(lower, info);
      }
    }
    this.put(info, info.key, wordFlagsOf(info));
    if (info.actor !== undefined) this.anyActor = true;
  }

  /** Appends a token's word, key and flags. */
  private put(info: WordInfo, key: number, flags: number): void {
    const i = this.count;
    if (i >= this.keys.length) {
      const keys = new Int32Array(this.keys.length * 2);
      keys.set(this.keys);
      this.keys = keys;
      const grown = new Uint8Array(this.flags.length * 2);
      grown.set(this.flags);
      this.flags = grown;
    }
    this.keys[i] = key;
    this.flags[i] = flags;
    this.words[i] = info; // an append, or over a previous call's word
    this.count = i + 1;
  }
}

function sameChars(key: string, text: string, start: number, len: number): boolean {
  for (let k = 0; k < len; k++) if (key.charCodeAt(k) !== text.charCodeAt(start + k)) return false;
  return true;
}

/** Same as sameChars for an ASCII word of letters and digits, lower-cased by `| 32` as it is compared. */
function sameFolded(key: string, text: string, start: number, len: number): boolean {
  for (let k = 0; k < len; k++) if (key.charCodeAt(k) !== (text.charCodeAt(start + k) | 32)) return false;
  return true;
}
