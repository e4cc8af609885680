// Scorer benchmark: statements/second of score() against the AFINN-165 `sentiment` package on
// the same statements in the same run (warm-up, several rounds, median), memory, timings for
// pathological inputs, and both CLIs whole-process (scripts/bench/score-cli.ts). Run directly (`node --import tsx scripts/bench/score-bench.ts`) or
// through `npm run bench` (which calls run()).

import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadScorer } from '../../server/config/load-scorer.ts';
import { MAX_ANALYSED_CHARS } from '../../server/scoring/index.ts';
import { wholeProcess } from './score-cli.ts';

interface Sentiment {
  analyze(text: string): { score: number; comparative: number };
}
const SentimentCtor = createRequire(import.meta.url)('sentiment') as new () => Sentiment;

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/scoring/', import.meta.url));
const ROUNDS = 7;
const PER_ROUND = 100_000;

/** Every statement text in the scorer's development set (news-style, 40-200 chars). */
export function corpus(): string[] {
  const texts: string[] = [];
  for (const file of readdirSync(FIXTURES).filter((f) => f.endsWith('.jsonl'))) {
    for (const line of readFileSync(path.join(FIXTURES, file), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        const o = JSON.parse(line) as Record<string, unknown>;
        for (const key of ['text', 'high', 'low']) if (typeof o[key] === 'string') texts.push(o[key] as string);
      } catch {
        // the eval sample deliberately contains a malformed line; it is not a statement
        continue;
      }
    }
  }
  return texts;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

type Fn = (t: string) => number;

/** Times one round of PER_ROUND statements; returns statements/second. */
function round(texts: string[], fn: Fn, sink: { sum: number }): number {
  const t0 = process.hrtime.bigint();
  let sum = 0;
  for (let i = 0; i < PER_ROUND; i++) sum += fn(texts[i % texts.length]!);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  sink.sum += sum;
  return PER_ROUND / seconds;
}

/**
 * Alternates rounds of the two scorers (so both see the same machine load) after a warm-up;
 * returns the median rate of each and the median of the per-round ratios.
 */
function compare(texts: string[], a: Fn, b: Fn): { a: number; b: number; ratio: number; checksum: number } {
  const sink = { sum: 0 };
  for (let i = 0; i < 30_000; i++) sink.sum += a(texts[i % texts.length]!) + b(texts[i % texts.length]!);
  const ra: number[] = [];
  const rb: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const x = round(texts, a, sink);
    const y = round(texts, b, sink);
    ra.push(x);
    rb.push(y);
    ratios.push(x / y);
  }
  return { a: median(ra), b: median(rb), ratio: median(ratios), checksum: sink.sum };
}

function timeMs(fn: () => unknown, repeat = 9): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return Math.min(...times); // best of n: the least disturbed by GC and other processes
}

const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export async function run(): Promise<void> {
  const scorer = loadScorer();
  const afinn = new SentimentCtor();
  const texts = corpus();
  let checksum = 0;
  const out = (s: string): boolean => process.stdout.write(s + '\n');

  out(`scorer ${scorer.version}`);
  // Two corpora: the development set's sentences, and two-sentence paragraphs built from them
  // (closer to a statement of a few hundred characters).
  const paragraphs = texts.map((t, i) => `${t} ${texts[(i * 7 + 3) % texts.length]!}`);
  for (const [label, corpusTexts] of [
    ['sentences', texts],
    ['two-sentence paragraphs', paragraphs],
  ] as const) {
    const mean = corpusTexts.reduce((a, t) => a + t.length, 0) / corpusTexts.length;
    out(`${label}: ${corpusTexts.length} distinct (mean ${mean.toFixed(0)} chars), ${ROUNDS} alternating rounds x ${fmtInt(PER_ROUND)} each, median`);
    const c = compare(
      corpusTexts,
      (t) => scorer.score(t).score,
      (t) => afinn.analyze(t).comparative,
    );
    out(`  brinkwatch score():      ${fmtInt(c.a).padStart(9)} statements/s`);
    out(`  AFINN-165 (sentiment):   ${fmtInt(c.b).padStart(9)} statements/s`);
    out(`  ratio brinkwatch/AFINN:  ${c.ratio.toFixed(2)} (median of per-round ratios; the 0.50 target is on the whole-process ratio below)`);
    checksum += c.checksum;
  }

  const mem = process.memoryUsage();
  out(`memory: peak RSS ${mb(process.resourceUsage().maxRSS * 1024)}, heap used ${mb(mem.heapUsed)} of ${mb(mem.heapTotal)}`);

  out(`pathological inputs (best of 9 runs; only the first ${fmtInt(MAX_ANALYSED_CHARS)} chars are analysed):`);
  const sentence = 'Russia warned that any attack on its territory would be met with a crushing response. ';
  const prose = (chars: number): string => sentence.repeat(Math.ceil(chars / sentence.length)).slice(0, chars);
  const rows: Array<[string, string]> = [
    ['prose 5,000 chars', prose(5_000)],
    ['prose 10,000 chars', prose(10_000)],
    ['prose 20,000 chars', prose(20_000)],
    ['prose 1 MB', prose(1_000_000)],
    ['prose 2 MB', prose(2_000_000)],
    ['one 100,000-char word', 'a'.repeat(100_000)],
    ['1 MB of emoji', '\u{1F4A5}'.repeat(500_000)],
    ['1 MB of lone surrogates/controls', '\uD800\u0000'.repeat(500_000)],
    ['1 MB of "attack "', 'attack '.repeat(150_000)],
    ['1 MB of punctuation', '?!.,'.repeat(250_000)],
  ];
  for (let i = 0; i < 30; i++) scorer.score(prose(20_000)); // warm the long-text paths
  const timings = new Map<string, number>();
  for (const [name, built] of rows) {
    // a flat copy, so that the timing does not include flattening a rope built by repeat()
    const text = Buffer.from(built, 'utf16le').toString('utf16le');
    const ms = timeMs(() => scorer.score(text));
    timings.set(name, ms);
    out(`  ${name.padEnd(34)} ${ms.toFixed(2).padStart(8)} ms`);
  }
  const ratio = (a: string, b: string): string => (timings.get(a)! / timings.get(b)!).toFixed(2);
  out(`  linearity below the cap: 10k/5k = ${ratio('prose 10,000 chars', 'prose 5,000 chars')}, 20k/10k = ${ratio('prose 20,000 chars', 'prose 10,000 chars')} (linear ~2)`);
  out(`  above the cap: 2 MB / 1 MB = ${ratio('prose 2 MB', 'prose 1 MB')} (capped ~1)`);
  wholeProcess(texts, out);
  out(`checksum ${checksum.toFixed(1)}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await run();
}
