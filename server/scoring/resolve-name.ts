// Resolves a name given from outside the text (the API's `speaker` field, an alert rule's
// actor scope) through the same gazetteer as the text: "Russian Foreign Ministry" is Russia
// (institution "foreign ministry"), "the Chinese state media" is China, "russia" is Russia.

import type { CompiledLexicon } from './lexicon.ts';
import { PUNCT, tokenize } from './tokenize.ts';
import { matchInstitution } from './institutions.ts';

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
  // a language with institution phrases reads the words of a known alias too
  // ("الجيش الإسرائيلي" is Israel, institution army); English keeps the shortcut
  if (direct !== undefined && lex.institutions === null) return { actor: direct, institution: null };
  const read = readName(lex, trimmed);
  if (read === null && direct !== undefined) return { actor: direct, institution: null };
  return read;
}

function readName(lex: CompiledLexicon, trimmed: string): ResolvedName | null {
  const { tokens } = lex.tokenize === tokenize ? tokenize(trimmed) : lex.tokenize(trimmed);
  const keyOf = (lower: string): number => lex.keyIds.get(lex.actorKey(lower)) ?? -1;
  let actor: string | null = null;
  const institution: string[] = [];
  /** Token indices outside every alias: read for institutions once the actor is known. */
  const rest: number[] = [];
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
      const names = lex.institutions;
      // an alias that names an institution ("Fuerzas de Defensa de Israel", "الجيش الإسرائيلي")
      if (names !== null) {
        const keys = tokens.slice(i, end).map((x) => keyOfToken(lex, x.kind, x.lower));
        for (let k = 0; k < keys.length; k++) {
          const m = matchInstitution(names, keys, k);
          if (m !== null) {
            institution.push(m.label);
            break;
          }
        }
      }
      i = end;
      continue;
    }
    rest.push(i);
    i++;
  }
  if (actor === null) return null;
  // The other words, with the actor taken out, so that an institution split by a demonym reads
  // whole: "le ministère [russe] des Affaires étrangères", "el Ministerio [ruso] de Defensa".
  const names = lex.institutions;
  const keys = names === null ? [] : rest.map((k) => keyOfToken(lex, tokens[k]!.kind, tokens[k]!.lower));
  for (let r = 0; r < rest.length; ) {
    const phrase = names === null ? null : matchInstitution(names, keys, r);
    if (phrase !== null) {
      institution.push(phrase.label);
      r = phrase.end;
      continue;
    }
    const t = tokens[rest[r]!]!;
    if (lex.institutionWords.has(t.lower)) institution.push(t.lower);
    else if (!FUNCTION_WORDS.has(t.lower) && !(names?.connectors.has(keys[r]!) ?? false) && !isCapitalised(trimmed.charCodeAt(t.start))) return null;
    r++;
  }
  if (names?.headFirst === true) institution.reverse(); // "portavoz del Ministerio" -> "... ministry spokesperson"
  return { actor, institution: institution.length > 0 ? institution.join(' ') : null };
}

/** A token's key as actor aliases and institution phrases are keyed. */
function keyOfToken(lex: CompiledLexicon, kind: number, lower: string): string {
  return kind === 0 ? lex.actorKey(lower) : lower;
}

function isCapitalised(c: number): boolean {
  return (c >= 65 && c <= 90) || c > 127;
}
