// How `npm run score` runs: bundled into plain JavaScript (scripts/run-bundled.mjs), on one
// thread unless `--threads 2`, with the other languages' lexicons built when first needed. The
// output must be the same bytes whichever way it runs, and the same as a scorer loaded at once.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadScorer } from '../../server/config/load-scorer.ts';
import { guessLanguage } from '../../server/scoring/languages/multilingual-scorer.ts';
import { countLetters, mixedScripts } from '../../server/shared/script-letters.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Run { code: number | null; stdout: Buffer; stderr: string }

function node(args: string[], input: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
    child.stdin.end(input);
  });
}

const fixture = (file: string): string[] =>
  readFileSync(new URL(`../fixtures/scoring/${file}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => (JSON.parse(l) as { text: string }).text);

/** English, Russian, Chinese and Arabic statements, speakers in several languages, and bad lines. */
function mixedInput(lines: number): string {
  const texts = [...fixture('calibration.jsonl'), ...fixture('ru/bands.jsonl'), ...fixture('zh/bands.jsonl'), ...fixture('ar/bands.jsonl')];
  const speakers = [undefined, 'Kremlin', 'John Smith', 'МИД России', 'Ministerio de Exteriores de Rusia', null];
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    if (i % 5_000 === 17) out.push('not json', '{"text":1}', '');
    out.push(JSON.stringify({ id: i % 7 === 0 ? i : `s${i}`, text: texts[(i * 31) % texts.length], speaker: speakers[i % speakers.length] }));
  }
  return out.join('\n') + '\n';
}

test('npm run score gives the same bytes bundled or from source, on one thread or two', async () => {
  const input = mixedInput(12_000);
  const source = await node(['--import', 'tsx', 'scripts/score.ts'], input);
  assert.equal(source.code, 0, source.stderr);
  assert.equal(source.stdout.toString('utf8').split('\n').length - 1, 12_000);
  assert.match(source.stderr, /line 18: skipped: invalid JSON/);
  for (const args of [
    ['scripts/run-bundled.mjs', 'score'],
    ['scripts/run-bundled.mjs', 'score', '--threads', '2'],
  ]) {
    const r = await node(args, input);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.equals(source.stdout), `stdout of node ${args.join(' ')} differs from the source run's`);
    assert.equal(r.stderr, source.stderr);
  }
});

test('score CLI refuses a bad --threads or an unknown option with exit 2', async () => {
  for (const args of [['--threads', '3'], ['--fast']]) {
    const r = await node(['--import', 'tsx', 'scripts/score.ts', ...args], '{"text":"Talks resumed."}\n');
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.stdout.length, 0);
    assert.match(r.stderr, /^score: .*\nusage: npm run --silent score/);
  }
  const unknown = await node(['scripts/run-bundled.mjs', 'nope'], '');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown CLI "nope"/);
});

test('languages built when first needed score exactly as languages built at once', () => {
  const eager = loadScorer();
  const lazy = loadScorer(undefined, { lazyLanguages: true });
  const texts = [...fixture('ru/bands.jsonl'), ...fixture('zh/bands.jsonl'), ...fixture('uk/bands.jsonl'), ...fixture('calibration.jsonl').slice(0, 20)];
  for (const text of texts) {
    for (const speaker of [undefined, 'МИД России', 'Ministerio de Exteriores de Rusia']) {
      assert.deepEqual(lazy.score(text, { speaker }), eager.score(text, { speaker }), text);
    }
  }
  assert.deepEqual(lazy.languages, eager.languages);
  assert.equal(lazy.resolveActor('外交部'), eager.resolveActor('外交部'));
});

test('a text without a language is read as the script count says, with or without the count', () => {
  const s = loadScorer(undefined, { lazyLanguages: true });
  const langs = new Set(s.languages!.filter((l) => l !== 'en'));
  const texts = [
    '',
    'Russia warned NATO.',
    '\u{1F4A5}\uD800 1945 !!!',
    'Die Regierung warnte die Nachbarn.',
    '\uFE8D\uFEDF\uFEA4\uFEAE\uFE8F', // Arabic presentation forms only
    'Россия предупредила',
    'x'.repeat(2_500) + ' Россия', // another script only after the counted prefix
    'NATO ' + '俄罗斯外交部发言人表示',
    'Kyiv said Moscow (Москва) lied',
  ];
  for (const text of texts) {
    const letters = countLetters(text);
    const lang = guessLanguage(letters, langs);
    const mixed = mixedScripts(letters, lang);
    assert.deepEqual(s.score(text).language, mixed === undefined ? { lang } : { lang, mixed }, JSON.stringify(text.slice(0, 40)));
  }
});
