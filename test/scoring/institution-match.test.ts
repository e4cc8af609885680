// Institution phrases are matched word by word while the words read begin a phrase
// (server/scoring/institutions.ts, `prefixes`). The answer must be the one of trying every
// length from the longest down: checked on random runs of phrase words, connectors and other
// words, for every language with institution phrases (Chinese joins its words without spaces).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_LEXICON_DIR, languagesWithData } from '../../server/config/load-scorer.ts';
import { stemmerFor } from '../../server/config/language-stemmers.ts';
import { languageProfile } from '../../server/scoring/languages/language-profiles.ts';
import { compileInstitutions, matchInstitution, type InstitutionNames } from '../../server/scoring/institutions.ts';

/** The reference: every length from the longest down, joined. */
function reference(names: InstitutionNames, keys: readonly string[], from: number): { label: string; end: number } | null {
  for (let len = Math.min(names.maxWords, keys.length - from); len >= 1; len--) {
    const label = names.phrases.get(keys.slice(from, from + len).join(names.joiner));
    if (label !== undefined) return { label, end: from + len };
  }
  return null;
}

for (const lang of languagesWithData()) {
  const file = path.join(DEFAULT_LEXICON_DIR, lang, 'institutions.json');
  if (!existsSync(file)) continue;
  test(`${lang}: institution phrases read word by word match as every length tried`, () => {
    const names = compileInstitutions(JSON.parse(readFileSync(file, 'utf8')), languageProfile(lang, stemmerFor(lang)))!;
    // the words of the phrases (for Chinese, pieces of them too), connectors, and other words
    const words = new Set<string>(['', 'x', 'de', '的']);
    for (const key of names.phrases.keys()) {
      for (const w of names.joiner === '' ? [key, key.slice(0, 1), key.slice(1), key.slice(0, 2), key.slice(2)] : key.split(' ')) words.add(w);
    }
    for (const c of names.connectors) words.add(c);
    const pool = [...words];
    let seed = 7;
    const pick = (): string => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return pool[seed % pool.length]!;
    };
    let matched = 0;
    for (let round = 0; round < 20_000; round++) {
      const keys = Array.from({ length: 1 + (round % 9) }, pick);
      for (let from = 0; from < keys.length; from++) {
        const want = reference(names, keys, from);
        assert.deepEqual(matchInstitution(names, keys, from), want, keys.join('|'));
        if (want !== null) matched++;
      }
    }
    assert.ok(matched > 1000, `only ${matched} matches: the runs hardly hold phrases`);
  });
}
