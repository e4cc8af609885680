// Compilation of the lexicon's phrase tables into token-keyed tries: signal phrases and
// background vocabulary (with their `needsViolentContext` and `otherSense` cues), the cue
// lists (negation, hedges, speech, ...) and the stem exceptions.

import { createTrie, insertPhrase, type TrieNode } from './phrase-trie.ts';
import {
  type Category, type PhraseEntry, CUE_NEGATION, CUE_DENIAL, CUE_CONDITIONAL,
  CUE_HEDGE, CUE_HISTORICAL, CUE_INTENSIFIER, CUE_CLAUSE_BREAK, CUE_SPEECH, CUE_DIRECTED, CUE_SPEAKER_SKIP,
  CUE_TARGET_PREP, CUE_DETERMINER, CUE_IRREALIS, CUE_AFTERMATH, CUE_TOPIC, CUE_NEGATION_AFTER,
  CUE_NEGATION_SCOPE_BREAK, CUE_CONDITIONAL_WHEN_FIRST, CUE_PEACEFUL_DEATH, CUE_ARMED, CUE_QUANTIFIER, CUE_AIM, CUE_GENERIC,
  CUE_CONSEQUENCE, CUE_WARN, CUE_REVERSAL, CUE_TOPIC_HEAD, CUE_COOP_PRESENCE, CUE_MOVEMENT, CUE_CONTRAST, CUE_CONCESSIVE, type CueEntry,
} from './lexicon-types.ts';
import { type Obj, fail, obj, arr, str, num } from './lexicon-validate.ts';

const CUE_LISTS: ReadonlyArray<[string, number]> = [
  ['negation', CUE_NEGATION],
  ['denial', CUE_DENIAL],
  ['conditional', CUE_CONDITIONAL],
  ['hedge', CUE_HEDGE],
  ['historical', CUE_HISTORICAL],
  ['clauseBreak', CUE_CLAUSE_BREAK],
  ['speech', CUE_SPEECH],
  ['directedSpeech', CUE_DIRECTED | CUE_SPEECH],
  ['speakerSkip', CUE_SPEAKER_SKIP],
  ['targetPreposition', CUE_TARGET_PREP],
  ['determiner', CUE_DETERMINER],
  ['irrealis', CUE_IRREALIS],
  ['aftermath', CUE_AFTERMATH],
  ['topic', CUE_TOPIC],
  ['negationAfter', CUE_NEGATION_AFTER],
  ['negationScopeBreak', CUE_NEGATION_SCOPE_BREAK],
  ['conditionalWhenFirst', CUE_CONDITIONAL_WHEN_FIRST],
  ['armedActor', CUE_ARMED],
  ['quantifier', CUE_QUANTIFIER],
  ['aimPreposition', CUE_AIM],
  ['genericDeterminer', CUE_GENERIC],
  ['consequence', CUE_CONSEQUENCE],
  ['warning', CUE_WARN],
  ['reversal', CUE_REVERSAL],
  ['topicHead', CUE_TOPIC_HEAD],
  ['cooperativePresence', CUE_COOP_PRESENCE],
  ['movement', CUE_MOVEMENT],
  ['contrast', CUE_CONTRAST],
  ['concessive', CUE_CONCESSIVE],
];

export type IdOf = (key: string) => number;
/** Stemmed keys of a phrase, split by the language's tokenizer (phraseKeys with it bound). */
export type KeysOf = (phrase: string, path: string, stemOf: (w: string) => string) => string[];

function addSignal(
  keysOf: KeysOf,
  idOf: IdOf,
  stemOf: (w: string) => string,
  root: TrieNode<PhraseEntry>,
  owners: Map<string, string>,
  contextual: Map<string, number>,
  otherSense: Map<string, string[]>,
  phrase: string,
  entry: PhraseEntry,
  path: string,
): void {
  const keys = keysOf(phrase, path, stemOf);
  const joined = keys.join(' ');
  const bare = contextual.get(joined);
  if (bare !== undefined) {
    entry.bareFactor = bare;
    contextual.delete(joined);
  }
  const senses = otherSense.get(joined);
  if (senses !== undefined) {
    entry.otherSense = new Set(senses.map(idOf));
    otherSense.delete(joined);
  }
  const previous = owners.get(joined);
  if (previous !== undefined) fail(path, `phrase "${phrase}" duplicates ${previous} (same words after stemming)`);
  owners.set(joined, `${path} ("${phrase}")`);
  insertPhrase(root, keys.map(idOf), entry);
}

/** `cues.needsViolentContext`: stemmed phrase -> factor kept without any stated cause. */
function compileContextual(lex: Obj, stemOf: (w: string) => string, keysOf: KeysOf): Map<string, number> {
  const table = obj(obj(lex['cues'], 'lexicon.cues')['needsViolentContext'], 'lexicon.cues.needsViolentContext');
  const out = new Map<string, number>();
  for (const [phrase, factor] of Object.entries(table)) {
    const path = `lexicon.cues.needsViolentContext["${phrase}"]`;
    out.set(keysOf(phrase, path, stemOf).join(' '), num(factor, path, 0, 1));
  }
  return out;
}

/** `cues.otherSense`: stemmed phrase -> stems of single words that give it a non-conflict sense. */
function compileOtherSense(lex: Obj, stemOf: (w: string) => string, keysOf: KeysOf): Map<string, string[]> {
  const table = obj(obj(lex['cues'], 'lexicon.cues')['otherSense'], 'lexicon.cues.otherSense');
  const out = new Map<string, string[]>();
  for (const [phrase, words] of Object.entries(table)) {
    const path = `lexicon.cues.otherSense["${phrase}"]`;
    const stems = arr(words, path).map((w, i) => {
      const keys = keysOf(str(w, `${path}[${i}]`), `${path}[${i}]`, stemOf);
      if (keys.length !== 1) fail(`${path}[${i}]`, `"${String(w)}" must be one word`);
      return keys[0]!;
    });
    out.set(keysOf(phrase, path, stemOf).join(' '), stems);
  }
  return out;
}

export function compileSignals(lex: Obj, categories: Map<string, Category>, stemOf: (w: string) => string, idOf: IdOf, keysOf: KeysOf): TrieNode<PhraseEntry> {
  const root = createTrie<PhraseEntry>();
  const owners = new Map<string, string>();
  const contextual = compileContextual(lex, stemOf, keysOf);
  const otherSense = compileOtherSense(lex, stemOf, keysOf);
  const signals = obj(lex['signals'], 'lexicon.signals');
  for (const [catId, list] of Object.entries(signals)) {
    const base = `lexicon.signals["${catId}"]`;
    const category = categories.get(catId);
    if (category === undefined) fail(base, `unknown category "${catId}" (not in taxonomy.categories)`);
    if (category.kind === 'vocabulary') fail(base, `category "${catId}" is background vocabulary: list it in lexicon.background`);
    arr(list, base).forEach((item, i) => {
      const path = `${base}[${i}]`;
      if (typeof item === 'string') {
        addSignal(keysOf, idOf, stemOf, root, owners, contextual, otherSense, str(item, path), { category, weight: category.weight, bareFactor: 0, otherSense: null }, path);
      } else {
        const o = obj(item, path);
        const phrase = str(o['phrase'], `${path}.phrase`);
        addSignal(keysOf, idOf, stemOf, root, owners, contextual, otherSense, phrase, { category, weight: num(o['weight'], `${path}.weight`, 0, 10), bareFactor: 0, otherSense: null }, path);
      }
    });
  }
  const background = obj(lex['background'], 'lexicon.background');
  for (const [catId, table] of Object.entries(background)) {
    const base = `lexicon.background["${catId}"]`;
    const category = categories.get(catId);
    if (category === undefined) fail(base, `unknown category "${catId}" (not in taxonomy.categories)`);
    if (category.kind !== 'vocabulary') fail(base, `category "${catId}" must have kind "vocabulary"`);
    for (const [phrase, weight] of Object.entries(obj(table, base))) {
      const path = `${base}["${phrase}"]`;
      // background weights are relative: the category weight scales the whole vocabulary
      addSignal(keysOf, idOf, stemOf, root, owners, contextual, otherSense, phrase, { category, weight: num(weight, path, 0, 5) * category.weight, bareFactor: 0, otherSense: null }, path);
    }
  }
  for (const key of contextual.keys()) fail('lexicon.cues.needsViolentContext', `"${key}" (stemmed) is not a signal or background phrase`);
  for (const key of otherSense.keys()) fail('lexicon.cues.otherSense', `"${key}" (stemmed) is not a signal or background phrase`);
  return root;
}

export function compileCues(lex: Obj, stemOf: (w: string) => string, idOf: IdOf, keysOf: KeysOf): TrieNode<CueEntry> {
  const root = createTrie<CueEntry>();
  const cues = obj(lex['cues'], 'lexicon.cues');
  const add = (phrase: string, flags: number, factor: number, path: string, deathFactor = 1): void => {
    const keys = keysOf(phrase, path, stemOf);
    const entry: CueEntry = { flags, factor, length: keys.length, deathFactor };
    const previous = insertPhrase(root, keys.map(idOf), entry);
    if (previous !== null) {
      // The same words may be several kinds of cue (e.g. "warned" is speech and directed).
      previous.flags |= flags;
      previous.factor = Math.max(previous.factor, factor);
      previous.deathFactor = Math.min(previous.deathFactor, deathFactor);
    }
  };
  for (const [name, flag] of CUE_LISTS) {
    arr(cues[name], `lexicon.cues.${name}`).forEach((p, i) => add(str(p, `lexicon.cues.${name}[${i}]`), flag, 1, `lexicon.cues.${name}[${i}]`));
  }
  for (const [phrase, factor] of Object.entries(obj(cues['intensifier'], 'lexicon.cues.intensifier'))) {
    const path = `lexicon.cues.intensifier["${phrase}"]`;
    add(phrase, CUE_INTENSIFIER, num(factor, path, 1, 3), path);
  }
  for (const [phrase, factor] of Object.entries(obj(cues['peacefulDeath'], 'lexicon.cues.peacefulDeath'))) {
    const path = `lexicon.cues.peacefulDeath["${phrase}"]`;
    add(phrase, CUE_PEACEFUL_DEATH, 1, path, num(factor, path, 0, 1));
  }
  return root;
}

export function compileStemExceptions(lex: Obj): Map<string, string> {
  const table = obj(obj(lex['cues'], 'lexicon.cues')['stemExceptions'], 'lexicon.cues.stemExceptions');
  const out = new Map<string, string>();
  for (const [word, stemmed] of Object.entries(table)) {
    const path = `lexicon.cues.stemExceptions["${word}"]`;
    if (word !== word.toLowerCase() || word.trim() === '') fail(path, 'must be a lower-case word');
    out.set(word, str(stemmed, path));
  }
  return out;
}
