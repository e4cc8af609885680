// Institution names of a language (`data/lexicon/<lang>/institutions.json`): the phrases that
// say which body of a state speaks ("Ministerio de Asuntos Exteriores", "Генштаб", "外交部"),
// each mapped to one English label ("foreign ministry", "general staff"), so that
// "Ministerio de Exteriores de Rusia" is Russia with institution "foreign ministry", as
// "Russian Foreign Ministry" is in English. Phrases are keyed like actor aliases (stems), so
// "Министерства обороны" finds "Министерство обороны".

import type { LanguageProfile } from './lexicon-types.ts';

type Reading = Pick<LanguageProfile, 'tokenize' | 'actorKey'>;
type Obj = Record<string, unknown>;

export interface InstitutionNames {
  /** Stem keys of a phrase joined by one space -> its English label. */
  phrases: Map<string, string>;
  /** Most words in one phrase (the longest match is tried first). */
  maxWords: number;
  /** Stems of the words that join an institution and its state ("de", "des", "del", "的"). */
  connectors: Set<string>;
  /**
   * The head comes first in this language ("portavoz del Ministerio": spokesperson of the
   * ministry): labels are then listed last-first, in English order ("foreign ministry spokesperson").
   */
  headFirst: boolean;
  /**
   * '' for a language written without spaces (Chinese): a phrase matches the words of the text
   * whose characters make it, however the segmenter split them ("国防部" is 国防|部 before 发言人
   * and one word before 说); ' ' otherwise.
   */
  joiner: string;
  /**
   * Every prefix (in characters, '' included) of every phrase key: a reading that is not one
   * stops there, since no longer reading can then be a phrase (most words fail at once).
   */
  prefixes: Set<string>;
}

function fail(path: string, message: string): never {
  throw new Error(`Invalid lexicon: lexicon.institutions${path}: ${message}`);
}

/** The key words of a phrase, as actor aliases are keyed (punctuation left out). */
export function nameKeys(reading: Reading, phrase: string): string[] {
  return reading.tokenize(phrase).tokens.filter((t) => t.kind !== 2).map((t) => (t.kind !== 0 ? t.lower : reading.actorKey(t.lower)));
}

/** Validates and compiles `institutions.json`; null when the language has none. */
export function compileInstitutions(raw: unknown, reading: Reading): InstitutionNames | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) fail('', 'must be {"headFirst", "connectors", "institutions"}');
  const o = raw as Obj;
  const headFirst = o['headFirst'] ?? false;
  if (typeof headFirst !== 'boolean') fail('.headFirst', 'must be true or false');
  const unspaced = o['wordsWithoutSpaces'] ?? false;
  if (typeof unspaced !== 'boolean') fail('.wordsWithoutSpaces', 'must be true or false');
  const joiner = unspaced ? '' : ' ';
  const connectors = new Set<string>();
  const conn = o['connectors'] ?? [];
  if (!Array.isArray(conn)) fail('.connectors', 'must be an array of words');
  conn.forEach((w, i) => {
    if (typeof w !== 'string' || w.trim() === '' || /\s/.test(w.trim())) fail(`.connectors[${i}]`, 'must be one word');
    for (const k of nameKeys(reading, w)) connectors.add(k);
  });
  const table = o['institutions'];
  if (typeof table !== 'object' || table === null || Array.isArray(table)) fail('.institutions', 'must be an object of English label -> phrases');
  const phrases = new Map<string, string>();
  const prefixes = new Set<string>(['']);
  let maxWords = 0;
  for (const [label, list] of Object.entries(table as Obj)) {
    if (label.startsWith('_')) continue;
    if (label.trim() === '' || label !== label.toLowerCase()) fail(`.institutions["${label}"]`, 'label must be non-empty and lower-case');
    if (!Array.isArray(list) || list.length === 0) fail(`.institutions["${label}"]`, 'must be a non-empty array of phrases');
    list.forEach((p, i) => {
      const path = `.institutions["${label}"][${i}]`;
      if (typeof p !== 'string' || p.trim() === '') fail(path, 'phrase must be a non-empty string');
      const keys = nameKeys(reading, p);
      if (keys.length === 0 || keys.some((k) => k === '')) fail(path, `phrase "${p}" has no usable words`);
      if (keys.every((k) => connectors.has(k))) fail(path, `phrase "${p}" is only connectors`);
      const key = keys.join(joiner);
      const owner = phrases.get(key);
      if (owner !== undefined && owner !== label) fail(path, `phrase "${p}" already means "${owner}"`);
      phrases.set(key, label);
      for (let c = 1; c <= key.length; c++) prefixes.add(key.slice(0, c));
      maxWords = Math.max(maxWords, unspaced ? key.length : keys.length);
    });
  }
  return { phrases, maxWords, connectors, headFirst, joiner, prefixes };
}

/**
 * The longest institution phrase starting at `from` among `keys`: its label and end, or null.
 * Read word by word while the words read are the start of a phrase (`prefixes`): the same
 * answer as trying every length from the longest down, without joining each.
 */
export function matchInstitution(names: InstitutionNames, keys: readonly string[], from: number, to = keys.length): { label: string; end: number } | null {
  const last = Math.min(names.maxWords, to - from);
  let read = '';
  let found: { label: string; end: number } | null = null;
  for (let len = 1; len <= last; len++) {
    read = len === 1 ? keys[from]! : read + names.joiner + keys[from + len - 1]!;
    if (!names.prefixes.has(read)) break;
    const label = names.phrases.get(read);
    if (label !== undefined) found = { label, end: from + len };
  }
  return found;
}

/** Tokens read before an actor's mention for the institution around it ("el Ministerio de Asuntos Exteriores de [Rusia]"). */
const LEFT_REACH = 8;

/**
 * The institution around an actor's mention in a text, read like a name with the actor taken
 * out: `keys` holds every token's key ('\u0000' for punctuation), the mention is [start, end),
 * and the words from `start - 8` (not across punctuation) to `right` are read. The reading must
 * reach the mention without a gap: from the leftmost word where phrases, connectors and
 * `skip` words (determiners, "'s") lead up to it; then on to the right while it can. Labels in
 * English order, joined; null when none.
 */
export function institutionAround(names: InstitutionNames, keys: readonly string[], start: number, end: number, right: number, skip: (token: number) => boolean): string | null {
  let left = start;
  while (left > 0 && start - left < LEFT_REACH && keys[left - 1] !== '\u0000') left--;
  const seq: number[] = [];
  for (let k = left; k < start; k++) seq.push(k);
  const before = seq.length;
  for (let k = end; k < right && keys[k] !== '\u0000'; k++) seq.push(k);
  const seqKeys = seq.map((k) => keys[k]!);
  for (let from = 0; from <= before; from++) {
    const labels: string[] = [];
    const got = readFrom(names, seq, seqKeys, skip, from, labels);
    // from the left, the reading must reach the mention (or start right after it)
    if (from < before && got < before) continue;
    if (labels.length === 0) {
      if (from < before) continue;
      return null;
    }
    if (names.headFirst) labels.reverse();
    return labels.join(' ');
  }
  return null;
}

/** Reads phrases, connectors and `skip` words of `seq` from `from` into `labels`; returns where it stopped. */
function readFrom(names: InstitutionNames, seq: readonly number[], seqKeys: readonly string[], skip: (token: number) => boolean, from: number, labels: string[]): number {
  let r = from;
  while (r < seq.length) {
    const m = matchInstitution(names, seqKeys, r);
    if (m !== null) {
      labels.push(m.label);
      r = m.end;
    } else if (names.connectors.has(seqKeys[r]!)) r++;
    else if (skip(seq[r]!)) r++;
    else break;
  }
  return r;
}
