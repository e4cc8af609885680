// Validates the lexicon data (taxonomy, signal phrases, background vocabulary, cues, actors)
// and compiles it into token-keyed tries. Every error names the offending entry, e.g.
// `lexicon.signals["threat-of-force"][3]: phrase must be a non-empty string`.

import { compileInstitutions } from './institutions.ts';
import { createTrie, insertPhrase, type TrieNode } from './phrase-trie.ts';
import { stem } from './stem.ts';
import {
  type ModalityClass, MODALITY_CLASSES, RULED_MODALITIES, type RuledModality, type Category,
  type PhraseEntry, type ModalityRule, type Calibration, CUE_NEGATION, CUE_DENIAL, CUE_CONDITIONAL,
  CUE_HEDGE, CUE_HISTORICAL, CUE_INTENSIFIER, CUE_CLAUSE_BREAK, CUE_SPEECH, CUE_DIRECTED, CUE_SPEAKER_SKIP,
  CUE_TARGET_PREP, CUE_DETERMINER, CUE_IRREALIS, CUE_AFTERMATH, CUE_TOPIC, CUE_NEGATION_AFTER,
  CUE_NEGATION_SCOPE_BREAK, CUE_CONDITIONAL_WHEN_FIRST, CUE_PEACEFUL_DEATH, CUE_ARMED, CUE_QUANTIFIER, CUE_AIM, CUE_GENERIC,
  CUE_CONSEQUENCE, CUE_WARN, CUE_REVERSAL, CUE_TOPIC_HEAD, CUE_COOP_PRESENCE, CUE_MOVEMENT, CUE_CONTRAST, type CueEntry,
  type ActorEntry, type CompiledLexicon, type LanguageProfile,
} from './lexicon-types.ts';
import { tokenize, WORD, NUMBER } from './tokenize.ts';
import { compileActors } from './lexicon-actors.ts';
import { compileThreatVerbs, compileWordSet } from './threat-object.ts';
import { compileLabelCues } from './label-only.ts';

// Types and cue flags live in lexicon-types.ts; re-exported so importers keep one module.
export * from './lexicon-types.ts';

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
];

type Obj = Record<string, unknown>;

function fail(path: string, message: string): never {
  throw new Error(`Invalid lexicon: ${path}: ${message}`);
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function obj(v: unknown, path: string): Obj {
  if (!isObj(v)) fail(path, 'must be an object');
  return v;
}

function arr(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) fail(path, 'must be an array');
  return v;
}

function str(v: unknown, path: string): string {
  if (typeof v !== 'string' || v.trim() === '') fail(path, 'must be a non-empty string');
  return v;
}

function bool(v: unknown, path: string): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') fail(path, 'must be a boolean');
  return v;
}

function num(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) fail(path, `must be a number between ${min} and ${max}`);
  return v;
}

/** Lookup keys of a phrase: stems of its word tokens. */
export function phraseKeys(phrase: string, path: string, stemOf: (w: string) => string = stem, split: LanguageProfile['tokenize'] = tokenize): string[] {
  const { tokens } = split(phrase);
  const keys: string[] = [];
  for (const t of tokens) {
    if (t.kind === WORD || t.kind === NUMBER) keys.push(stemOf(t.lower));
  }
  if (keys.length === 0) fail(path, `phrase "${phrase}" has no words`);
  return keys;
}

function compileCategories(taxonomy: Obj): Map<string, Category> {
  const categories = new Map<string, Category>();
  arr(taxonomy['categories'], 'taxonomy.categories').forEach((raw, i) => {
    const path = `taxonomy.categories[${i}]`;
    const c = obj(raw, path);
    const id = str(c['id'], `${path}.id`);
    if (categories.has(id)) fail(`${path}.id`, `duplicate category "${id}"`);
    const polarity = c['polarity'];
    if (polarity !== 'escalation' && polarity !== 'deescalation') fail(`${path}.polarity`, 'must be "escalation" or "deescalation"');
    const kind = c['kind'];
    if (kind !== 'rhetoric' && kind !== 'event' && kind !== 'vocabulary' && kind !== 'shield') {
      fail(`${path}.kind`, 'must be "rhetoric", "event", "vocabulary" or "shield"');
    }
    str(c['why'], `${path}.why`);
    const modalityClass: ModalityClass =
      kind === 'vocabulary' ? 'vocabulary' : polarity === 'deescalation' ? 'deescalation' : kind === 'event' ? 'escalation-event' : 'escalation-rhetoric';
    categories.set(id, {
      id,
      index: categories.size,
      label: str(c['label'], `${path}.label`),
      polarity,
      kind,
      weight: num(c['weight'], `${path}.weight`, 0, 10),
      modalityClass,
      scalesWithNumbers: bool(c['scalesWithNumbers'], `${path}.scalesWithNumbers`),
      hasTarget: bool(c['hasTarget'], `${path}.hasTarget`),
      governs: c['governs'] === undefined ? true : bool(c['governs'], `${path}.governs`),
      scopesOver: bool(c['scopesOver'], `${path}.scopesOver`),
      violentContext: bool(c['violentContext'], `${path}.violentContext`),
      resolves: bool(c['resolves'], `${path}.resolves`),
      claims: bool(c['claims'], `${path}.claims`),
      reverses: bool(c['reverses'], `${path}.reverses`),
      recastAs: null,
    });
  });
  // a second pass: recastAs names another category, possibly a later one
  arr(taxonomy['categories'], 'taxonomy.categories').forEach((raw, i) => {
    const c = raw as Obj;
    if (c['recastAs'] === undefined) return;
    const path = `taxonomy.categories[${i}].recastAs`;
    const target = categories.get(str(c['recastAs'], path));
    const self = categories.get(c['id'] as string)!;
    if (target === undefined) fail(path, `unknown category "${String(c['recastAs'])}"`);
    if (target.polarity === self.polarity || target.kind === 'vocabulary' || target.kind === 'shield') {
      fail(path, `"${target.id}" must be a taxonomy category of the opposite polarity`);
    }
    self.recastAs = target;
  });
  return categories;
}

function compileModality(taxonomy: Obj): Record<RuledModality, Record<ModalityClass, ModalityRule>> {
  const m = obj(taxonomy['modality'], 'taxonomy.modality');
  const out = {} as Record<RuledModality, Record<ModalityClass, ModalityRule>>;
  for (const mod of RULED_MODALITIES) {
    const byClass = obj(m[mod], `taxonomy.modality.${mod}`);
    const rules = {} as Record<ModalityClass, ModalityRule>;
    for (const cls of MODALITY_CLASSES) {
      const path = `taxonomy.modality.${mod}.${cls}`;
      const r = obj(byClass[cls], path);
      const flip = r['flip'] ?? false;
      if (typeof flip !== 'boolean') fail(`${path}.flip`, 'must be a boolean');
      rules[cls] = { factor: num(r['factor'], `${path}.factor`, 0, 1), flip };
    }
    out[mod] = rules;
  }
  return out;
}

function compileCalibration(taxonomy: Obj): Calibration {
  const c = obj(taxonomy['calibration'], 'taxonomy.calibration');
  return {
    baseline: num(c['baseline'], 'taxonomy.calibration.baseline', 1, 50),
    slope: num(c['slope'], 'taxonomy.calibration.slope', 0.01, 10),
    knee: num(c['knee'], 'taxonomy.calibration.knee', 0, 20),
    upperSlope: num(c['upperSlope'], 'taxonomy.calibration.upperSlope', 0.01, 10),
    deescalationFactor: num(c['deescalationFactor'], 'taxonomy.calibration.deescalationFactor', 0, 5),
    decay: num(c['decay'], 'taxonomy.calibration.decay', 0, 1),
    leadBoost: num(c['leadBoost'], 'taxonomy.calibration.leadBoost', 0, 3),
    leadTokens: num(c['leadTokens'], 'taxonomy.calibration.leadTokens', 1, 100),
    repeatDecay: num(c['repeatDecay'], 'taxonomy.calibration.repeatDecay', 0, 1),
    violentVocabulary: num(c['violentVocabulary'], 'taxonomy.calibration.violentVocabulary', 0, 5),
    reversal: num(c['reversal'], 'taxonomy.calibration.reversal', 0, 2),
    forceMovement: num(c['forceMovement'], 'taxonomy.calibration.forceMovement', 0, 10),
    claimed: num(c['claimed'], 'taxonomy.calibration.claimed', 0, 1),
    reversalFloor: num(c['reversalFloor'], 'taxonomy.calibration.reversalFloor', 0, 5),
    nonviolentThreat: num(c['nonviolentThreat'], 'taxonomy.calibration.nonviolentThreat', 0, 1),
  };
}

type IdOf = (key: string) => number;
/** Stemmed keys of a phrase, split by the language's tokenizer (phraseKeys with it bound). */
type KeysOf = (phrase: string, path: string, stemOf: (w: string) => string) => string[];

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

function compileSignals(lex: Obj, categories: Map<string, Category>, stemOf: (w: string) => string, idOf: IdOf, keysOf: KeysOf): TrieNode<PhraseEntry> {
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

function compileCues(lex: Obj, stemOf: (w: string) => string, idOf: IdOf, keysOf: KeysOf): TrieNode<CueEntry> {
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

function compileStemExceptions(lex: Obj): Map<string, string> {
  const table = obj(obj(lex['cues'], 'lexicon.cues')['stemExceptions'], 'lexicon.cues.stemExceptions');
  const out = new Map<string, string>();
  for (const [word, stemmed] of Object.entries(table)) {
    const path = `lexicon.cues.stemExceptions["${word}"]`;
    if (word !== word.toLowerCase() || word.trim() === '') fail(path, 'must be a lower-case word');
    out.set(word, str(stemmed, path));
  }
  return out;
}

/** FNV-1a over the lexicon's JSON: ties every result to the exact data that produced it. */
function fingerprint(value: unknown): string {
  const s = JSON.stringify(value);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** The English profile: what every lexicon is read with unless another language is given. */
export const ENGLISH_PROFILE: LanguageProfile = { code: 'en', stem, tokenize, actorKey: (lower) => lower };

export function compileLexicon(input: unknown, profile: LanguageProfile = ENGLISH_PROFILE): CompiledLexicon {
  const lex = obj(input, 'lexicon');
  const taxonomy = obj(lex['taxonomy'], 'lexicon.taxonomy');
  const version = str(taxonomy['version'], 'taxonomy.version');
  const categories = compileCategories(taxonomy);
  for (const required of ['conflict-vocabulary', 'cooperation-vocabulary']) {
    if (!categories.has(required)) fail('taxonomy.categories', `missing required category "${required}"`);
  }
  const keyIds = new Map<string, number>();
  const idOf = (key: string): number => {
    let id = keyIds.get(key);
    if (id === undefined) {
      id = keyIds.size;
      keyIds.set(key, id);
    }
    return id;
  };
  const actors = compileActors(lex, idOf, profile);
  const institutions = compileInstitutions(lex['institutions'], profile);
  const stemExceptions = compileStemExceptions(lex);
  const baseStem = profile.stem;
  const split = profile.tokenize;
  const stemOf = (w: string): string => stemExceptions.get(w) ?? baseStem(w);
  // Phrases are split by the language's own tokenizer (Chinese words by Intl.Segmenter).
  const keysOf = (phrase: string, path: string, stems: (w: string) => string): string[] => phraseKeys(phrase, path, stems, split);
  const calibration = compileCalibration(taxonomy);
  const mobilization = categories.get('mobilization-deployment');
  if (mobilization === undefined) fail('taxonomy.categories', 'missing required category "mobilization-deployment"');
  const institutionWords = new Set<string>();
  arr(obj(lex['cues'], 'lexicon.cues')['institution'], 'lexicon.cues.institution').forEach((w, i) => {
    const word = str(w, `lexicon.cues.institution[${i}]`);
    if (word !== word.toLowerCase() || word.includes(' ')) fail(`lexicon.cues.institution[${i}]`, 'must be one lower-case word');
    institutionWords.add(word);
  });
  // The first word of a reporting clause ("Как [заявил] МИД Китая"): languages only, optional.
  const reportingLead = new Set<string>();
  const leadList = obj(lex['cues'], 'lexicon.cues')['reportingLead'];
  if (leadList !== undefined) {
    arr(leadList, 'lexicon.cues.reportingLead').forEach((w, i) => {
      const word = str(w, `lexicon.cues.reportingLead[${i}]`);
      if (word !== word.toLowerCase() || word.includes(' ')) fail(`lexicon.cues.reportingLead[${i}]`, 'must be one lower-case word');
      reportingLead.add(word);
    });
  }
  const halted = categories.get('cooperation-halted');
  if (halted === undefined) fail('taxonomy.categories', 'missing required category "cooperation-halted"');
  return {
    stem: baseStem,
    tokenize: split,
    actorKey: profile.actorKey,
    halting: { category: halted, weight: halted.weight, bareFactor: 0, otherSense: null },
    institutionWords,
    reportingLead,
    institutions,
    movement: { category: mobilization, weight: calibration.forceMovement, bareFactor: 0, otherSense: null },
    threatVerbs: compileThreatVerbs(obj(lex['cues'], 'lexicon.cues')),
    passive: compileWordSet(obj(lex['cues'], 'lexicon.cues'), 'passiveAuxiliary'),
    promiseVerbs: compileWordSet(obj(lex['cues'], 'lexicon.cues'), 'promiseVerbs'),
    labels: compileLabelCues(obj(lex['cues'], 'lexicon.cues')),
    keyIds,
    stemExceptions,
    version: `${version}.${fingerprint(input)}`,
    categories,
    signals: compileSignals(lex, categories, stemOf, idOf, keysOf),
    cues: compileCues(lex, stemOf, idOf, keysOf),
    actors: actors.trie,
    actorNames: actors.names,
    modality: compileModality(taxonomy),
    calibration,
  };
}
