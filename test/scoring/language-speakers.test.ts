// Institution names in other languages resolve to their state, with the institution in English
// (data/lexicon/<lang>/institutions.json; issue 12 item 9, issue 13): "Ministerio de Exteriores
// de Rusia" is Russia, institution "foreign ministry", as "Russian Foreign Ministry" is in English.
// Fixtures: test/fixtures/scoring/<lang>/speakers.jsonl, one case a line: {"name", "actor",
// "institution"} for a speaker given with a statement (actor null: not a name of one actor), or
// {"text", "actor", "institution"} for the speaker found in a text.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FIXTURE_DIR, scorer } from './fixtures.ts';
import { DEFAULT_LEXICON_DIR, loadScorer } from '../../server/config/load-scorer.ts';

interface SpeakerCase {
  name?: string;
  text?: string;
  actor: string | null;
  institution: string | null;
}

const LANGS = ['es', 'fr', 'ru', 'uk', 'ar', 'zh'];

function cases(lang: string): SpeakerCase[] {
  const file = path.join(FIXTURE_DIR, lang, 'speakers.jsonl');
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      const c = JSON.parse(l) as SpeakerCase;
      if ((typeof c.name === 'string') === (typeof c.text === 'string')) throw new Error(`${file}:${i + 1}: give "name" or "text"`);
      return c;
    });
}

for (const lang of LANGS) {
  test(`${lang}: at least 15 institution names across states, each resolves to its state and institution`, () => {
    const named = cases(lang).filter((c) => c.name !== undefined);
    assert.ok(named.filter((c) => c.institution !== null).length >= 15, `${named.length} names`);
    assert.ok(new Set(named.map((c) => c.actor)).size >= 10, 'varied states');
    const wrong: string[] = [];
    for (const c of named) {
      const name = c.name!;
      const actor = scorer().resolveActor(name);
      const r = scorer().score('.', { lang, speaker: name });
      const got = { actor, speaker: r.actors.speaker, institution: r.actors.speakerInstitution ?? null };
      const ok = c.actor === null ? actor === null && r.actors.speaker === name : actor === c.actor && got.speaker === c.actor && got.institution === c.institution;
      if (!ok) wrong.push(`${name}: want ${c.actor} / ${c.institution}, got ${JSON.stringify(got)}`);
    }
    assert.deepEqual(wrong, []);
  });

  const inText = cases(lang).filter((c) => c.text !== undefined);
  if (inText.length > 0) {
    test(`${lang}: the speaker found in a text keeps its institution`, () => {
      for (const c of inText) {
        const r = scorer().score(c.text!, { lang });
        assert.equal(r.actors.speaker, c.actor, c.text);
        assert.equal(r.actors.speakerInstitution ?? null, c.institution, c.text);
      }
    });
  }
}

test('English names keep their reading (no institutions file for English)', () => {
  const r = scorer().score('.', { lang: 'en', speaker: 'Russian Foreign Ministry' });
  assert.equal(r.actors.speaker, 'Russia');
  assert.equal(r.actors.speakerInstitution, 'foreign ministry');
  assert.equal(scorer().resolveActor('Russian roulette'), null);
});

test('a bad institutions.json is rejected naming the file and the entry', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bw-institutions-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(DEFAULT_LEXICON_DIR, dir, { recursive: true });
  const file = path.join(dir, 'es', 'institutions.json');
  assert.ok(existsSync(file));
  const good = JSON.parse(readFileSync(file, 'utf8')) as { institutions: Record<string, unknown> };
  const bad = (institutions: unknown, extra: Record<string, unknown> = {}): void =>
    writeFileSync(file, JSON.stringify({ ...good, ...extra, institutions }));
  bad({ ...good.institutions, 'Foreign Ministry': ['Cancillería'] });
  assert.throws(() => loadScorer(dir), /data\/lexicon\/es\/institutions\.json.*"Foreign Ministry".*lower-case/);
  bad({ ...good.institutions, army: ['Ejército'], navy: ['ejércitos'] });
  assert.throws(() => loadScorer(dir), /data\/lexicon\/es\/institutions\.json.*"navy"\]\[0\].*already means "army"/);
  bad({ ...good.institutions, army: [''] });
  assert.throws(() => loadScorer(dir), /institutions\.json.*"army"\]\[0\].*non-empty/);
  bad(good.institutions, { headFirst: 'yes' });
  assert.throws(() => loadScorer(dir), /institutions\.json.*headFirst.*true or false/);
});

test('a speaker named in another language than the statement still resolves to its state', () => {
  const r = scorer().score('Russia warned that NATO troops would be a legitimate target.', { lang: 'en', speaker: 'Ministerio de Exteriores de Rusia' });
  assert.equal(r.actors.speaker, 'Russia');
  assert.ok(!r.actors.targets.includes('Russia'));
  const z = scorer().score('La OTAN será un objetivo legítimo.', { lang: 'es', speaker: '俄罗斯外交部' });
  assert.equal(z.actors.speaker, 'Russia');
  const unknown = scorer().score('La OTAN será un objetivo legítimo.', { lang: 'es', speaker: 'Agencia de Noticias Ficticia' });
  assert.equal(unknown.actors.speaker, 'Agencia de Noticias Ficticia');
});
