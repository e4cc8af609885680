// Classes of language that must read the same in every language the scorer reads
// (test/fixtures/scoring/cross-lingual-classes.jsonl: {"class", "category", "en", "translations":
// [{"lang", "text"}]}, written for this project, varied actors and regions; none taken from a
// development set). Classes:
// - promised-response: a threat phrased as a promised response or retaliation ("a decisive
//   response", "решительный ответ", "respuesta contundente", "رد حاسم", "坚决回击"), also after a
//   verb of promising ("promised a firm response" is a threat, not a promise of cooperation);
// - become-target: "will be targeted" said as "will become a (legitimate) target" ("станут
//   законной целью", "se convertirán en objetivos legítimos", "ستصبح أهدافا مشروعة", "将成为打击目标").
// Each translation, read in its own language, carries a signal of the class's category and scores
// within one band of its English sentence (calm < 20 ≤ low < 40 ≤ elevated < 60 ≤ high < 80 ≤ severe)
// or within 30 points of it: "станут целью" / "will become a target" weighs 2.2 against 3.0 for
// "will be targeted" (the weight the README's NATO sentence and its translations are held to, see
// translated-threats.test.ts), so a short sentence near a band edge may fall two bands below.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readJsonl, scorer } from './fixtures.ts';
import type { Level } from '../../server/scoring/index.ts';

interface Group {
  class: string;
  category: string;
  en: string;
  translations: Array<{ lang: string; text: string }>;
}

const BANDS: Level[] = ['calm', 'low', 'elevated', 'high', 'severe'];
const groups = readJsonl<Group>('cross-lingual-classes.jsonl');
const classes = [...new Set(groups.map((g) => g.class))];

test('each class has at least 15 sentences, each translated into every language the scorer reads', () => {
  assert.deepEqual(classes.sort(), ['become-target', 'promised-response']);
  const langs = scorer().languages!.filter((l) => l !== 'en');
  for (const c of classes) {
    const mine = groups.filter((g) => g.class === c);
    assert.ok(mine.length >= 15, `${c}: ${mine.length} sentences`);
    for (const lang of langs) {
      const n = mine.filter((g) => g.translations.some((t) => t.lang === lang)).length;
      assert.ok(n >= 14, `${c}: only ${n} sentences translated into ${lang}`);
    }
  }
});

for (const c of classes) {
  test(`${c}: every translation carries the class's signal and scores within one band of the English`, (t) => {
    const wrong: string[] = [];
    let exact = 0;
    let total = 0;
    for (const g of groups.filter((x) => x.class === c)) {
      const en = scorer().score(g.en, { lang: 'en' });
      assert.ok(en.signals.some((s) => s.category === g.category), `English has no ${g.category} signal: ${g.en}`);
      for (const tr of g.translations) {
        const r = scorer().score(tr.text, { lang: tr.lang });
        assert.equal(r.language?.lang, tr.lang, tr.text);
        total++;
        const off = Math.abs(BANDS.indexOf(r.level) - BANDS.indexOf(en.level));
        if (off === 0) exact++;
        const has = r.signals.some((s) => s.category === g.category && s.polarity === 'escalation');
        if (!has || (off > 1 && Math.abs(r.score - en.score) > 30)) wrong.push(`${tr.lang} ${r.score} ${r.level} (English ${en.score} ${en.level})${has ? '' : ` no ${g.category}`}: ${tr.text}`);
      }
    }
    assert.deepEqual(wrong, []);
    t.diagnostic(`${c}: ${exact} of ${total} translations in the English sentence's band, the others one band off or within 30 points`);
  });
}

test('promised-response: a promise whose object is a threat does not calm it', () => {
  const s = scorer();
  const promised = s.score('Riyadh promised a firm response to the drone attacks on its oil facilities.', { lang: 'en' });
  assert.ok(!promised.signals.some((x) => x.category === 'cooperation-vocabulary' && x.text === 'promised'), JSON.stringify(promised.signals));
  // a promise of cooperation still counts as one
  const aid = s.score('Riyadh promised aid to the flood victims.', { lang: 'en' });
  assert.ok(aid.signals.some((x) => x.polarity === 'deescalation' && x.text === 'promised'), JSON.stringify(aid.signals));
  const ru = s.score('Москва пообещала гуманитарную помощь пострадавшим районам.', { lang: 'ru' });
  assert.ok(ru.score < 10, `${ru.score}`);
});

test('word-sense-un (classes.jsonl): crime senses of cooperative words and deployments of observers are not read as their other sense', () => {
  const s = scorer();
  const signalsOf = (text: string) => s.score(text, { lang: 'en' }).signals;
  for (const text of ['Smugglers expanded the drug trade across the northern border.', 'The panel traced the illicit arms trade that finances the militias.']) {
    assert.ok(!signalsOf(text).some((x) => x.text.toLowerCase() === 'trade' && x.polarity === 'deescalation'), text);
  }
  assert.ok(!signalsOf('Gulf states accused Qatar of financing terrorism.').some((x) => x.text === 'financing' && x.polarity === 'deescalation'));
  assert.ok(!signalsOf('The organisation deployed observers to monitor the election.').some((x) => x.category === 'mobilization-deployment'));
  assert.ok(signalsOf('Russia deployed troops to the border.').some((x) => x.category === 'mobilization-deployment'));
  assert.ok(!signalsOf('The Council thanked the troop-contributing countries for their service.').some((x) => x.polarity === 'escalation'));
});
