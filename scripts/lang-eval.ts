/**
 * npm run lang-eval -- FILE.jsonl [FILE.jsonl ...]
 *
 * How the language gate (server/ingest/statement-language.ts) decides labelled statements: per
 * file and `lang` field (default en), how many are marked unsupported, how many get the right
 * language code, and by which route (function words, detector, script, too short), for the full
 * text and for its first 8 words (short statements). Lines are JSON objects with `text` and
 * optionally `lang` (ISO 639-1). The share of English marked unsupported must stay at 0.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadLanguageDetector } from '../server/ingest/language-detector.ts';
import { createLanguageGate, SCORER_LANGUAGES } from '../server/ingest/statement-language.ts';

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write('usage: npm run lang-eval -- FILE.jsonl [FILE.jsonl ...]   (lines: {"text": ..., "lang"?: "ru"})\n');
  process.exit(2);
}
const detect = await loadLanguageDetector();
let calls = 0;
const gate = createLanguageGate({
  languages: SCORER_LANGUAGES,
  detect: (t) => {
    calls++;
    return detect(t);
  },
});
const firstWords = (t: string, n: number) => t.split(/\s+/).slice(0, n).join(' ');
const started = performance.now();
let decided = 0;
process.stdout.write(`scorer reads: ${SCORER_LANGUAGES.join(', ')}\n`);
for (const file of files) {
  const groups = new Map<string, string[]>();
  for (const [i, line] of fs.readFileSync(file, 'utf8').split('\n').entries()) {
    if (line.trim() === '') continue;
    let o: { text?: unknown; lang?: unknown };
    try {
      o = JSON.parse(line) as typeof o;
    } catch {
      process.stderr.write(`${file}:${i + 1}: not JSON, skipped\n`);
      continue;
    }
    if (typeof o.text !== 'string') continue;
    const lang = typeof o.lang === 'string' ? o.lang : 'en';
    groups.set(lang, [...(groups.get(lang) ?? []), o.text]);
  }
  for (const [lang, texts] of groups) {
    for (const [variant, f] of [['full', (t: string) => t], ['8 words', (t: string) => firstWords(t, 8)]] as const) {
      let unsupported = 0;
      let right = 0;
      const via: Record<string, number> = {};
      for (const t of texts) {
        const d = gate.decide(f(t));
        decided++;
        if (!d.supported) unsupported++;
        if (d.lang === lang) right++;
        via[d.via] = (via[d.via] ?? 0) + 1;
      }
      const pct = (n: number) => `${((100 * n) / texts.length).toFixed(2)}%`;
      process.stdout.write(
        `${path.basename(file)} ${lang} ${variant}: ${texts.length} statements, unsupported ${unsupported} (${pct(unsupported)}), ` +
          `language right ${pct(right)}, via ${Object.entries(via).map(([k, v]) => `${k} ${v}`).join(', ')}\n`,
      );
    }
  }
}
const ms = performance.now() - started;
process.stdout.write(`${decided} decisions in ${(ms / 1000).toFixed(1)} s (${((ms * 1000) / decided).toFixed(1)} µs each); detector consulted ${calls} times\n`);
