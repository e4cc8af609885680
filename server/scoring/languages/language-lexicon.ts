// Builds the lexicon of one language from its data folder (data/lexicon/<lang>/, contract in
// data/lexicon/LANGUAGES.md) and the English lexicon: the taxonomy, modality rules and
// calibration are shared (one scale for every language), the phrases, cues and actor names are
// the language's own. Validation names the file and the entry: `data/lexicon/ru/signals.json:
// "threat-of-force"[3]: phrase must be a non-empty string`.

type Obj = Record<string, unknown>;

/** The English lexicon files, parsed (server/config/load-scorer.ts LEXICON_FILES). */
export interface EnglishLexicon {
  taxonomy: unknown;
  signals: unknown;
  background: unknown;
  cues: unknown;
  actors: unknown;
}

/** The files of one language folder, parsed; undefined when the file is absent (signals is required). */
export interface LanguageFiles {
  signals: unknown;
  cues?: unknown;
  actors?: unknown;
  background?: unknown;
  /** institutions.json: validated when the lexicon is compiled (server/scoring/institutions.ts). */
  institutions?: unknown;
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nonEmpty(v: unknown): v is string {
  return typeof v === 'string' && v.trim() !== '';
}

/** An Error naming the file (`<folder>/<file>`) and the entry. */
function fail(file: string, entry: string, message: string): never {
  throw new Error(`Invalid language lexicon: ${file}: ${entry}${entry === '' ? '' : ': '}${message}`);
}

function categoryKinds(taxonomy: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const cats = isObj(taxonomy) && Array.isArray(taxonomy['categories']) ? taxonomy['categories'] : [];
  for (const c of cats) if (isObj(c) && typeof c['id'] === 'string') out.set(c['id'], String(c['kind']));
  return out;
}

/** A phrase's stemmed words joined by spaces: what the compiler matches by. */
export type PhraseKey = (phrase: string) => string;

/**
 * Inflected forms of one word in one category ("атака", "атаки") stem alike: the first is kept
 * (with the largest weight listed), the others dropped. The compiler still rejects the same
 * stems in two categories.
 */
function dedupe(list: unknown[], keyOf: PhraseKey): unknown[] {
  const seen = new Map<string, number>();
  const out: unknown[] = [];
  for (const item of list) {
    const phrase = typeof item === 'string' ? item : String((item as Obj)['phrase']);
    const key = keyOf(phrase);
    const at = seen.get(key);
    if (at === undefined) {
      seen.set(key, out.length);
      out.push(item);
      continue;
    }
    const weight = (x: unknown): number => (typeof x === 'string' ? -1 : Number((x as Obj)['weight']));
    if (weight(item) > weight(out[at])) out[at] = item;
  }
  return out;
}

function checkSignals(file: string, signals: unknown, kinds: Map<string, string>, keyOf: PhraseKey): Obj {
  if (!isObj(signals)) fail(file, '', 'must be an object of category -> phrases');
  for (const [cat, list] of Object.entries(signals)) {
    if (cat.startsWith('_')) continue; // comments
    const kind = kinds.get(cat);
    if (kind === undefined) fail(file, `"${cat}"`, 'unknown category (not in data/lexicon/taxonomy.json)');
    if (kind === 'vocabulary') fail(file, `"${cat}"`, 'background vocabulary: list it in background.json');
    if (!Array.isArray(list)) fail(file, `"${cat}"`, 'must be an array');
    list.forEach((item, i) => {
      if (typeof item === 'string') {
        if (!nonEmpty(item)) fail(file, `"${cat}"[${i}]`, 'phrase must be a non-empty string');
      } else if (isObj(item)) {
        if (!nonEmpty(item['phrase'])) fail(file, `"${cat}"[${i}].phrase`, 'phrase must be a non-empty string');
        const w = item['weight'];
        if (typeof w !== 'number' || !Number.isFinite(w) || w < 0 || w > 10) fail(file, `"${cat}"[${i}].weight`, 'must be a number between 0 and 10');
      } else fail(file, `"${cat}"[${i}]`, 'must be a phrase or {"phrase", "weight"}');
    });
  }
  return Object.fromEntries(
    Object.entries(signals)
      .filter(([k]) => !k.startsWith('_'))
      .map(([k, list]) => [k, dedupe(list as unknown[], keyOf)]),
  );
}

/**
 * Background vocabulary: a phrase whose stems are already a signal phrase, or already listed
 * (another inflection, or the other vocabulary), is dropped: the signal or the first listing wins.
 */
function checkBackground(file: string, background: unknown, kinds: Map<string, string>, keyOf: PhraseKey, taken: Set<string>): Obj {
  const out: Obj = { 'conflict-vocabulary': {}, 'cooperation-vocabulary': {} };
  if (background === undefined) return out;
  if (!isObj(background)) fail(file, '', 'must be an object of category -> {phrase: weight}');
  for (const [cat, table] of Object.entries(background)) {
    if (cat.startsWith('_')) continue;
    if (kinds.get(cat) !== 'vocabulary') fail(file, `"${cat}"`, 'not a background vocabulary category of data/lexicon/taxonomy.json');
    if (!isObj(table)) fail(file, `"${cat}"`, 'must be an object of phrase -> weight');
    for (const [phrase, w] of Object.entries(table)) {
      if (!nonEmpty(phrase)) fail(file, `"${cat}"`, 'empty phrase');
      if (typeof w !== 'number' || !Number.isFinite(w) || w < 0 || w > 5) fail(file, `"${cat}"["${phrase}"]`, 'must be a number between 0 and 5');
    }
    const kept: Obj = {};
    for (const [phrase, w] of Object.entries(table)) {
      const key = keyOf(phrase);
      if (taken.has(key)) continue;
      taken.add(key);
      kept[phrase] = w;
    }
    out[cat] = kept;
  }
  return out;
}

/**
 * Cue lists a language may have that English does not: `reportingLead`, the first word of a
 * reporting clause before its speech verb ("Как заявил МИД Китая", "Comme l'a déclaré ...").
 */
const LANGUAGE_ONLY_CUES: Obj = { reportingLead: [] };

/** The cues: every key of the English cues.json, the language's value or an empty one of its kind. */
function mergeCues(file: string, cues: unknown, english: Obj): Obj {
  if (cues !== undefined && !isObj(cues)) fail(file, '', 'must be an object of cue list -> phrases');
  const own = (cues ?? {}) as Obj;
  for (const [key, value] of Object.entries(own)) {
    if (key.startsWith('_')) continue;
    const en = english[key] ?? LANGUAGE_ONLY_CUES[key];
    if (en === undefined) fail(file, `"${key}"`, `unknown cue list (known: ${Object.keys(english).filter((k) => !k.startsWith('_')).join(', ')})`);
    if (Array.isArray(en) !== Array.isArray(value) || !(Array.isArray(value) || isObj(value))) {
      fail(file, `"${key}"`, Array.isArray(en) ? 'must be an array of phrases' : 'must be an object like the English one');
    }
    if (Array.isArray(value)) value.forEach((p, i) => nonEmpty(p) || fail(file, `"${key}"[${i}]`, 'phrase must be a non-empty string'));
    else for (const phrase of Object.keys(value as Obj)) if (!nonEmpty(phrase)) fail(file, `"${key}"`, 'empty phrase');
  }
  const out: Obj = {};
  for (const [key, en] of Object.entries({ ...LANGUAGE_ONLY_CUES, ...english })) {
    if (key.startsWith('_')) continue;
    out[key] = own[key] ?? (Array.isArray(en) ? [] : {});
  }
  return out;
}

/**
 * The gazetteer: every English canonical actor, named by the language's aliases, plus the
 * English acronyms (NATO, UN, EU, US: often left in Latin letters in other scripts).
 */
function mergeActors(file: string, actors: unknown, english: Obj): Obj {
  const list = Array.isArray(english['actors']) ? english['actors'].filter(isObj) : [];
  const canonical = new Map(list.map((a) => [String(a['name']), a]));
  const own = actors === undefined ? {} : isObj(actors) && isObj(actors['aliases']) ? actors['aliases'] : fail(file, '', 'must be {"aliases": {"Canonical": ["name", ...]}}');
  for (const [name, aliases] of Object.entries(own)) {
    if (name.startsWith('_')) continue;
    if (!canonical.has(name)) fail(file, `aliases["${name}"]`, 'unknown canonical actor (not a name in data/lexicon/actors.json)');
    if (!Array.isArray(aliases)) fail(file, `aliases["${name}"]`, 'must be an array of names');
    aliases.forEach((a, i) => nonEmpty(a) || fail(file, `aliases["${name}"][${i}]`, 'name must be a non-empty string'));
  }
  const acronym = (s: unknown): s is string => typeof s === 'string' && s.length <= 6 && s === s.toUpperCase() && s !== s.toLowerCase();
  return {
    actors: list.map((a) => {
      const name = String(a['name']);
      const english = [...(Array.isArray(a['aliases']) ? a['aliases'] : [])].filter(acronym);
      const mine = (own[name] as string[] | undefined) ?? [];
      return { name, type: a['type'], aliases: [...new Set([...mine, ...english])] };
    }),
    affiliates: [],
  };
}

/** The lexicon object createScorer takes, for the language whose folder is `folder` (for messages). */
export function buildLanguageLexicon(folder: string, english: EnglishLexicon, files: LanguageFiles, keyOf: PhraseKey): Obj {
  const kinds = categoryKinds(english.taxonomy);
  const taxonomy = isObj(english.taxonomy) ? english.taxonomy : {};
  const signals = checkSignals(`${folder}/signals.json`, files.signals, kinds, keyOf);
  const taken = new Set<string>();
  for (const list of Object.values(signals)) for (const item of list as unknown[]) taken.add(keyOf(typeof item === 'string' ? item : String((item as Obj)['phrase'])));
  return {
    taxonomy,
    signals,
    background: checkBackground(`${folder}/background.json`, files.background, kinds, keyOf, taken),
    cues: mergeCues(`${folder}/cues.json`, files.cues, isObj(english.cues) ? english.cues : {}),
    actors: mergeActors(`${folder}/actors.json`, files.actors, isObj(english.actors) ? english.actors : {}),
    institutions: files.institutions,
  };
}

/**
 * Rewrites an error of the lexicon compiler (`Invalid lexicon: lexicon.signals[...]`) so that it
 * names the language's file: duplicates after stemming, phrases without words, clashing aliases.
 */
export function nameLanguageFile(folder: string, err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  const m = /^Invalid lexicon: lexicon\.(signals|background|cues|actors|institutions)(.*)$/s.exec(message);
  if (m === null) return new Error(`Invalid language lexicon: ${folder}: ${message}`);
  return new Error(`Invalid language lexicon: ${folder}/${m[1]}.json${m[2]}`);
}
