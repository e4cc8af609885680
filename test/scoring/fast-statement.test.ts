// The score CLI's fast reading of an input line (scripts/lib/fast-statement.ts) must accept only
// lines JSON.parse accepts and read the same id, text and speaker; everything else goes to
// parseStatementLine (JSON.parse), which reads it or reports what is wrong.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readStatementFast, type FastStatement } from '../../scripts/lib/fast-statement.ts';
import { parseStatementLine } from '../../server/scoring/statement-line.ts';

const slot = (): FastStatement => ({ id: 'stale', text: 'stale', speaker: 'stale' });

/** Whether the fast path read the line; when it did, it read what JSON.parse reads. */
function agrees(line: string): boolean {
  const out = slot();
  const fast = readStatementFast(line, out);
  if (!fast) return false;
  const parsed = parseStatementLine(line);
  assert.ok(parsed.ok, `fast path accepted a line JSON.parse rejects: ${JSON.stringify(line)}`);
  assert.deepEqual({ id: out.id, text: out.text, speaker: out.speaker }, { id: parsed.value.id, text: parsed.value.text, speaker: parsed.value.speaker }, JSON.stringify(line));
  return true;
}

test('common lines are read without JSON.parse, with the same values', () => {
  const common = [
    '{"id":"s1","text":"Russia warned NATO it would strike."}',
    '{"id": "un-00000", "text": "Colombia, Chile and Peru enacted laws.", "cameo": null, "root": null, "quadclass": 1, "goldstein": -7.5e+1, "source": "un"}',
    '{"text":"no id"}',
    '{"id":null,"text":"null id","speaker":null}',
    '{"id":"a","text":"Talks resumed.","speaker":"Kremlin"}',
    '  { "id" : "spaces" ,\t"text" : "Troops shelled the town." }  ',
    '{"id":"dup","text":"first","text":"second","speaker":"x","speaker":null}',
    '{"id":"x","id":null,"text":"last id wins"}',
    '{"id":"uni","text":"café — Genève ’s \u2028 \uD800 lone \u{1F4A5}"}',
    '{"text":"","id":"empty"}',
    '{"__proto__":"p","text":"proto key","flag":true,"off":false,"n":-0.5,"z":0,"e":1E-3}',
  ];
  for (const line of common) assert.equal(agrees(line), true, line);
});

test('unusual and bad lines go to JSON.parse', () => {
  const others = [
    '{"id":"esc","text":"a \\"quoted\\" word"}', // an escape
    '{"id":"u\\u00e9","text":"x"}',
    '{"te\\u0078t":"escaped key"}',
    '{"id":7,"text":"number id"}',
    '{"id":true,"text":"boolean id"}',
    '{"id":{"a":1},"text":"object id"}',
    '{"id":"n","text":"x","meta":{"text":"inner"}}',
    '{"id":"n","text":"x","list":[1,2]}',
    '{"id":"s","text":"x","speaker":5}',
    '{"id":"t","text":null}',
    '{"id":"t","text":5}',
    '{"id":"t"}',
    '{}',
    '[1,2]',
    '"text"',
    'null',
    'not json',
    '',
    '{"id":"trail","text":"ok"} junk',
    '{"id":"trail","text":"ok"},',
    '{"id":"a","text":"ok",}',
    '{"id":"a" "text":"ok"}',
    '{"id":"a","text":"ok"',
    '{"id":"a","text":"ok',
    '{"id":"raw\ttab","text":"x"}',
    '{"id":"ctl","text":"raw\u0001control"}',
    '{"id":"ws","text":"x"}\u00a0',
    '\ufeff{"id":"bom","text":"x"}',
    '{"id":"n","text":"x","n":01}',
    '{"id":"n","text":"x","n":1.}',
    '{"id":"n","text":"x","n":.5}',
    '{"id":"n","text":"x","n":-}',
    '{"id":"n","text":"x","n":1e}',
    '{"id":"n","text":"x","n":+1}',
    '{"id":"n","text":"x","n":tru}',
    '{"id":"n","text":"x","n":nul}',
    '{"id":"n","text":"x","n":NaN}',
    "{'id':'single','text':'quotes'}",
  ];
  for (const line of others) {
    const out = slot();
    assert.equal(readStatementFast(line, out), false, line);
  }
});

test('random damage to valid lines: whatever the fast path accepts, JSON.parse reads the same', () => {
  const seeds = [
    '{"id":"s1","text":"Russia warned NATO it would strike.","speaker":"Kremlin","n":-12.5e3,"ok":true}',
    '{"id": "un-1", "text": "Talks \\"resumed\\".", "cameo": null, "q": [1, {"text": "x"}]}',
  ];
  const alphabet = ['"', '\\', ',', ':', '{', '}', '[', ']', ' ', '\t', '0', '1', '-', '+', '.', 'e', 'E', 'n', 't', 'f', 'x', '\u0001', '\u00e9', '\uD800'];
  let state = 12345;
  const rand = (k: number): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state % k;
  };
  let accepted = 0;
  for (let i = 0; i < 20_000; i++) {
    let line = seeds[i % seeds.length]!;
    for (let m = 0, edits = 1 + rand(3); m < edits; m++) {
      const at = rand(line.length + 1);
      const op = rand(3);
      const ch = alphabet[rand(alphabet.length)]!;
      line = op === 0 ? line.slice(0, at) + ch + line.slice(at) : op === 1 ? line.slice(0, at) + line.slice(at + 1) : line.slice(0, at) + ch + line.slice(at + 1);
    }
    if (agrees(line)) accepted++;
  }
  assert.ok(accepted > 1_000, `only ${accepted} damaged lines took the fast path: the test would not see a wrong acceptance`);
});
