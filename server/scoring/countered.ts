// Violence as the object of countering: "laws prohibiting torture", "criminalizing incitement to
// violence", "to respond to chemical weapons attacks", "a framework to address the threat of
// foreign fighters", "torture is prohibited under the constitution". The violent words name what
// is prevented, banned or answered, not an event: they are `addressed`. A ban on violence is not
// coercion either; a ban on anything else ("banned the opposition newspaper") stays repression.

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

export interface CounterCues {
  /** A head word, with the words one of which must follow it (`respond` + `to`), or null when it counters alone. */
  heads: Map<string, Set<string> | null>;
  /** Words of protection: "from" or "against" at most PROTECT_GAP tokens after one counters what follows ("protect [civilians] from"). */
  protect: Set<string>;
  /** Participles of countering read after their object in the passive (`cues.counterPassive`: "prohibited", "banned"). */
  passive: Set<string>;
}

/** `cues.counterHeads` (one word, or two words: the second must follow) and `cues.counterPassive` (one word each). */
export function compileCounterCues(cues: Record<string, unknown>): CounterCues {
  const heads = new Map<string, Set<string> | null>();
  const list = cues['counterHeads'] ?? [];
  if (!Array.isArray(list)) throw new Error('Invalid lexicon: lexicon.cues.counterHeads: must be an array');
  list.forEach((w, i) => {
    const words = typeof w === 'string' ? w.split(' ') : [];
    if (typeof w !== 'string' || w !== w.toLowerCase() || words.length > 2 || words.some((x) => x === '')) {
      throw new Error(`Invalid lexicon: lexicon.cues.counterHeads[${i}]: must be one or two lower-case words`);
    }
    const [head, next] = words as [string, string | undefined];
    if (next === undefined) heads.set(head, null);
    else {
      const prev = heads.get(head);
      if (prev === null) return; // already a head alone
      (prev ?? heads.set(head, new Set()).get(head)!).add(next);
    }
  });
  return { heads, passive: wordSet(cues, 'counterPassive'), protect: wordSet(cues, 'counterProtect') };
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

/** Token k is a countering head ("prevent", "respond to", "measures against"), not the first part of "counter-offensive". */
function isHead(p: Prepared, cues: CounterCues, k: number, text: string): boolean {
  const t = p.tokens[k]!;
  if ((t.lower === 'from' || t.lower === 'against') && cues.protect.size > 0) {
    for (let j = k - 1; j >= 0 && j >= k - PROTECT_GAP; j--) if (cues.protect.has(p.tokens[j]!.lower)) return true;
    return false;
  }
  const next = cues.heads.get(t.lower);
  if (next === undefined) return false;
  if (text.charCodeAt(t.end) === 45 /* - */) return false; // "counter-offensive", "counter-attack"
  if (k > 0 && p.tokens[k - 1]!.lower === 'in') return false; // "in response to the attack": a cause, not an object
  if (next === null) return true;
  return k + 1 < p.tokens.length && next.has(p.tokens[k + 1]!.lower);
}

/** The found signal covering token k, searched back from index j (signals are in token order), or null. */
function signalAt(found: FoundSignal[], j: number, k: number): FoundSignal | null {
  for (; j >= 0 && found[j]!.endToken > k; j--) if (found[j]!.startToken <= k) return found[j]!;
  return null;
}

/** A passive of countering after the signal in its clause ("[torture] is prohibited", "are [strictly] banned"). */
function passiveAfter(lex: CompiledLexicon, cues: CounterCues, p: Prepared, f: FoundSignal): boolean {
  const { tokens, clause } = p;
  const cs = clause[f.endToken - 1]!;
  const stop = Math.min(tokens.length, f.endToken + COUNTER_PASSIVE_AHEAD);
  let aux = false;
  for (let k = f.endToken; k < stop; k++) {
    if (clause[k] !== cs) return false;
    const w = tokens[k]!.lower;
    if (lex.passive.has(w)) aux = true;
    else if (aux && cues.passive.has(w)) return true;
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
 * chained within COUNTER_CHAIN tokens: "financing of terrorist attacks", "incitement to violence"),
 * or before a passive of `cues.counterPassive` ("torture is prohibited"). A head that is itself an
 * escalation signal other than coercion ("combat troops") counters nothing; a ban (repression) that
 * counters violence is `addressed` too.
 */
export function markCountered(lex: CompiledLexicon, p: Prepared, found: FoundSignal[], text: string): void {
  const cues = lex.counter;
  if (cues.heads.size === 0) return;
  const { tokens, clause } = p;
  let prev: FoundSignal | null = null; // the last signal of a countered object
  for (let i = 0; i < found.length; i++) {
    const f = found[i]!;
    if (f.category.polarity !== 'escalation') continue;
    const m = f.signal.modality;
    const open = m === 'asserted' || m === 'intended' || m === 'past';
    if (!open && m !== 'negated') continue;
    const s = f.startToken;
    let countered = false;
    let head: FoundSignal | null = null;
    if (prev !== null && s - prev.endToken <= COUNTER_CHAIN && clause[prev.endToken - 1] === clause[s]) {
      countered = true;
      for (let k = prev.endToken; k < s; k++) {
        const w = tokens[k]!.lower;
        if (w === 'with' || w === 'by' || w === 'that') countered = false;
      }
    }
    if (!countered) {
      for (let k = s - 1; k >= 0 && k >= s - COUNTER_BACK; k--) {
        if (clause[k] !== clause[s]) break;
        const w = tokens[k]!.lower;
        if (w === 'with' || w === 'by' || w === 'that') break;
        const g = signalAt(found, i - 1, k);
        if (isHead(p, cues, k, text)) {
          if (g !== null && g.category.polarity === 'escalation' && g.category.id !== 'repression') break; // "combat troops"
          countered = g === null || g.category.polarity !== 'escalation' || violentObject(lex, f);
          head = g;
          break;
        }
        if (g !== null && g.category.kind !== 'vocabulary' && g.category.polarity === 'escalation') break;
      }
    }
    if (!countered && cues.passive.size > 0 && violentObject(lex, f) && passiveAfter(lex, cues, p, f)) countered = true;
    if (!countered) {
      prev = null;
      continue;
    }
    prev = f;
    if (open) negate(lex, f);
    if (head !== null && head.category.polarity === 'escalation' && head.signal.polarity === 'escalation' && head.signal.modality !== 'addressed') address(lex, head);
  }
}
