import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { contrastRatio, deltaE2000, deltaE2000Lab, parseHex, simulate, type Rgb } from '../helpers/color-science.ts';
import { ROOT } from '../helpers/spawn-server.ts';

/**
 * The palette as the browser gets it: the last `:root { … }` block of styles.css, whose
 * custom properties hold light-dark(LIGHT, DARK) pairs.
 */
function themes(): { light: Record<string, Rgb>; dark: Record<string, Rgb> } {
  const css = fs.readFileSync(path.join(ROOT, 'client', 'src', 'styles.css'), 'utf8');
  const blocks = [...css.matchAll(/(^|\n):root\s*\{([^}]*)\}/g)].map((m) => m[2]!);
  const block = blocks.findLast((b) => b.includes('light-dark('));
  assert.ok(block, 'styles.css has a :root block with light-dark() pairs');
  const light: Record<string, Rgb> = {};
  const dark: Record<string, Rgb> = {};
  for (const m of block.matchAll(/--([\w-]+):\s*light-dark\(\s*(#[0-9a-f]+)\s*,\s*(#[0-9a-f]+)\s*\)/gi)) {
    light[m[1]!] = parseHex(m[2]!);
    dark[m[1]!] = parseHex(m[3]!);
  }
  return { light, dark };
}

const LEVELS = ['calm', 'low', 'elevated', 'high', 'severe'];
const TEXT = ['text', 'muted', 'deesc', 'focus', ...LEVELS];
const BACKGROUNDS = ['bg', 'panel', 'control'];
const MIN_DELTA_E = 10;

describe('colour science helpers', () => {
  it('contrastRatio() gives 21 for black on white and 1 for a colour on itself', () => {
    assert.equal(Math.round(contrastRatio([0, 0, 0], [255, 255, 255]) * 100) / 100, 21);
    assert.equal(contrastRatio([120, 30, 200], [120, 30, 200]), 1);
    assert.equal(Math.round(contrastRatio(parseHex('#767676'), parseHex('#ffffff')) * 100) / 100, 4.54);
  });
  it('deltaE2000Lab() matches Sharma, Wu & Dalal (2005) reference pairs', () => {
    assert.equal(Math.round(deltaE2000Lab([50, 2.6772, -79.7751], [50, 0, -82.7485]) * 1e4) / 1e4, 2.0425);
    assert.equal(Math.round(deltaE2000Lab([50, 2.5, 0], [73, 25, -18]) * 1e4) / 1e4, 27.1492);
    assert.equal(Math.round(deltaE2000Lab([2.0776, 0.0795, -1.135], [0.9033, -0.0636, -0.5514]) * 1e4) / 1e4, 0.9082);
  });
  it('simulate() merges red and green for a deuteranope but keeps blue and yellow apart', () => {
    assert.ok(deltaE2000(simulate(parseHex('#d62728'), 'deuteranopia'), simulate(parseHex('#2ca02c'), 'deuteranopia')) < deltaE2000(parseHex('#d62728'), parseHex('#2ca02c')) / 2);
    assert.ok(deltaE2000(simulate(parseHex('#1f77b4'), 'deuteranopia'), simulate(parseHex('#f0e442'), 'deuteranopia')) > 40);
    // The palette before this change collapsed "elevated" and "high" for deuteranopes.
    assert.ok(deltaE2000(simulate(parseHex('#d29922'), 'deuteranopia'), simulate(parseHex('#f0883e'), 'deuteranopia')) < MIN_DELTA_E);
  });
});

for (const themeName of ['dark', 'light'] as const) {
  describe(`the ${themeName} theme`, () => {
    const theme = themes()[themeName];
    it('defines every colour the checks need', () => {
      for (const name of [...TEXT, ...BACKGROUNDS]) assert.ok(theme[name], `--${name} has a light-dark() pair`);
    });
    it('gives every text colour a contrast of at least 4.5:1 on every background', () => {
      const failures: string[] = [];
      for (const fg of TEXT) {
        for (const bg of BACKGROUNDS) {
          const ratio = contrastRatio(theme[fg]!, theme[bg]!);
          if (ratio < 4.5) failures.push(`--${fg} on --${bg}: ${ratio.toFixed(2)}:1`);
        }
      }
      assert.deepEqual(failures, []);
    });
    it('keeps statement text readable on the evidence highlights (4.5:1)', () => {
      const failures: string[] = [];
      for (const fg of ['text', 'muted']) {
        for (const bg of ['mark-esc', 'mark-deesc', 'mark-muted']) {
          assert.ok(theme[bg], `--${bg} has a light-dark() pair`);
          const ratio = contrastRatio(theme[fg]!, theme[bg]!);
          if (ratio < 4.5) failures.push(`--${fg} on --${bg}: ${ratio.toFixed(2)}:1`);
        }
      }
      assert.deepEqual(failures, []);
    });
    for (const vision of ['normal', 'protanopia', 'deuteranopia'] as const) {
      it(`keeps the five levels apart for ${vision} vision (CIEDE2000 >= ${MIN_DELTA_E} for every pair)`, () => {
        const seen = LEVELS.map((l) => (vision === 'normal' ? theme[l]! : simulate(theme[l]!, vision)));
        const close: string[] = [];
        for (let i = 0; i < seen.length; i++) {
          for (let j = i + 1; j < seen.length; j++) {
            const d = deltaE2000(seen[i]!, seen[j]!);
            if (d < MIN_DELTA_E) close.push(`${LEVELS[i]} / ${LEVELS[j]}: ΔE ${d.toFixed(1)}`);
          }
        }
        assert.deepEqual(close, []);
      });
    }
  });
}
