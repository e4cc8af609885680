import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Run { code: number | null; stdout: string; stderr: string }

function run(script: string, args: string[], input: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

test('score CLI scores good lines, reports bad ones by line number, and exits 0', async () => {
  const input = [
    '{"id":"a","text":"Russia warned NATO it would strike."}',
    'not json',
    '{"id":"c"}',
    '{"id":"d","text":42}',
    '',
    '{"id":"e","text":"Talks resumed in Geneva.","speaker":"Kremlin"}',
    '{"id":"f","text":"no newline at the end"}',
  ].join('\n');
  const r = await run('scripts/score.ts', [], input);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.id), ['a', 'e', 'f']);
  for (const l of lines) {
    assert.deepEqual(Object.keys(l), ['id', 'score', 'level', 'signals', 'actors', 'version']);
  }
  assert.ok(lines[0].score > 40);
  assert.equal(lines[1].actors.speaker, 'Russia');
  assert.match(r.stderr, /line 2: skipped: invalid JSON/);
  assert.match(r.stderr, /line 3: skipped: missing "text"/);
  assert.match(r.stderr, /line 4: skipped: "text" is not a string/);
  assert.doesNotMatch(r.stderr, /line 5/);
});

test('score CLI exits 2 when no line could be scored', async () => {
  const r = await run('scripts/score.ts', [], '{"id":1}\n[1,2]\n');
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /line 2: skipped: not a JSON object/);
});

test('score CLI streams many lines in order', async () => {
  const n = 20_000;
  const input = Array.from({ length: n }, (_, i) => JSON.stringify({ id: i, text: i % 2 ? 'Troops shelled the city.' : 'Talks went well.' })).join('\n');
  const r = await run('scripts/score.ts', [], input + '\n');
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout.trim().split('\n');
  assert.equal(out.length, n);
  assert.equal(JSON.parse(out[n - 1]!).id, n - 1);
});

test('eval CLI prints both scorers side by side and reports bad lines', async () => {
  const r = await run('scripts/eval.ts', ['test/fixtures/scoring/eval-sample.jsonl'], '');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /13 scored, 3 bad line\(s\) skipped/);
  const row = (name: RegExp): number[] => {
    const line = r.stdout.split('\n').find((l) => name.test(l));
    assert.ok(line, `no row ${name}`);
    return line.trim().split(/\s+/).slice(-2).map(Number);
  };
  const [ours, afinn] = row(/^ROC-AUC conflict/);
  assert.ok(ours! >= 0.9, `brinkwatch AUC ${ours}`);
  assert.ok(afinn! >= 0 && afinn! <= 1);
  assert.equal(row(/^ROC-AUC material/).length, 2);
  assert.equal(row(/^Spearman/).length, 2);
  assert.match(r.stderr, /line 14: skipped: invalid JSON/);
  assert.match(r.stderr, /line 15: skipped: "quadclass" must be 1, 2, 3 or 4/);
  assert.match(r.stderr, /line 16: skipped: "quadclass" must be 1, 2, 3 or 4/);
});

test('eval CLI fails with a message when the file cannot be read', async () => {
  const r = await run('scripts/eval.ts', ['test/fixtures/scoring/does-not-exist.jsonl'], '');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /cannot read/);
});

test('score CLI lines are exactly JSON.stringify of the result (hand-written serialiser)', async () => {
  const { scoreLine } = await import('../../scripts/lib/score-line.ts');
  const { readJsonl, scorer } = await import('./fixtures.ts');
  const texts = [
    ...readJsonl<{ high: string; low: string }>('classes.jsonl').flatMap((p) => [p.high, p.low]),
    'Quotes "inside" \\ and \u2028 line separators, emoji \u{1F4A5}, lone \uD800 surrogate: Russia attacked.',
  ];
  const ids: unknown[] = ['a', 7, null, { nested: ['x'] }, 'quote"id'];
  texts.forEach((text, i) => {
    const r = scorer().score(text, { speaker: i % 5 === 0 ? 'Russian Foreign Ministry' : null });
    const id = ids[i % ids.length];
    const expected = JSON.stringify({ id, score: r.score, level: r.level, signals: r.signals, actors: r.actors, version: r.version });
    assert.equal(scoreLine(id, r), expected);
  });
});

test('score CLI byte writer gives exactly the UTF-8 of JSON.stringify of the result, line after line', async () => {
  const { LineBytes } = await import('../../scripts/lib/score-bytes.ts');
  const { readJsonl, scorer } = await import('./fixtures.ts');
  const texts = [
    ...readJsonl<{ high: string; low: string }>('classes.jsonl').flatMap((p) => [p.high, p.low]),
    'Quotes "inside" \\ and \u2028 line separators, emoji \u{1F4A5}, lone \uD800 surrogate: Russia attacked.',
    'Control \u0001 and tab\t in Genève: the Élysée said Iran threatened Israel.',
  ];
  const ids: unknown[] = ['a', 7, null, { nested: ['x'] }, 'quote"id', undefined, 'é'];
  const bytes = new LineBytes(1); // starts small: the buffer must grow
  let expected = '';
  texts.forEach((text, i) => {
    const r = scorer().score(text, { speaker: i % 5 === 0 ? 'Russian Foreign Ministry' : null });
    const id = ids[i % ids.length];
    bytes.line(id, r);
    expected += JSON.stringify({ id, score: r.score, level: r.level, signals: r.signals, actors: r.actors, version: r.version }) + '\n';
  });
  assert.ok(texts.length > 200);
  assert.equal(Buffer.from(bytes.bytes()).toString('utf8'), expected);
  assert.ok(Buffer.from(expected, 'utf8').equals(bytes.bytes()));
  // written into reused memory (an earlier batch's, stale bytes and all): the same bytes
  const reused = new ArrayBuffer(1 << 20);
  new Uint8Array(reused).fill(0x7b);
  const again = new LineBytes(texts.length, reused);
  texts.forEach((text, i) => again.line(ids[i % ids.length], scorer().score(text, { speaker: i % 5 === 0 ? 'Russian Foreign Ministry' : null })));
  assert.equal(again.bytes().buffer, reused);
  assert.ok(Buffer.from(expected, 'utf8').equals(again.bytes()));
  // too small to reuse: a buffer of its own
  assert.notEqual(new LineBytes(10_000, new ArrayBuffer(64)).bytes().buffer.byteLength, 64);
  const decimals = Array.from({ length: 3000 }, (_, k) => Math.round(k * 3.7) / 100);
  for (const x of [0, 7, 10, 99, 100, 1000, 19_999, 999_999_999, 1e9, 97.3, 0.01, 0.1 + 0.2, 1.005, 5e-7, -1, -0, 1e21, ...decimals]) {
    const w = new LineBytes(1);
    w.num(x);
    assert.equal(Buffer.from(w.bytes()).toString('utf8'), JSON.stringify(x), `number ${x}`);
  }
});
