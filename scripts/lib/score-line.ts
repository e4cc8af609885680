// One output line of `npm run score`, written by hand rather than by JSON.stringify on the
// whole result: the shape is fixed, numbers are finite, and the few fixed strings (level,
// category, polarity, modality, version) are quoted once and reused, so only free text (the
// id, signal texts, actor names) goes through JSON.stringify. The output is exactly
// JSON.stringify({ id, score, level, signals, actors, version }) (a test compares the two).

import type { ScoreResult, Signal } from '../../server/scoring/index.ts';

const quoted = new Map<string, string>();
/** JSON of a string from a small fixed set, memoised. */
function q(s: string): string {
  let j = quoted.get(s);
  if (j === undefined) {
    j = JSON.stringify(s);
    if (quoted.size < 1_000) quoted.set(s, j);
  }
  return j;
}

function signalJson(s: Signal): string {
  return (
    '{"category":' + q(s.category) + ',"polarity":' + q(s.polarity) + ',"weight":' + String(s.weight) +
    ',"modality":' + q(s.modality) + ',"text":' + JSON.stringify(s.text) + ',"start":' + String(s.start) +
    ',"end":' + String(s.end) + '}'
  );
}

function names(list: string[]): string {
  let out = '[';
  for (let i = 0; i < list.length; i++) out += (i > 0 ? ',' : '') + JSON.stringify(list[i]);
  return out + ']';
}

export function scoreLine(id: unknown, r: ScoreResult): string {
  let signals = '[';
  for (let i = 0; i < r.signals.length; i++) signals += (i > 0 ? ',' : '') + signalJson(r.signals[i]!);
  signals += ']';
  const a = r.actors;
  const actors =
    '{"speaker":' + (a.speaker === null ? 'null' : JSON.stringify(a.speaker)) + ',"targets":' + names(a.targets) +
    ',"mentioned":' + names(a.mentioned) +
    (a.speakerInstitution === undefined ? '' : ',"speakerInstitution":' + JSON.stringify(a.speakerInstitution)) + '}';
  const idJson = JSON.stringify(id);
  return (
    '{' + (idJson === undefined ? '' : '"id":' + idJson + ',') + '"score":' + String(r.score) + ',"level":' + q(r.level) +
    ',"signals":' + signals + ',"actors":' + actors + ',"version":' + q(r.version) + '}'
  );
}
