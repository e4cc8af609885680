import type { PointStyle } from 'chart.js';
import type { Level } from '../../server/scoring/types.ts';
import { levelForScore } from '../../server/scoring/combine.ts';

/**
 * A level is never a colour alone: each has a word, a glyph for text and the matching Chart.js
 * point shape, so a reader who cannot tell the colours apart (or prints in grey) still can.
 * The colours themselves are the CSS custom properties --calm … --severe (styles.css).
 */
export const LEVELS: readonly Level[] = ['calm', 'low', 'elevated', 'high', 'severe'];

export const LEVEL_SHAPES: Record<Level, { glyph: string; pointStyle: PointStyle }> = {
  calm: { glyph: '●', pointStyle: 'circle' },
  low: { glyph: '■', pointStyle: 'rect' },
  elevated: { glyph: '◆', pointStyle: 'rectRot' },
  high: { glyph: '▲', pointStyle: 'triangle' },
  severe: { glyph: '✖', pointStyle: 'crossRot' },
};

export const isLevel = (v: unknown): v is Level => typeof v === 'string' && (LEVELS as readonly string[]).includes(v);

/** The glyph as decoration (hidden from screen readers, which read the word instead). */
export function levelGlyph(level: Level): HTMLSpanElement {
  const g = document.createElement('span');
  g.className = `level-glyph level-${level}`;
  g.setAttribute('aria-hidden', 'true');
  g.textContent = LEVEL_SHAPES[level].glyph;
  return g;
}

/** Glyph plus the word; `hiddenWord` keeps the word for screen readers only (tight lists). */
export function levelMark(level: Level, hiddenWord = false): HTMLSpanElement {
  const wrap = document.createElement('span');
  wrap.className = `level-mark level-${level}`;
  wrap.dataset.level = level;
  const word = document.createElement('span');
  word.textContent = ` ${level}`;
  if (hiddenWord) word.className = 'visually-hidden';
  wrap.append(levelGlyph(level), word);
  return wrap;
}

export const levelOf = (score: number): Level => levelForScore(score);

/**
 * The level colours as the browser resolved them for the current theme (the custom properties
 * hold light-dark() pairs, which only a real property resolves): for the chart's canvas.
 */
export function resolvedLevelColors(root: HTMLElement = document.body): Record<Level, string> & { line: string; grid: string; muted: string } {
  const probe = document.createElement('span');
  probe.hidden = true;
  root.append(probe);
  const read = (v: string) => {
    probe.style.color = `var(${v})`;
    return getComputedStyle(probe).color;
  };
  const colors = {
    calm: read('--calm'),
    low: read('--low'),
    elevated: read('--elevated'),
    high: read('--high'),
    severe: read('--severe'),
    line: read('--chart-line'),
    grid: read('--line'),
    muted: read('--muted'),
  };
  probe.remove();
  return colors;
}
