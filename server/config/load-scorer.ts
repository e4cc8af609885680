// Reads the lexicon data files once and builds the scorer. The only I/O around the pure
// scoring module: scoring/ itself never touches the file system.

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { createScorer, type Scorer } from '../scoring/index.ts';
import { PUNCT, WORD } from '../scoring/tokenize.ts';
import { LANGUAGE_CODES, languageProfile, type LanguageCode } from '../scoring/languages/language-profiles.ts';
import { buildLanguageLexicon, nameLanguageFile, type EnglishLexicon } from '../scoring/languages/language-lexicon.ts';
import { createMultilingualScorer } from '../scoring/languages/multilingual-scorer.ts';
import { createContextFinder, type ContextFinder } from '../scoring/languages/context-spans.ts';
import { stemmerFor } from './language-stemmers.ts';

/** data/lexicon relative to the repository root (this file is server/config/load-scorer.ts). */
export const DEFAULT_LEXICON_DIR = fileURLToPath(new URL('../../data/lexicon/', import.meta.url));

/** The lexicon files and the key each is passed under to createScorer. */
export const LEXICON_FILES = {
  taxonomy: 'taxonomy.json',
  signals: 'signals.json',
  background: 'background.json',
  cues: 'cues.json',
  actors: 'actors.json',
} as const;

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`Cannot read lexicon file ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Error(`Lexicon file ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

export interface LoadScorerOptions {
  /**
   * Build each other language's scorer when it is first needed (a text read in it, or a speaker
   * name English does not know) instead of at once. The score CLI sets it: an English file then
   * skips compiling the other languages' lexicons (~1 s of CPU at start), and the results are
   * the same. A lexicon error in such a language is then thrown at that first use, not here.
   */
  lazyLanguages?: boolean;
}

/**
 * Reads every lexicon file from `lexiconDir` and returns a validated scorer (throws if invalid):
 * English, and every language with a folder `<lexiconDir>/<lang>/` holding a signals.json
 * (contract in data/lexicon/LANGUAGES.md).
 */
export function loadScorer(lexiconDir: string = DEFAULT_LEXICON_DIR, options: LoadScorerOptions = {}): Scorer {
  const lexicon: Record<string, unknown> = {};
  for (const [key, file] of Object.entries(LEXICON_FILES)) {
    lexicon[key] = readJson(path.join(lexiconDir, file));
  }
  const english = createScorer(lexicon);
  const byLanguage = new Map<string, Scorer>();
  const context = new Map<string, ContextFinder>();
  for (const code of languagesWithData(lexiconDir)) {
    const load = (): { scorer: Scorer; finder: ContextFinder } => loadLanguageScorer(lexiconDir, code, lexicon as unknown as EnglishLexicon);
    const { scorer, finder } = options.lazyLanguages === true ? lazyLanguage(load) : load();
    byLanguage.set(code, scorer);
    context.set(code, finder);
  }
  return createMultilingualScorer(english, byLanguage, context);
}

/** A language's scorer and context finder that are built on the first call to either. */
function lazyLanguage(load: () => { scorer: Scorer; finder: ContextFinder }): { scorer: Scorer; finder: ContextFinder } {
  let built: { scorer: Scorer; finder: ContextFinder } | null = null;
  const get = (): { scorer: Scorer; finder: ContextFinder } => (built ??= load());
  return {
    scorer: {
      get version() {
        return get().scorer.version;
      },
      score: (text, options) => get().scorer.score(text, options),
      resolveActor: (name) => get().scorer.resolveActor(name),
    },
    finder: { annotate: (result, text) => get().finder.annotate(result, text) },
  };
}

/** The languages besides English that have data in `lexiconDir` (a folder with signals.json). */
export function languagesWithData(lexiconDir: string = DEFAULT_LEXICON_DIR): LanguageCode[] {
  return LANGUAGE_CODES.filter((code) => existsSync(path.join(lexiconDir, code, 'signals.json')));
}

/** Every language the scorer built from `lexiconDir` reads: 'en' and those with data. */
export function scorerLanguages(lexiconDir: string = DEFAULT_LEXICON_DIR): string[] {
  return ['en', ...languagesWithData(lexiconDir)];
}

/** One language's scorer and context finder, from `<lexiconDir>/<code>/` and the English lexicon files (parsed). */
export function loadLanguageScorer(lexiconDir: string, code: LanguageCode, english: EnglishLexicon): { scorer: Scorer; finder: ContextFinder } {
  const dir = path.join(lexiconDir, code);
  const optional = (file: string): unknown => (existsSync(path.join(dir, file)) ? readJson(path.join(dir, file)) : undefined);
  const folder = `data/lexicon/${code}`;
  const profile = languageProfile(code, stemmerFor(code));
  const keyOf = (phrase: string): string =>
    profile.tokenize(phrase).tokens.filter((t) => t.kind !== PUNCT).map((t) => (t.kind === WORD ? profile.stem(t.lower) : t.lower)).join(' ');
  const lexicon = buildLanguageLexicon(folder, english, {
    signals: readJson(path.join(dir, 'signals.json')),
    cues: optional('cues.json'),
    actors: optional('actors.json'),
    background: optional('background.json'),
    institutions: optional('institutions.json'),
  }, keyOf);
  let scorer: Scorer;
  try {
    scorer = createScorer(lexicon, profile);
  } catch (err) {
    throw nameLanguageFile(folder, err);
  }
  const conditional = (lexicon['cues'] as Record<string, unknown>)['conditional'];
  const finder = createContextFinder({
    profile,
    conditionalCues: Array.isArray(conditional) ? conditional.filter((c): c is string => typeof c === 'string') : [],
    resolveActor: (name) => scorer.resolveActor(name),
    aliasStarts: scorer.aliasStarts,
  });
  return { scorer, finder };
}

/**
 * Gazetteer names (canonical names, aliases, demonyms, affiliates) with their canonical actor,
 * and taxonomy category ids: what alert-rule scopes are suggested from ("did you mean ...").
 * Matching itself goes through the scorer's resolveActor; this only lists names. Read
 * leniently: an entry of a shape it does not know is skipped, never fatal.
 */
export function loadScopeNames(lexiconDir: string = DEFAULT_LEXICON_DIR): {
  actorNames: Array<{ name: string; actor: string }>;
  categories: string[];
} {
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const records = (v: unknown): Array<Record<string, unknown>> =>
    Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : [];
  const actors = readJson(path.join(lexiconDir, LEXICON_FILES.actors)) as Record<string, unknown>;
  const actorNames: Array<{ name: string; actor: string }> = [];
  for (const a of records(actors?.['actors'])) {
    if (typeof a['name'] !== 'string') continue;
    for (const n of [a['name'], ...strings(a['aliases']), ...strings(a['demonyms'])]) actorNames.push({ name: n, actor: a['name'] });
  }
  for (const a of records(actors?.['affiliates'])) {
    if (typeof a['actor'] !== 'string') continue;
    for (const n of [...strings([a['name']]), ...strings(a['aliases'])]) actorNames.push({ name: n, actor: a['actor'] });
  }
  const taxonomy = readJson(path.join(lexiconDir, LEXICON_FILES.taxonomy)) as Record<string, unknown>;
  const categories = records(taxonomy?.['categories'])
    .map((c) => c['id'])
    .filter((id): id is string => typeof id === 'string');
  return { actorNames, categories };
}
