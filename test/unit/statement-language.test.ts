import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLanguageGate, countScripts, mainScript, type DetectorResult } from '../../server/ingest/statement-language.ts';
import { loadLanguageGate } from '../../server/ingest/language-detector.ts';

// This suite is about a scorer that reads English only (the server's scorer reads more: its
// languages come from data/lexicon/<lang>/, tested in test/scoring/language-engine.test.ts).
const englishOnly = await loadLanguageGate(['en']);

const NATO_EN = 'If NATO troops appear on Ukrainian soil, they will be considered combatants and targeted accordingly.';
const NATO_RU = 'Если войска НАТО появятся на украинской земле, они будут считаться комбатантами и поражаться соответствующим образом.';

describe('language gate (English-only scorer, real eld detector)', () => {
  const gate = englishOnly;

  it('reads English statements, short, mixed, or made of names and numbers', () => {
    const english = [
      NATO_EN,
      'Moscow denied plans to mobilise additional reservists, calling the reports a fabrication.',
      'Mexican President Andrés Manuel López Obrador', // names read as Spanish to any detector
      'Venezuela’s embattled president, Nicolas Maduro,',
      'Sergei Lavrov, Maria Zakharova, Dmitry Peskov 2024-11-25',
      'Putin threatens Kyiv',
      'NATO!',
      '2024-11-25 17:00 UTC: 3 missiles, 12 drones',
      'Ottawa announced funding to expand broadband access to remote northern communities.',
      `${NATO_EN} «Мы ответим жёстко», Zakharova said.`,
      'Guns fall silent in Zaporizhzhia as truce holds.',
      '',
      '🚀🚀🚀',
    ];
    for (const text of english) {
      const d = gate.decide(text);
      assert.equal(d.supported, true, `${JSON.stringify(text)} is read (got ${d.lang} via ${d.via})`);
      assert.ok(d.lang === 'en' || d.lang === 'und', `${JSON.stringify(text)}: ${d.lang}`);
    }
  });

  it('marks a confident other main language unsupported, named by the detector', () => {
    const cases: Array<[string, string]> = [
      [NATO_RU, 'ru'],
      ['Якщо війська НАТО з’являться на українській землі, вони вважатимуться комбатантами і будуть уражені.', 'uk'],
      ['إذا ظهرت قوات حلف الناتو على الأراضي الأوكرانية، فسيتم اعتبارها مقاتلين واستهدافها وفقاً لذلك.', 'ar'],
      ['如果北约部队出现在乌克兰领土上，他们将被视为战斗人员并受到相应的打击。', 'zh'],
      ['Si las tropas de la OTAN aparecen en suelo ucraniano, serán consideradas combatientes y atacadas en consecuencia.', 'es'],
      ['Si des troupes de l’OTAN apparaissent sur le sol ukrainien, elles seront considérées comme des combattants et ciblées.', 'fr'],
    ];
    for (const [text, lang] of cases) {
      const d = gate.decide(text);
      assert.deepEqual({ lang: d.lang, supported: d.supported }, { lang, supported: false }, text);
    }
  });

  it('a short text in another script is not English even when its language cannot be named', () => {
    const d = gate.decide('Удар нанесён');
    assert.equal(d.supported, false);
    const tiny = gate.decide('Да');
    assert.deepEqual({ lang: tiny.lang, supported: tiny.supported }, { lang: 'und', supported: false }, 'no English scorer reads Cyrillic');
  });
});

describe('language gate logic (stub detector)', () => {
  const calls: string[] = [];
  const answer: DetectorResult = { language: 'pl', reliable: true, scores: { pl: 0.8, en: 0.5 } };
  const gate = createLanguageGate({
    languages: ['en'],
    detect: (t) => {
      calls.push(t);
      return answer;
    },
  });

  it('does not consult the detector for English function words, nor for too little text', () => {
    calls.length = 0;
    assert.equal(gate.decide('The minister said that the talks would resume after the summit.').via, 'function-words');
    assert.equal(gate.decide('Kremlin warns Warsaw').via, 'too-short');
    assert.deepEqual(calls, []);
  });

  it('needs the detector sure and English well behind before a Latin-script text is unsupported', () => {
    const text = 'Rzecznik rządu poinformował dzisiaj dziennikarzy o nowych sankcjach wobec sąsiedniego państwa.';
    assert.deepEqual(gate.decide(text), { lang: 'pl', supported: false, via: 'detector' });
    answer.reliable = false;
    assert.deepEqual(gate.decide(text), { lang: 'und', supported: true, via: 'detector' });
    answer.reliable = true;
    answer.scores = { pl: 0.55, en: 0.5 };
    assert.equal(gate.decide(text).supported, true, 'English close behind: scored');
    answer.scores = { pl: 0.8, en: 0.5 };
  });

  it('plugs in more languages: a scorer reading Russian reads Russian', () => {
    const ruGate = createLanguageGate({ languages: ['en', 'ru'], detect: () => ({ language: 'ru', reliable: true, scores: { ru: 0.9 } }) });
    assert.deepEqual(ruGate.decide(NATO_RU), { lang: 'ru', supported: true, via: 'detector' });
    assert.equal(ruGate.decide('Удар').supported, true, 'undetermined Cyrillic is read by a scorer that reads a Cyrillic language');
  });

  it('counts letters by script, Han weighted', () => {
    assert.equal(mainScript(countScripts(NATO_RU)), 'Cyrillic');
    assert.equal(mainScript(countScripts('北约组织 NATO')), 'Han');
    assert.equal(mainScript(countScripts('NATO says 北约')), 'Latin');
    assert.equal(mainScript(countScripts('12:00 — 3/4 !!')), 'None');
  });
});
