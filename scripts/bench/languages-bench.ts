// Scorer throughput on a mixed-language file beside English only and AFINN-165, in one run:
// `npm run bench -- languages`. The mixed corpus takes equal shares of English and of every
// language with fixtures in test/fixtures/scoring/<lang>/ (Russian, Ukrainian, ...), each
// statement read in its language, as the score job does; English only is the English
// development set; AFINN-165 (`sentiment`) scores the mixed corpus (it reads English words
// only, so its figure is a speed baseline, not a quality one). Alternating rounds, median.

import { createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadScorer } from '../../server/config/load-scorer.ts';
import { corpus } from './score-bench.ts';

interface Sentiment {
  analyze(text: string): { comparative: number };
}
const SentimentCtor = createRequire(import.meta.url)('sentiment') as new () => Sentiment;
const FIXTURES = fileURLToPath(new URL('../../test/fixtures/scoring/', import.meta.url));
const ROUNDS = 7;
const PER_ROUND = 50_000;

interface Item {
  text: string;
  lang: string;
}

/** Texts of the fixtures of each language folder, by language. */
function languageTexts(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const d of readdirSync(FIXTURES, { withFileTypes: true }).filter((x) => x.isDirectory())) {
    const texts: string[] = [];
    for (const f of ['bands.jsonl', 'pairs.jsonl']) {
      const file = path.join(FIXTURES, d.name, f);
      if (!existsSync(file)) continue;
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (line.trim() === '') continue;
        const o = JSON.parse(line) as Record<string, unknown>;
        for (const k of ['text', 'high', 'low']) if (typeof o[k] === 'string') texts.push(o[k] as string);
      }
    }
    if (texts.length > 0) out.set(d.name, texts);
  }
  return out;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');

function rate(items: Item[], fn: (i: Item) => number, sink: { sum: number }): number {
  const t0 = process.hrtime.bigint();
  let s = 0;
  for (let i = 0; i < PER_ROUND; i++) s += fn(items[i % items.length]!);
  sink.sum += s;
  return PER_ROUND / (Number(process.hrtime.bigint() - t0) / 1e9);
}

export async function run(): Promise<void> {
  const out = (s: string): boolean => process.stdout.write(s + '\n');
  const scorer = loadScorer();
  const afinn = new SentimentCtor();
  const english: Item[] = corpus().map((text) => ({ text, lang: 'en' }));
  const byLang = languageTexts();
  // equal shares: as many statements of each language as the smallest has, interleaved
  const share = Math.min(english.length, ...[...byLang.values()].map((t) => t.length));
  const mixed: Item[] = [];
  for (let i = 0; i < share; i++) {
    mixed.push(english[i]!);
    for (const [lang, texts] of byLang) mixed.push({ text: texts[i]!, lang });
  }
  const mean = (xs: Item[]): string => (xs.reduce((a, x) => a + x.text.length, 0) / xs.length).toFixed(0);
  out(`scorer reads ${scorer.languages?.join(', ')}; mixed corpus: ${mixed.length} statements (en + ${[...byLang.keys()].join(' + ')}, ${share} each, mean ${mean(mixed)} chars); English only: ${english.length} (mean ${mean(english)} chars)`);
  const runs = {
    mixed: (i: Item) => scorer.score(i.text, { lang: i.lang }).score,
    english: (i: Item) => scorer.score(i.text, { lang: 'en' }).score,
    afinn: (i: Item) => afinn.analyze(i.text).comparative,
  };
  const sink = { sum: 0 };
  for (let i = 0; i < 20_000; i++) sink.sum += runs.mixed(mixed[i % mixed.length]!) + runs.english(english[i % english.length]!);
  const rates = { mixed: [] as number[], english: [] as number[], afinn: [] as number[], ratio: [] as number[] };
  for (let r = 0; r < ROUNDS; r++) {
    const m = rate(mixed, runs.mixed, sink);
    const e = rate(english, runs.english, sink);
    rates.mixed.push(m);
    rates.english.push(e);
    rates.ratio.push(m / e);
    rates.afinn.push(rate(mixed, runs.afinn, sink));
  }
  out(`${ROUNDS} alternating rounds x ${fmtInt(PER_ROUND)} statements, median:`);
  out(`  mixed languages (score()):   ${fmtInt(median(rates.mixed)).padStart(9)} statements/s`);
  out(`  English only (score()):      ${fmtInt(median(rates.english)).padStart(9)} statements/s`);
  out(`  AFINN-165 on the mixed file: ${fmtInt(median(rates.afinn)).padStart(9)} statements/s`);
  out(`  ratio mixed/English only:    ${median(rates.ratio).toFixed(2)} (median of per-round ratios; target >= 0.50)`);
  out(`checksum ${sink.sum.toFixed(1)}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await run();
}
