// Validation and compilation of the actor gazetteer (`actors.json`): canonical actors, their
// aliases, demonyms (with plurals) and affiliates, into a trie keyed by lower-case word ids.

import { insertPhrase, createTrie, type TrieNode } from './phrase-trie.ts';
import type { ActorEntry, LanguageProfile } from './lexicon-types.ts';
import { tokenize } from './tokenize.ts';

/** How aliases are split and keyed: English by default (lower-cased words). */
type ActorReading = Pick<LanguageProfile, 'tokenize' | 'actorKey'>;
const ENGLISH_READING: ActorReading = { tokenize, actorKey: (lower) => lower };

type Obj = Record<string, unknown>;
type IdOf = (key: string) => number;

function fail(path: string, message: string): never {
  throw new Error(`Invalid lexicon: ${path}: ${message}`);
}

function obj(v: unknown, path: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'must be an object');
  return v as Obj;
}

function arr(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) fail(path, 'must be an array');
  return v;
}

function str(v: unknown, path: string): string {
  if (typeof v !== 'string' || v.trim() === '') fail(path, 'must be a non-empty string');
  return v;
}

function actorKeys(alias: string, reading: ActorReading): string[] {
  const { tokens } = reading.tokenize(alias);
  return tokens.filter((t) => t.kind !== 2).map((t) => (t.lower === '' || t.kind !== 0 ? t.lower : reading.actorKey(t.lower)));
}

function isAcronym(alias: string): boolean {
  return alias.length <= 6 && alias === alias.toUpperCase() && alias !== alias.toLowerCase();
}

/** Plural of a demonym when English forms it with -s (Iraqis, Russians, Cypriots, Argentines). */
function pluralOf(demonym: string): string | null {
  const l = demonym.toLowerCase();
  const takesS = l.endsWith('i') || l.endsWith('an') || l.endsWith('ot') || l.endsWith('ine') || l.endsWith('er');
  return takesS ? demonym + 's' : null;
}

export function compileActors(lex: Obj, idOf: IdOf, reading: ActorReading = ENGLISH_READING): { trie: TrieNode<ActorEntry[]>; names: Map<string, string> } {
  const trie = createTrie<ActorEntry[]>();
  const names = new Map<string, string>();
  const a = obj(lex['actors'], 'lexicon.actors');
  const owners = new Map<string, string>();
  // lenient: an English canonical name read by another language's stemmer ("Niger" and
  // "Nigeria" both stem to "nig" in Spanish) is skipped when a name already owns its key
  const addAlias = (alias: string, actor: string, path: string, lenient = false): void => {
    const keys = actorKeys(alias, reading);
    if (keys.length === 0 || keys.some((k) => k === '')) fail(path, `alias "${alias}" has no usable words`);
    const caseSensitive = isAcronym(alias) ? alias : null;
    const ownerKey = (caseSensitive ?? '') + '|' + keys.join(' ');
    const owner = owners.get(ownerKey);
    if (owner !== undefined && owner !== actor && lenient) return;
    if (owner !== undefined && owner !== actor) fail(path, `alias "${alias}" already belongs to "${owner}"`);
    if (owner === actor) return;
    owners.set(ownerKey, actor);
    const entry: ActorEntry = { actor, caseSensitive };
    const list: ActorEntry[] = [entry];
    const previous = insertPhrase(trie, keys.map(idOf), list);
    if (previous !== null) previous.push(entry);
    if (!names.has(alias.toLowerCase())) names.set(alias.toLowerCase(), actor);
  };
  const canonical = new Set<string>();
  const deferredNames: Array<[string, string]> = []; // English names in another language: added last
  const code = (reading as { code?: unknown }).code;
  const foreign = typeof code === 'string' && code !== 'en';
  arr(a['actors'], 'lexicon.actors.actors').forEach((raw, i) => {
    const path = `lexicon.actors.actors[${i}]`;
    const o = obj(raw, path);
    const name = str(o['name'], `${path}.name`);
    if (canonical.has(name)) fail(`${path}.name`, `duplicate actor "${name}"`);
    canonical.add(name);
    const type = str(o['type'], `${path}.type`);
    if (!['state', 'organisation', 'alliance', 'group', 'territory'].includes(type)) {
      fail(`${path}.type`, 'must be one of state, organisation, alliance, group, territory');
    }
    if (!foreign) addAlias(name, name, `${path}.name`);
    else deferredNames.push([name, `${path}.name`]);
    arr(o['aliases'] ?? [], `${path}.aliases`).forEach((al, j) => addAlias(str(al, `${path}.aliases[${j}]`), name, `${path}.aliases[${j}]`));
    arr(o['demonyms'] ?? [], `${path}.demonyms`).forEach((d, j) => {
      const dem = str(d, `${path}.demonyms[${j}]`);
      addAlias(dem, name, `${path}.demonyms[${j}]`);
      const plural = pluralOf(dem);
      if (plural !== null) addAlias(plural, name, `${path}.demonyms[${j}] (plural)`);
    });
  });
  arr(a['affiliates'], 'lexicon.actors.affiliates').forEach((raw, i) => {
    const path = `lexicon.actors.affiliates[${i}]`;
    const o = obj(raw, path);
    const name = str(o['name'], `${path}.name`);
    const actor = str(o['actor'], `${path}.actor`);
    if (!canonical.has(actor)) fail(`${path}.actor`, `unknown actor "${actor}" (not in lexicon.actors.actors)`);
    str(o['role'], `${path}.role`);
    addAlias(name, actor, `${path}.name`);
    arr(o['aliases'] ?? [], `${path}.aliases`).forEach((al, j) => addAlias(str(al, `${path}.aliases[${j}]`), actor, `${path}.aliases[${j}]`));
  });
  for (const [name, path] of deferredNames) addAlias(name, name, path, true);
  return { trie, names };
}

