// Where the condition and the target of a signal are in the text, so that the dashboard can
// highlight them beside the signal itself ("Если ... станут целью": the condition "Если", the
// target "НАТО"). Found after scoring, by the language's own tokenizer and stemmer: the nearest
// conditional cue word before a conditional signal in its sentence, and the nearest mention of
// one of the result's targets in the signal's sentence.

import type { LanguageProfile } from '../lexicon-types.ts';
import type { ScoreResult, Signal } from '../types.ts';
import { PUNCT, WORD, type Token } from '../tokenize.ts';

/** A span of the original text (UTF-16 offsets) and its text. */
export interface Span {
  start: number;
  end: number;
  text: string;
}

/** Signal with the spans of its condition and target, when the text has them (an addition to the contract). */
export type SignalWithContext = Signal & { condition?: Span; target?: Span };

export interface ContextFinder {
  /** Adds `condition` and `target` spans to the result's signals, in place. */
  annotate(result: ScoreResult, text: string): void;
}

/** Longest actor alias looked for, in tokens ("Организация Объединённых Наций"). */
const MAX_ALIAS_TOKENS = 4;
/** Names resolved and remembered per language. */
const MEMO_LIMIT = 20_000;

/** The index of the token at UTF-16 `offset` (the first that ends after it; the last one at most). */
function tokenAt(tokens: readonly Token[], offset: number): number {
  let i = 0;
  while (i < tokens.length - 1 && tokens[i]!.end <= offset) i++;
  return i;
}

/** The span of `text` from token `a` to token `b`. */
function spanOf(text: string, a: Token, b: Token): Span {
  return { start: a.start, end: b.end, text: text.slice(a.start, b.end) };
}

export function createContextFinder(deps: {
  profile: Pick<LanguageProfile, 'tokenize' | 'stem' | 'actorKey' | 'unspaced'>;
  /** The language's conditional cue phrases (cues.json `conditional`): their first words mark a condition. */
  conditionalCues: readonly string[];
  resolveActor: (name: string) => string | null;
  /** The keys that begin an alias (Scorer.aliasStarts): runs without one are not looked up. */
  aliasStarts?: ReadonlySet<string>;
}): ContextFinder {
  const { profile } = deps;
  const reach = deps.aliasStarts === undefined ? null : createNameReach(deps.aliasStarts, profile);
  // Names repeat from statement to statement: resolved once (bounded memo).
  const memo = new Map<string, string | null>();
  const resolve = (name: string): string | null => {
    let actor = memo.get(name);
    if (actor === undefined) {
      actor = deps.resolveActor(name);
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(name, actor);
    }
    return actor;
  };
  /** A name starts with a capital where the script has them ("НАТО", "Києву"); Arabic and Han have none. */
  // per UTF-16 code unit: 0 not yet known, 1 may start a name (caseless or a capital), 2 not
  const startsName = new Uint8Array(0x10000);
  const mayStartName = (t: Token): boolean => {
    const code = current.charCodeAt(t.start);
    let known = startsName[code]!;
    if (known === 0) {
      const c = String.fromCharCode(code);
      known = c.toLowerCase() === c.toUpperCase() || c !== c.toLowerCase() ? 1 : 2;
      startsName[code] = known;
    }
    return known === 1;
  };
  let current = '';
  const keyOf = (t: Token): string => (t.kind === WORD ? profile.stem(t.lower) : t.lower);
  const conditionStarts = new Set<string>();
  for (const cue of deps.conditionalCues) {
    const first = profile.tokenize(cue).tokens.find((t) => t.kind !== PUNCT);
    if (first !== undefined) conditionStarts.add(keyOf(first));
  }
  return {
    annotate(result, text) {
      if (result.signals.length === 0) return; // nothing to annotate: no tokenizing, no name lookups
      const wantsCondition = result.signals.some((s) => s.modality === 'conditional');
      const targets = new Set(result.actors.targets);
      if (!wantsCondition && targets.size === 0) return;
      const { tokens } = profile.tokenize(text);
      current = text;
      // Mentions of the targets: the longest run of tokens from each start that names one.
      const mentions: Array<{ from: number; to: number }> = [];
      if (targets.size > 0) {
        reach?.read(text, tokens);
        for (let i = 0; i < tokens.length; i++) {
          if (tokens[i]!.kind === PUNCT || !mayStartName(tokens[i]!)) continue;
          const most = Math.min(MAX_ALIAS_TOKENS, tokens.length - i);
          // no run shorter than `least` tokens from here holds a word that begins an alias
          const least = reach === null ? 1 : reach.least(i, most);
          for (let n = most; n >= least; n--) {
            const last = tokens[i + n - 1]!;
            if (last.kind === PUNCT || last.sentence !== tokens[i]!.sentence) continue;
            const actor = resolve(text.slice(tokens[i]!.start, last.end));
            if (actor === null || !targets.has(actor)) continue;
            // every end of the run is part of the name (resolveActor passes over words around one)
            const withoutFirst = n > 1 ? resolve(text.slice(tokens[i + 1]!.start, last.end)) : null;
            const withoutLast = n > 1 ? resolve(text.slice(tokens[i]!.start, tokens[i + n - 2]!.end)) : null;
            if (withoutFirst !== actor && withoutLast !== actor) {
              mentions.push({ from: i, to: i + n - 1 });
              i += n - 1;
              break;
            }
          }
        }
      }
      for (const s of result.signals as SignalWithContext[]) {
        const first = tokenAt(tokens, s.start);
        const sentence = tokens[first]?.sentence;
        if (s.modality === 'conditional') {
          for (let k = first - 1; k >= 0 && tokens[k]!.sentence === sentence; k--) {
            if (tokens[k]!.kind !== PUNCT && conditionStarts.has(keyOf(tokens[k]!))) {
              s.condition = spanOf(text, tokens[k]!, tokens[k]!);
              break;
            }
          }
        }
        let best: { from: number; to: number } | null = null;
        for (const m of mentions) {
          if (tokens[m.from]!.sentence !== sentence) continue;
          if (best === null || Math.abs(m.from - first) < Math.abs(best.from - first)) best = m;
        }
        if (best !== null) s.target = spanOf(text, tokens[best.from]!, tokens[best.to]!);
      }
    },
  };
}

/**
 * Which runs of tokens can hold a name, from the words that begin an alias: a name resolves
 * through an alias, and an alias starts with one of those words (or, for a name looked up
 * whole, the name does). Words read alone (most languages): the run must hold a word whose key
 * begins an alias. Words found by a segmenter (Chinese), which may split a run otherwise than
 * the whole text: the run's characters must hold the first character of such a key.
 */
function createNameReach(starts: ReadonlySet<string>, profile: Pick<LanguageProfile, 'actorKey' | 'unspaced'>): {
  read(text: string, tokens: readonly Token[]): void;
  least(i: number, most: number): number;
} {
  if (profile.unspaced === true) {
    let tokens: readonly Token[] = [];
    const firstUnits = new Set<number>();
    for (const key of starts) if (key !== '') firstUnits.add(key.charCodeAt(0));
    // per UTF-16 code unit: 0 not yet known, 1 lower-cases to a first character of a key, 2 not
    const startChar = new Uint8Array(0x10000);
    /** Characters of the text up to each offset that may start a key. */
    let upTo = new Int32Array(0);
    return {
      read(text, list) {
        tokens = list;
        if (upTo.length < text.length + 1) upTo = new Int32Array(text.length + 1);
        for (let k = 0; k < text.length; k++) {
          const code = text.charCodeAt(k);
          let known = startChar[code]!;
          if (known === 0) {
            known = firstUnits.has(String.fromCharCode(code).toLowerCase().charCodeAt(0)) ? 1 : 2;
            startChar[code] = known;
          }
          upTo[k + 1] = upTo[k]! + (known === 1 ? 1 : 0);
        }
      },
      least(i, most) {
        const from = upTo[tokens[i]!.start]!;
        for (let n = 1; n <= most; n++) if (upTo[tokens[i + n - 1]!.end]! > from) return n;
        return most + 1;
      },
    };
  }
  // per word: whether its key begins an alias (remembered, bounded)
  let begins = new Map<string, boolean>();
  const beginsAlias = (t: Token): boolean => {
    let b = begins.get(t.lower);
    if (b === undefined) {
      // resolveActor keys every word of a name by actorKey; aliases key numbers as they are
      b = starts.has(profile.actorKey(t.lower)) || (t.kind !== WORD && starts.has(t.lower));
      if (begins.size >= MEMO_LIMIT) begins = new Map();
      begins.set(t.lower, b);
    }
    return b;
  };
  /** Per token of the text: 1 when its key begins an alias. */
  let flags = new Uint8Array(0);
  return {
    read(_text, list) {
      if (flags.length < list.length) flags = new Uint8Array(list.length);
      for (let k = 0; k < list.length; k++) flags[k] = beginsAlias(list[k]!) ? 1 : 0;
    },
    least(i, most) {
      for (let n = 1; n <= most; n++) if (flags[i + n - 1] === 1) return n;
      return most + 1;
    },
  };
}
