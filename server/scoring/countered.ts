// Violence as the object of countering: "laws prohibiting torture", "voted to outlaw calls for
// violence", "to respond to chemical weapons attacks", "steps to address the danger of drone
// attacks", "torture of suspects is forbidden by law". The violent words name what
// is prevented, banned or answered, not an event. They are read as the countering cues of
// `cues.negation` already read a violent word right after them ("prevent terrorist attacks",
// "combat violence"): `negated`. This pass extends that reading to the whole object (past other
// signals of it: "calls for violence"), to heads that are no negation ("address", "respond
// to", "measures against", "protect ... from") and to the passive ("is prohibited"). A ban on
// violence is not coercion either (`addressed`); a ban on anything else ("banned the opposition
// newspaper") stays repression.

import type { CompiledLexicon } from './lexicon.ts';
import type { FoundSignal } from './analyse.ts';
import type { Prepared } from './prepare.ts';

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** Tokens before an escalation signal searched for the verb or noun that counters it ("prevent [the illegal flow of] weapons"). */
export const COUNTER_BACK = 6;
/** Tokens between two signals of one countered object ("incitement [to] violence", "financing [of] terrorist attacks"). */
export const COUNTER_CHAIN = 3;
/** Tokens after a signal searched for a passive of countering ("torture [and ill-treatment are] prohibited"). */
export const COUNTER_PASSIVE_AHEAD = 6;
/** Tokens between a word of protection and its "from" or "against" ("protect [power stations] against"). */
export const PROTECT_GAP = 4;

/** Bits of `CounterCues.frame`, per lexicon id of a lower-case word. */
export const FRAME_HEAD = 1; // counters what follows ("prevent", "criminalizing")
export const FRAME_HEAD_NEXT = 2; // counters what follows when one of its next words follows it ("respond" + "to")
export const FRAME_PROTECT = 4; // a word of protection ("protect [civilians] from")
export const FRAME_PROTECT_PREP = 8; // "from", "against"
export const FRAME_PASSIVE = 16; // a participle of countering after its object ("is prohibited")
export const FRAME_DOCUMENT = 32; // a document noun that, named, is a reference ("the Juba Peace Agreement"; named-reference.ts)
export const FRAME_STOP = 64; // "with", "by", "that": what follows is no longer the countered object ("responded to the attack with airstrikes")

export interface CounterCues {
  /**
   * FRAME_* bits per lexicon id of a lower-case word (`WordInfo.lowerKey`), from `cues.counterHeads`,
   * `cues.counterProtect`, `cues.counterPassive` and `cues.namedDocuments`: one typed-array load per
   * token instead of a string lookup.
   */
  frame: Uint8Array;
  /** Lexicon ids of the words one of which must follow a FRAME_HEAD_NEXT head, by the head's id ("respond" -> "to"). */
  next: Map<number, Set<number>>;
}

/**
 * `cues.counterHeads` (one word, or two: the second must follow), `cues.counterProtect`,
 * `cues.counterPassive`, `cues.namedDocuments` (one lower-case word each; a language without
 * them has none). `idOf` gives (and registers) the lexicon id of a word as `WordInfo.lowerKey` keys
 * it (the lower-case word in English, its stem in inflected languages).
 */
export function compileCounterCues(cues: Record<string, unknown>, idOf: (key: string) => number): CounterCues {
  const bits = new Map<number, number>();
  const mark = (word: string, bit: number): void => {
    const id = idOf(word);
    bits.set(id, (bits.get(id) ?? 0) | bit);
  };
  const next = new Map<number, Set<number>>();
  const list = cues['counterHeads'] ?? [];
  if (!Array.isArray(list)) throw new Error('Invalid lexicon: lexicon.cues.counterHeads: must be an array');
  list.forEach((w, i) => {
    const words = typeof w === 'string' ? w.split(' ') : [];
    if (typeof w !== 'string' || w !== w.toLowerCase() || words.length > 2 || words.some((x) => x === '')) {
      throw new Error(`Invalid lexicon: lexicon.cues.counterHeads[${i}]: must be one or two lower-case words`);
    }
    const [head, second] = words as [string, string | undefined];
    if (second === undefined) mark(head, FRAME_HEAD);
    else {
      mark(head, FRAME_HEAD_NEXT);
      const id = idOf(head);
      (next.get(id) ?? next.set(id, new Set()).get(id)!).add(idOf(second));
    }
  });
  for (const w of wordSet(cues, 'counterProtect')) mark(w, FRAME_PROTECT);
  if (bits.size > 0) {
    for (const w of ['from', 'against']) mark(w, FRAME_PROTECT_PREP);
    for (const w of ['with', 'by', 'that']) mark(w, FRAME_STOP);
  }
  for (const w of wordSet(cues, 'counterPassive')) mark(w, FRAME_PASSIVE);
  for (const w of wordSet(cues, 'namedDocuments')) mark(w, FRAME_DOCUMENT);
  let size = 0;
  for (const id of bits.keys()) size = Math.max(size, id + 1);
  const frame = new Uint8Array(size);
  for (const [id, b] of bits) frame[id] = b;
  return { frame, next };
}

/** The FRAME_* bits of every token of the statement, or-ed: which of the passes can apply (one load per token). */
export function frameWordsIn(p: Prepared, frame: Uint8Array): number {
  const size = frame.length;
  if (size === 0) return 0;
  const { words } = p;
  const n = p.tokens.length;
  let any = 0;
  for (let k = 0; k < n; k++) {
    const id = words[k]!.lowerKey;
    if (id >= 0 && id < size) any |= frame[id]!;
  }
  return any;
}

/** The FRAME_* bits of token k. */
export function frameBits(p: Prepared, frame: Uint8Array, k: number): number {
  const id = p.words[k]!.lowerKey;
  return id >= 0 && id < frame.length ? frame[id]! : 0;
}

/** An optional cue list of lower-case single words as a set (empty when the language has none). */
function wordSet(cues: Record<string, unknown>, name: string): Set<string> {
  const out = new Set<string>();
  const list = cues[name] ?? [];
  if (!Array.isArray(list)) throw new Error(`Invalid lexicon: lexicon.cues.${name}: must be an array`);
  list.forEach((w, i) => {
    if (typeof w !== 'string' || w === '' || w !== w.toLowerCase() || w.includes(' ')) {
      throw new Error(`Invalid lexicon: lexicon.cues.${name}[${i}]: must be one lower-case word`);
    }
    out.add(w);
  });
  return out;
}

/** Violence, coercion or incitement, as what a ban or a prohibition acts on ("banned torture"), not "the opposition". */
function violentObject(lex: CompiledLexicon, f: FoundSignal): boolean {
  const c = f.category;
  if (c.kind === 'vocabulary') return f.entry.weight >= lex.calibration.violentVocabulary * 0.35 * c.weight;
  return c.violentContext || c.id === 'repression' || c.id === 'accusation';
}

/** Token k is a countering head ("prevent", "respond to", "protect ... from"), not the first part of "counter-offensive". */
function isHead(p: Prepared, cues: CounterCues, k: number, text: string): boolean {
  const bits = frameBits(p, cues.frame, k);
  if ((bits & (FRAME_HEAD | FRAME_HEAD_NEXT | FRAME_PROTECT_PREP)) === 0) return false;
  const t = p.tokens[k]!;
  if ((bits & FRAME_PROTECT_PREP) !== 0) {
    for (let j = k - 1; j >= 0 && j >= k - PROTECT_GAP; j--) if ((frameBits(p, cues.frame, j) & FRAME_PROTECT) !== 0) return true;
    return false;
  }
  if (text.charCodeAt(t.end) === 45 /* - */) return false; // "counter-offensive", "counter-attack"
  if (k > 0 && p.tokens[k - 1]!.lower === 'in') return false; // "in response to the attack": a cause, not an object
  if ((bits & FRAME_HEAD) !== 0) return true;
  const second = cues.next.get(p.words[k]!.lowerKey);
  return second !== undefined && k + 1 < p.tokens.length && second.has(p.words[k + 1]!.lowerKey);
}

/** A passive of countering after the signal in its clause ("[torture] is prohibited", "are [strictly] banned"). */
function passiveAfter(lex: CompiledLexicon, p: Prepared, f: FoundSignal): boolean {
  const { tokens, clause } = p;
  const cs = clause[f.endToken - 1]!;
  const stop = Math.min(tokens.length, f.endToken + COUNTER_PASSIVE_AHEAD);
  for (let k = f.endToken; k < stop; k++) {
    if (clause[k] !== cs) return false;
    if ((frameBits(p, lex.counter.frame, k) & FRAME_PASSIVE) === 0) continue;
    for (let a = f.endToken; a < k; a++) if (lex.passive.has(tokens[a]!.lower)) return true; // "are", "was", "been"
    return false;
  }
  return false;
}

function negate(lex: CompiledLexicon, f: FoundSignal): void {
  const rule = lex.modality.negated[f.category.modalityClass];
  f.signal.modality = 'negated';
  f.signal.polarity = rule.flip ? 'deescalation' : 'escalation';
  f.signal.weight = round2(f.base * rule.factor);
}

function address(lex: CompiledLexicon, f: FoundSignal): void {
  f.signal.modality = 'addressed';
  f.signal.polarity = 'escalation';
  f.signal.weight = round2(f.base * lex.modality.addressed[f.category.modalityClass].factor);
}

/**
 * Marks `negated` the escalation signals that are the object of countering: after a head of
 * `cues.counterHeads` in their clause (within COUNTER_BACK tokens, other signals of the same object
 * chained within COUNTER_CHAIN tokens: "kidnapping of schoolchildren", "calls for violence"),
 * or before a passive of `cues.counterPassive` ("torture is prohibited"). A head that is itself an
 * escalation signal other than coercion ("combat troops") counters nothing; a ban (repression) that
 * counters violence is `addressed` too. `words`: frameWordsIn of the statement.
 */
export function markCountered(lex: CompiledLexicon, p: Prepared, found: FoundSignal[], text: string, words: number): void {
  const cues = lex.counter;
  const frame = cues.frame;
  const { clause } = p;
  if ((words & (FRAME_HEAD | FRAME_HEAD_NEXT | FRAME_PROTECT | FRAME_PASSIVE)) === 0) return; // most statements
  let prev: FoundSignal | null = null; // the last signal of a countered object
  for (let i = 0; i < found.length; i++) {
    const f = found[i]!;
    if (f.category.polarity !== 'escalation') continue;
    const m = f.signal.modality;
    const open = m === 'asserted' || m === 'intended' || m === 'past';
    if (!open && m !== 'negated') continue;
    const s = f.startToken;
    const cs = clause[s]!;
    let countered = false;
    let head: FoundSignal | null = null;
    if (prev !== null && s - prev.endToken <= COUNTER_CHAIN && clause[prev.endToken - 1] === cs) {
      countered = true;
      for (let k = prev.endToken; k < s; k++) if ((frameBits(p, frame, k) & FRAME_STOP) !== 0) countered = false;
    }
    if (!countered) {
      let j = i - 1; // the signals before, walked down with k
      for (let k = s - 1; k >= 0 && k >= s - COUNTER_BACK; k--) {
        if (clause[k] !== cs) break;
        if ((frameBits(p, frame, k) & FRAME_STOP) !== 0) break;
        while (j >= 0 && found[j]!.startToken > k) j--;
        const g = j >= 0 && found[j]!.endToken > k ? found[j]! : null;
        if (isHead(p, cues, k, text)) {
          if (g !== null && g.category.polarity === 'escalation' && g.category.id !== 'repression') break; // "combat troops"
          countered = g === null || g.category.polarity !== 'escalation' || violentObject(lex, f);
          head = g;
          break;
        }
        if (g !== null && g.category.kind !== 'vocabulary' && g.category.polarity === 'escalation') break;
      }
    }
    if (!countered && violentObject(lex, f) && passiveAfter(lex, p, f)) countered = true;
    if (!countered) {
      prev = null;
      continue;
    }
    prev = f;
    if (open) negate(lex, f);
    if (head !== null && head.category.polarity === 'escalation' && head.signal.polarity === 'escalation' && head.signal.modality !== 'addressed') address(lex, head);
  }
}
