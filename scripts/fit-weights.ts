// node --import tsx scripts/fit-weights.ts LABELLED.jsonl [CHECK.jsonl]
//
// Cross-validates fitting ONE global weight on a labelled file (fields text, quadclass 1-4):
// the candidates are every taxonomy category's weight at x0.5 and x1.5 and a small grid of
// calibration and modality constants around the shipped values. The file is split into 5
// folds (line i in fold i mod 5); for each fold the candidate with the best ROC-AUC (conflict
// 3-4 vs cooperation 1-2) on the other four is chosen and scored on the held-out fold. Prints
// each fold's choice and the mean held-out AUC beside the shipped lexicon's, and the AUC on
// CHECK.jsonl (another labelled file) with each chosen weight. Phrases are never fitted.
// Keep labelled development sets outside the project.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_LEXICON_DIR, LEXICON_FILES } from '../server/config/load-scorer.ts';
import { createScorer } from '../server/scoring/index.ts';
import { rocAuc } from '../server/scoring/rank-stats.ts';
import { parseStatementLine } from '../server/scoring/statement-line.ts';

// the lexicon JSON as read (validated by createScorer), edited in place per candidate
type Lex = Record<string, any>;
interface Row { text: string; conflict: boolean }

function readLabelled(file: string): Row[] {
  const rows: Row[] = [];
  readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const p = parseStatementLine(line);
    const q = p.ok ? p.value.record['quadclass'] : undefined;
    if (!p.ok || typeof q !== 'number' || ![1, 2, 3, 4].includes(q)) {
      process.stderr.write(`${file} line ${i + 1}: skipped: ${p.ok ? '"quadclass" must be 1, 2, 3 or 4' : p.message}\n`);
      return;
    }
    rows.push({ text: p.value.text, conflict: q >= 3 });
  });
  return rows;
}

const [file, check] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write('usage: node --import tsx scripts/fit-weights.ts LABELLED.jsonl [CHECK.jsonl]\n');
  process.exit(1);
}
const base: Lex = {};
for (const [key, name] of Object.entries(LEXICON_FILES)) base[key] = JSON.parse(readFileSync(path.join(DEFAULT_LEXICON_DIR, name), 'utf8'));
const rows = readLabelled(file);
const checkRows = check === undefined ? [] : readLabelled(check);

const candidates: Array<[string, (lex: Lex) => void]> = [['shipped', () => {}]];
for (const c of base['taxonomy'].categories as Array<{ id: string; kind: string; weight: number }>) {
  if (c.kind === 'shield') continue;
  for (const m of [0.5, 1.5]) candidates.push([`${c.id} weight x${m}`, (l) => void (l['taxonomy'].categories.find((x: { id: string }) => x.id === c.id).weight = c.weight * m)]);
}
const cal = base['taxonomy'].calibration as Record<string, number>;
for (const k of ['deescalationFactor', 'decay', 'leadBoost', 'repeatDecay', 'reversal', 'claimed', 'nonviolentThreat']) {
  for (const m of [0.7, 1.3]) candidates.push([`calibration.${k} ${Math.min(k === 'decay' ? 1 : 5, cal[k]! * m).toFixed(3)}`, (l) => void (l['taxonomy'].calibration[k] = Math.min(k === 'decay' ? 1 : 5, cal[k]! * m))]);
}
for (const [mod, cls] of [['negated', 'vocabulary'], ['addressed', 'vocabulary'], ['intended', 'vocabulary'], ['intended', 'deescalation'], ['past', 'escalation-event']]) {
  const f = base['taxonomy'].modality[mod!][cls!].factor as number;
  for (const m of [0.6, 1.4]) candidates.push([`modality.${mod}.${cls} ${Math.min(1, f * m).toFixed(2)}`, (l) => void (l['taxonomy'].modality[mod!][cls!].factor = Math.min(1, f * m))]);
}

const labels = rows.map((r) => r.conflict);
const scores: number[][] = [];
const checkAuc: number[] = [];
for (const [, change] of candidates) {
  const lex = structuredClone(base);
  change(lex);
  const scorer = createScorer(lex);
  scores.push(rows.map((r) => scorer.score(r.text).score));
  checkAuc.push(checkRows.length > 0 ? rocAuc(checkRows.map((r) => scorer.score(r.text).score), checkRows.map((r) => r.conflict)) : NaN);
}
const pick = <T>(xs: T[], fold: number, inFold: boolean): T[] => xs.filter((_, i) => (i % 5 === fold) === inFold);
let held = 0;
let heldShipped = 0;
for (let k = 0; k < 5; k++) {
  let best = 0;
  let bestAuc = -1;
  scores.forEach((s, c) => {
    const a = rocAuc(pick(s, k, false), pick(labels, k, false));
    if (a > bestAuc) [best, bestAuc] = [c, a];
  });
  const a = rocAuc(pick(scores[best]!, k, true), pick(labels, k, true));
  const a0 = rocAuc(pick(scores[0]!, k, true), pick(labels, k, true));
  held += a / 5;
  heldShipped += a0 / 5;
  const checked = checkRows.length > 0 ? `; ${path.basename(check!)} ${checkAuc[best]!.toFixed(4)}` : '';
  process.stdout.write(`fold ${k + 1}: chose ${candidates[best]![0]} (train ${bestAuc.toFixed(4)}); held-out ${a.toFixed(4)}, shipped ${a0.toFixed(4)}${checked}\n`);
}
process.stdout.write(`${candidates.length} candidates; mean held-out AUC ${held.toFixed(4)}, shipped lexicon ${heldShipped.toFixed(4)}\n`);
