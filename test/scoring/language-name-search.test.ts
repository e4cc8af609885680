// The context finder's search for target names (server/scoring/languages/context-spans.ts)
// looks up only runs of tokens that can hold a name (Scorer.aliasStarts). That must never change
// a span: for every language, on its fixtures and on variants with names spliced in and in
// capitals, the spans found with the filter equal those found by looking up every run.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_LEXICON_DIR, LEXICON_FILES, languagesWithData, loadLanguageScorer } from '../../server/config/load-scorer.ts';
import { stemmerFor } from '../../server/config/language-stemmers.ts';
import { createContextFinder } from '../../server/scoring/languages/context-spans.ts';
import { languageProfile } from '../../server/scoring/languages/language-profiles.ts';
import type { EnglishLexicon } from '../../server/scoring/languages/language-lexicon.ts';
import { FIXTURE_DIR } from './fixtures.ts';

const readJson = (file: string): any => JSON.parse(readFileSync(file, 'utf8'));
const english = Object.fromEntries(Object.entries(LEXICON_FILES).map(([k, f]) => [k, readJson(path.join(DEFAULT_LEXICON_DIR, f))])) as unknown as EnglishLexicon;

/** Every text of a language's fixture files, and each actor name of its speaker fixtures. */
function languageTexts(lang: string): { texts: string[]; names: string[] } {
  const texts: string[] = [];
  const names: string[] = [];
  for (const f of ['bands.jsonl', 'pairs.jsonl', 'speakers.jsonl']) {
    const file = path.join(FIXTURE_DIR, lang, f);
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const o = JSON.parse(line) as Record<string, unknown>;
      for (const k of ['text', 'high', 'low']) if (typeof o[k] === 'string') texts.push(o[k] as string);
      if (typeof o['name'] === 'string') names.push(o['name'] as string);
    }
  }
  return { texts, names };
}

for (const lang of languagesWithData()) {
  test(`${lang}: target and condition spans are the same with the name-search filter as without it`, () => {
    const { scorer, finder } = loadLanguageScorer(DEFAULT_LEXICON_DIR, lang, english);
    assert.ok(scorer.aliasStarts !== undefined && scorer.aliasStarts.size > 0, 'the language scorer says which keys begin an alias');
    const cues = existsSync(path.join(DEFAULT_LEXICON_DIR, lang, 'cues.json')) ? readJson(path.join(DEFAULT_LEXICON_DIR, lang, 'cues.json')) : {};
    const unfiltered = createContextFinder({
      profile: languageProfile(lang, stemmerFor(lang)),
      conditionalCues: Array.isArray(cues.conditional) ? cues.conditional : [],
      resolveActor: (name) => scorer.resolveActor(name),
    });
    const { texts, names } = languageTexts(lang);
    const variants = [...texts, ...texts.map((t) => t.toUpperCase())];
    // names next to each other and inside sentences: runs that hold two names, or a name and an institution
    texts.forEach((t, i) => {
      const cut = t.indexOf(' ') > 0 ? t.indexOf(' ') : Math.floor(t.length / 2);
      variants.push(`${t.slice(0, cut)} ${names[i % names.length] ?? ''} ${names[(i + 3) % names.length] ?? ''}${t.slice(cut)}`);
    });
    let withSpans = 0;
    for (const text of variants) {
      const result = scorer.score(text);
      const a = structuredClone(result);
      const b = structuredClone(result);
      finder.annotate(a, text);
      unfiltered.annotate(b, text);
      assert.deepEqual(a, b, text);
      if (a.signals.some((s) => 'target' in s || 'condition' in s)) withSpans++;
    }
    assert.ok(withSpans >= 10, `only ${withSpans} texts had a span: the comparison would prove little`);
  });
}
