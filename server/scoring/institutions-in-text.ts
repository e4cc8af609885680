// The institution around a speaker's mention in a text, for a language with institution phrases
// (institutions.ts): "el Ministerio de Exteriores de [Rusia] advirtió", "قالت وزارة الخارجية
// [الروسية]", "[俄罗斯]外交部发言人表示". Split from actors.ts, which finds the speaker.

import { CUE_DETERMINER as _CUE_DETERMINER, type CompiledLexicon } from './lexicon.ts';
import type { Prepared } from './prepare.ts';
import { PUNCT as _PUNCT } from './tokenize.ts';
import { institutionAround, matchInstitution, type InstitutionNames } from './institutions.ts';

const PUNCT = _PUNCT;
const CUE_DETERMINER = _CUE_DETERMINER;

/** Where the speaker was found: its mention [mentionStart, mentionEnd) and the verb or act after it (`until`). */
export interface SpeakerSpan {
  mentionStart: number;
  mentionEnd: number;
  until: number;
}

/** The text `skipWord` reads (set around one call: a module function, no closure per call). */
let skipIn: Prepared | null = null;

/** A determiner or "'s" of `skipIn`: passed over between an institution and its state. */
function skipWord(k: number): boolean {
  const p = skipIn!;
  return (p.cueFlags[k]! & CUE_DETERMINER) !== 0 || p.tokens[k]!.lower === "'s";
}

/**
 * A language with institution phrases: the phrase around the speaker's mention, before it
 * ("el Ministerio de Exteriores de Rusia advirtió") or after it up to the verb ("俄罗斯外交部发言人表示").
 */
export function institutionInText(lex: CompiledLexicon, names: InstitutionNames, p: Prepared, found: SpeakerSpan): string | null {
  const { tokens } = p;
  const right = found.until;
  const from = Math.max(0, found.mentionStart - 8);
  const keys: string[] = new Array<string>(right);
  for (let k = from; k < right; k++) keys[k] = tokens[k]!.kind === PUNCT ? '\u0000' : p.words[k]!.actorWord;
  for (let k = 0; k < from; k++) keys[k] = '\u0000';
  skipIn = p;
  const around = institutionAround(names, keys, found.mentionStart, found.mentionEnd, right, skipWord);
  skipIn = null;
  if (around !== null) return around;
  // an alias that names an institution ("الجيش الإسرائيلي", "Fuerzas de Defensa de Israel")
  const inside = keys.slice(found.mentionStart, found.mentionEnd);
  for (let k = 0; k < inside.length; k++) {
    const m = matchInstitution(names, inside, k);
    if (m !== null) return m.label;
  }
  return null;
}

/**
 * The token after an institution phrase starting at token `k`, or -1 (no phrase starts there).
 * Keys are read one token at a time while they are the start of a phrase (`names.prefixes`):
 * most tokens are no phrase's first word and cost one lookup.
 */
export function institutionEnd(lex: CompiledLexicon, names: InstitutionNames, p: Prepared, k: number): number {
  const { tokens, words } = p;
  const stop = Math.min(tokens.length, k + names.maxWords);
  let read = '';
  let end = -1;
  for (let j = k; j < stop; j++) {
    if (tokens[j]!.kind === PUNCT) break;
    const key = words[j]!.actorWord;
    read = j === k ? key : read + names.joiner + key;
    if (!names.prefixes.has(read)) break;
    if (names.phrases.has(read)) end = j + 1;
  }
  return end;
}

/** The first token of institution phrases (and connectors) that lead up to token `start`, or `start`. */
export function institutionStartBefore(lex: CompiledLexicon, names: InstitutionNames, p: Prepared, start: number): number {
  for (let s = Math.max(0, start - 6); s < start; s++) {
    let k = s;
    while (k < start) {
      const e = institutionEnd(lex, names, p, k);
      if (e > k && e <= start) k = e;
      else if (k > s && p.tokens[k]!.kind !== PUNCT && names.connectors.has(p.tokens[k]!.kind === 0 ? p.words[k]!.actorWord : lex.actorKey(p.tokens[k]!.lower))) k++;
      else break;
    }
    if (k === start) return s;
  }
  return start;
}
