import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import os from 'node:os';
import { createStore } from '../../server/store/store.ts';
import { cliBundle } from '../helpers/cli-bundle.ts';
import { createExportApp, HOUR, seedStatements } from './export-fixtures.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const T0 = Date.UTC(2026, 10, 1);

// The file is named as the CLI's config expects it in BRINKWATCH_DATA_DIR.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brinkwatch-export-cli-'));
const t = { dir, store: createStore(path.join(dir, 'brinkwatch.db')) };
const { app } = createExportApp(t.store);

before(() => {
  seedStatements(
    t.store,
    ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", '@SUM(1+1)', '-2+3', 'comma, "quote"\nnewline', 'عربى 🚀'].map((text, i) => ({
      text,
      occurredAt: T0 + i * HOUR,
      score: i * 15,
      speaker: i % 2 ? 'Russia' : 'Iran',
      targets: ['Ukraine'],
      signals: [{ category: 'threat-of-force', text: 'strike', weight: 1 }],
    })),
  );
});
after(() => {
  t.store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function runCli(args: string[]): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  const bundle = await cliBundle('scripts/export.ts');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, ...args], {
      cwd: ROOT,
      env: { ...process.env, BRINKWATCH_DATA_DIR: t.dir, BRINKWATCH_EXPORT_MAX_DAYS: '40' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: err }));
  });
}

async function httpBytes(url: string): Promise<Buffer> {
  const res = await request(app)
    .get(url)
    .buffer(true)
    .parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
  assert.equal(res.status, 200);
  return res.body as Buffer;
}

test('export statements --out writes byte for byte what the HTTP export sends, silently when not on a terminal', async () => {
  const out = path.join(t.dir, 'statements.csv');
  const cli = await runCli(['statements', '--from', '2026-11-01', '--to', '2026-11-02', '--min-score', '30', '--bom', '--out', out]);
  assert.equal(cli.code, 0, cli.stderr);
  assert.equal(cli.stderr, '');
  assert.equal(cli.stdout.length, 0);
  const file = fs.readFileSync(out);
  assert.deepEqual(file, await httpBytes('/api/export/statements.csv?from=2026-11-01&to=2026-11-02&minScore=30&bom=1'));
  const rows = parse(file, { bom: true, record_delimiter: '\r\n' }) as string[][];
  assert.equal(rows.length, 1 + 4);
  assert.ok(rows.some((r) => r[rows[0]!.indexOf('text')] === "'-2+3"));
  assert.deepEqual(fs.readdirSync(t.dir).filter((f) => f.includes('.partial')), [], 'no partial file left behind');
});

test('export history writes to standard output without --out, same bytes as HTTP', async () => {
  const cli = await runCli(['history', '--from', '2026-11-01', '--to', '2026-11-02', '--bucket', 'hour', '--scope', 'global', '--scope', 'actor:Russia']);
  assert.equal(cli.code, 0, cli.stderr);
  assert.deepEqual(cli.stdout, await httpBytes('/api/export/history.csv?from=2026-11-01&to=2026-11-02&bucket=hour&scope=global&scope=actor:Russia'));
  assert.equal((parse(cli.stdout, { record_delimiter: '\r\n' }) as string[][]).length, 1 + 6 + 3);
});

test('export statements --scope writes the statements of that scope, same bytes as HTTP', async () => {
  const cli = await runCli(['statements', '--from', '2026-11-01', '--to', '2026-11-02', '--scope', 'actor:Russia']);
  assert.equal(cli.code, 0, cli.stderr);
  assert.deepEqual(cli.stdout, await httpBytes('/api/export/statements.csv?from=2026-11-01&to=2026-11-02&scope=actor:Russia'));
  const rows = parse(cli.stdout, { record_delimiter: '\r\n' }) as string[][];
  // Seeded: odd hours speak as Russia, even as Iran (both name Ukraine as target).
  assert.deepEqual(rows.slice(1).map((r) => r[2]), ['Russia', 'Russia', 'Russia']);
});

test('usage errors exit 2 with a message naming the flag, and write no file', async () => {
  const out = path.join(t.dir, 'never.csv');
  const cases: Array<[string[], RegExp]> = [
    [[], /history or statements/],
    [['everything'], /history or statements/],
    [['statements', '--min-score', 'high', '--out', out], /--min-score: must be a number/],
    [['statements', '--from', '2026-11-05', '--to', '2026-11-01', '--out', out], /--from: must be before to/],
    [['statements', '--from', '2026-01-01', '--to', '2026-11-01', '--out', out], /--to: .*at most 40 days/],
    [['history', '--bucket', 'week', '--out', out], /--bucket: must be minute, hour or day/],
    [['history', '--actor', 'Russia'], /--actor does not apply to a history export/],
    [['statements', '--bucket', 'hour'], /--bucket does not apply to a statements export/],
    [['statements', '--scope', 'global', '--scope', 'actor:Russia'], /--scope: a statements export takes one scope/],
    [['statements', '--scope', 'Russia'], /--scope: must be global, actor:NAME/],
    [['statements', '--scope', 'global', '--status', 'pending'], /--status: a scope selects/],
    [['statements', '--form', '2026-11-01'], /Unknown option '--form'/],
  ];
  for (const [args, message] of cases) {
    const cli = await runCli(args);
    assert.equal(cli.code, 2, args.join(' '));
    assert.match(cli.stderr, message, args.join(' '));
  }
  assert.equal(fs.existsSync(out), false);
});
