// npm run eval -- FILE.jsonl
//
// Scores a labelled JSON-lines file (fields: text, quadclass 1-4, goldstein number or null) with
// the Brinkwatch scorer and with the AFINN-165 lexicon (`sentiment` package, negated
// comparative score, so higher = more negative) and prints, side by side:
//   - ROC-AUC, conflict (quadclass 3 or 4) vs cooperation (1 or 2)
//   - ROC-AUC, material conflict (4) vs the rest
//   - Spearman rho against -goldstein, over lines that have a goldstein value
// Bad lines are reported on stderr with their line number (as in `npm run score`) and skipped.
// Exit code 0 on success, 1 if the file cannot be read, 2 if no usable line was found.

import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { loadScorer } from '../server/config/load-scorer.ts';
import { parseStatementLine } from '../server/scoring/statement-line.ts';
import { rocAuc, spearman } from '../server/scoring/rank-stats.ts';

interface Sentiment {
  analyze(text: string): { score: number; comparative: number };
}
const SentimentCtor = createRequire(import.meta.url)('sentiment') as new () => Sentiment;

interface Row {
  quadclass: number;
  goldstein: number | null;
  ours: number;
  afinn: number;
}

function fmt(x: number): string {
  return Number.isNaN(x) ? '   n/a' : x.toFixed(3).padStart(6);
}

async function main(): Promise<number> {
  const file = process.argv[2];
  if (file === undefined || file === '') {
    process.stderr.write('usage: npm run eval -- FILE.jsonl\n');
    return 1;
  }
  const scorer = loadScorer();
  const afinn = new SentimentCtor();
  const rows: Row[] = [];
  let lineNo = 0;
  let bad = 0;
  const input = createReadStream(file, { encoding: 'utf8' });
  const rl = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of rl) {
      lineNo++;
      if (line.trim() === '') continue;
      const parsed = parseStatementLine(line);
      let reason: string | null = parsed.ok ? null : parsed.message;
      let quadclass = NaN;
      let goldstein: number | null = null;
      if (parsed.ok) {
        const q = parsed.value.record['quadclass'];
        const g = parsed.value.record['goldstein'];
        if (typeof q !== 'number' || ![1, 2, 3, 4].includes(q)) reason = '"quadclass" must be 1, 2, 3 or 4';
        else if (g !== undefined && g !== null && (typeof g !== 'number' || !Number.isFinite(g))) reason = '"goldstein" must be a number or null';
        else {
          quadclass = q;
          goldstein = typeof g === 'number' ? g : null;
        }
      }
      if (reason !== null || !parsed.ok) {
        bad++;
        process.stderr.write(`line ${lineNo}: skipped: ${reason}\n`);
        continue;
      }
      const text = parsed.value.text;
      rows.push({ quadclass, goldstein, ours: scorer.score(text).score, afinn: -afinn.analyze(text).comparative });
    }
  } catch (err) {
    process.stderr.write(`eval: cannot read ${file}: ${(err as Error).message}\n`);
    return 1;
  }
  if (rows.length === 0) {
    process.stderr.write('eval: no usable lines\n');
    return 2;
  }
  const conflict = rows.map((r) => r.quadclass >= 3);
  const material = rows.map((r) => r.quadclass === 4);
  const withG = rows.filter((r) => r.goldstein !== null);
  const counts = [1, 2, 3, 4].map((q) => rows.filter((r) => r.quadclass === q).length);
  const figures: Array<[string, number, number]> = [
    ['ROC-AUC conflict (3,4) vs cooperation (1,2)', rocAuc(rows.map((r) => r.ours), conflict), rocAuc(rows.map((r) => r.afinn), conflict)],
    ['ROC-AUC material conflict (4) vs rest', rocAuc(rows.map((r) => r.ours), material), rocAuc(rows.map((r) => r.afinn), material)],
    [
      `Spearman rho vs -goldstein (n=${withG.length})`,
      spearman(withG.map((r) => r.ours), withG.map((r) => -(r.goldstein as number))),
      spearman(withG.map((r) => r.afinn), withG.map((r) => -(r.goldstein as number))),
    ],
  ];
  const out: string[] = [];
  out.push(`file: ${file}`);
  out.push(`statements: ${rows.length} scored, ${bad} bad line(s) skipped; quadclass 1/2/3/4: ${counts.join('/')}`);
  out.push(`scorer: ${scorer.version}`);
  out.push('');
  out.push(`${'metric'.padEnd(48)} ${'brinkwatch'.padStart(10)} ${'AFINN-165'.padStart(10)}`);
  for (const [name, a, b] of figures) out.push(`${name.padEnd(48)} ${fmt(a).padStart(10)} ${fmt(b).padStart(10)}`);
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`eval: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
