// npm run eval-languages -- MULTILINGUAL.jsonl ENGLISH.jsonl [--lang ru,uk]
//
// Per language, the ROC-AUC of the scorer, conflict (quadclass 3 or 4) against cooperation
// (1 or 2), on a file of translations ({"lang", "text", "quadclass", "en_id", "raw_check"?}),
// beside the English scorer's AUC on the English originals of the same rows ({"id", "text"} in
// ENGLISH.jsonl, matched by en_id): for all rows and for rows with raw_check "unanimous". Each
// statement is read in the language its row names (the language gate is measured separately,
// `npm run lang-eval`). The development files live outside the project (../shared/eval); no
// sentence of them is copied into it.

import { readFileSync } from 'node:fs';
import { loadScorer } from '../server/config/load-scorer.ts';
import { rocAuc } from '../server/scoring/rank-stats.ts';

interface Row {
  lang: string;
  text: string;
  quadclass: number;
  en_id?: string;
  raw_check?: string;
}

function readRows<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

function auc(pairs: Array<{ score: number; quadclass: number }>): number {
  const scores = pairs.map((p) => p.score);
  return rocAuc(scores, pairs.map((p) => p.quadclass >= 3));
}

const fmt = (x: number): string => (Number.isNaN(x) ? '  n/a' : x.toFixed(3));

function main(): number {
  const args = process.argv.slice(2);
  const flag = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args.splice(i, 2)[1] : undefined;
  };
  const only = flag('--lang')?.split(',');
  const [multiFile, englishFile] = args;
  if (multiFile === undefined || englishFile === undefined) {
    process.stderr.write('usage: npm run eval-languages -- MULTILINGUAL.jsonl ENGLISH.jsonl [--lang ru,uk]\n');
    return 1;
  }
  const scorer = loadScorer();
  const reads = new Set(scorer.languages ?? ['en']);
  const english = new Map(readRows<{ id: string; text: string }>(englishFile).map((r) => [r.id, r.text]));
  const rows = readRows<Row>(multiFile).filter((r) => r.quadclass >= 1 && r.quadclass <= 4 && (only === undefined || only.includes(r.lang)));
  const enScore = new Map<string, number>();
  const scoreEnglish = (id: string): number | undefined => {
    if (!enScore.has(id) && english.has(id)) enScore.set(id, scorer.score(english.get(id)!, { lang: 'en' }).score);
    return enScore.get(id);
  };
  const langs = [...new Set(rows.map((r) => r.lang))].sort();
  process.stdout.write(`scorer ${scorer.version}; reads ${[...reads].join(', ')}\n`);
  process.stdout.write('lang  rows   AUC    English  gap    | unanimous rows  AUC    English  gap\n');
  for (const lang of langs) {
    const mine = rows.filter((r) => r.lang === lang);
    const scored = mine.map((r) => ({ r, score: scorer.score(r.text, { lang }).score, en: r.en_id === undefined ? undefined : scoreEnglish(r.en_id) }));
    const line = (set: typeof scored): string => {
      const a = auc(set.map((s) => ({ score: s.score, quadclass: s.r.quadclass })));
      const withEn = set.filter((s) => s.en !== undefined);
      const e = auc(withEn.map((s) => ({ score: s.en!, quadclass: s.r.quadclass })));
      return `${String(set.length).padStart(5)}  ${fmt(a)}  ${fmt(e)}    ${(a - e >= 0 ? '+' : '') + fmt(a - e)}`;
    };
    const note = reads.has(lang) ? '' : '  (no data for this language: read as English)';
    process.stdout.write(`${lang.padEnd(4)} ${line(scored)} |      ${line(scored.filter((s) => s.r.raw_check === 'unanimous'))}${note}\n`);
  }
  return 0;
}

process.exitCode = main();
