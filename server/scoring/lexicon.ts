// Validates the lexicon data (taxonomy, signal phrases, background vocabulary, cues, actors)
// and compiles it into token-keyed tries. Every error names the offending entry, e.g.
// `lexicon.signals["threat-of-force"][3]: phrase must be a non-empty string`.

import { compileInstitutions } from './institutions.ts';
import { stem } from './stem.ts';
import { type CompiledLexicon, type LanguageProfile } from './lexicon-types.ts';
import { tokenize, WORD, NUMBER } from './tokenize.ts';
import { compileActors } from './lexicon-actors.ts';
import { compileThreatVerbs, compileWordSet } from './threat-object.ts';
import { compileLabelCues } from './label-only.ts';
import { compileCounterCues } from './countered.ts';
import { fail, obj, arr, str } from './lexicon-validate.ts';
import { compileCategories, compileModality, compileCalibration } from './lexicon-taxonomy.ts';
import { compileSignals, compileCues, compileStemExceptions } from './lexicon-phrases.ts';

// Types and cue flags live in lexicon-types.ts; re-exported so importers keep one module.
export * from './lexicon-types.ts';

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
    concessiveOpening: compileWordSet(obj(lex['cues'], 'lexicon.cues'), 'concessiveOpening'),
    concessiveLead: compileWordSet(obj(lex['cues'], 'lexicon.cues'), 'concessiveLead'),
    labels: compileLabelCues(obj(lex['cues'], 'lexicon.cues')),
    counter: compileCounterCues(obj(lex['cues'], 'lexicon.cues'), (w) => idOf(profile.actorKey(w))),
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
