// Resolves a name given from outside the text (the API's `speaker` field, an alert rule's
// actor scope) through the same gazetteer as the text: "Russian Foreign Ministry" is Russia
// (institution "foreign ministry"), "the Chinese state media" is China, "russia" is Russia.

import type { CompiledLexicon } from './lexicon.ts';
import { PUNCT, tokenize } from './tokenize.ts';

/** Longer names are not names (the speaker hint is cut to this many characters as well). */
export const MAX_NAME_CHARS = 200;

export interface ResolvedName {
  /** Canonical actor. */
  actor: string;
  /** The institution or office named with it, lower-case ("foreign ministry", "state media"), or null. */
  institution: string | null;
}

/** Words that only say who in a state speaks or acts; they never change which actor. */
const FUNCTION_WORDS = new Set(['the', 'of', "'s", 'for', 'and', 'to', 'on']);

/**
 * The one actor a name refers to: an alias, a capital, a demonym or an affiliate, with any
 * institution words around it (`cues.institution`: ministry, army, president, state media, ...)
 * and capitalised personal names. Case-insensitive, except that an all-caps alias inside a
 * longer name must be written in capitals ("US Embassy", not "us embassy"). Null when no actor
 * or two different actors are named, or when a word is neither ("Russian roulette").
 */
export function resolveName(lex: CompiledLexicon, name: unknown): ResolvedName | null {
  if (typeof name !== 'string') return null;
  const trimmed = name.trim().slice(0, MAX_NAME_CHARS);
  if (trimmed === '') return null;
  const direct = lex.actorNames.get(trimmed.toLowerCase());
  if (direct !== undefined) return { actor: direct, institution: null };
  const { tokens } = lex.tokenize === tokenize ? tokenize(trimmed) : lex.tokenize(trimmed);
  const keyOf = (lower: string): number => lex.keyIds.get(lex.actorKey(lower)) ?? -1;
  let actor: string | null = null;
  const institution: string[] = [];
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i]!;
    if (t.kind === PUNCT) {
      i++;
      continue;
    }
    // the longest alias from here (the actor trie is keyed by ids of lower-case words)
    let node = lex.actors.next?.get(keyOf(t.lower));
    let found: string | null = null;
    let end = i;
    for (let j = i; node !== undefined; ) {
      if (node.entry !== null) {
        const span = trimmed.slice(t.start, tokens[j]!.end);
        const e = node.entry.find((x) => x.caseSensitive === null || x.caseSensitive === span);
        if (e !== undefined) {
          found = e.actor;
          end = j + 1;
        }
      }
      j++;
      if (j >= tokens.length || node.next === null) break;
      node = node.next.get(keyOf(tokens[j]!.lower));
    }
    if (found !== null) {
      if (actor !== null && actor !== found) return null; // two actors: not one name
      actor = found;
      i = end;
      continue;
    }
    if (lex.institutionWords.has(t.lower)) institution.push(t.lower);
    else if (!FUNCTION_WORDS.has(t.lower) && !isCapitalised(trimmed.charCodeAt(t.start))) return null;
    i++;
  }
  if (actor === null) return null;
  return { actor, institution: institution.length > 0 ? institution.join(' ') : null };
}

function isCapitalised(c: number): boolean {
  return (c >= 65 && c <= 90) || c > 127;
}
