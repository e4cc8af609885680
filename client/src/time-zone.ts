/**
 * Times with their zone: the browser's own zone (local) or UTC, switched by the page and kept in
 * the URL (tz=utc). Formats follow the browser's locale (Intl), and every label names its zone,
 * e.g. "1 Dec 2026, 14:05 GMT+1" or "1 Dec 2026, 13:05 UTC".
 */
import type { ZoneMode } from './url-state.ts';

let mode: ZoneMode = 'local';
const listeners = new Set<(m: ZoneMode) => void>();

export function zoneMode(): ZoneMode {
  return mode;
}

export function setZoneMode(m: ZoneMode): void {
  if (m === mode) return;
  mode = m;
  if (typeof document !== 'undefined') refreshTimes(document);
  for (const l of listeners) l(m);
}

/** A <time> showing a moment in the current zone; setZoneMode rewrites every one on the page. */
export function timeElement(ms: number, opts: { seconds?: boolean } = {}): HTMLTimeElement {
  const t = document.createElement('time');
  t.dateTime = new Date(ms).toISOString();
  if (opts.seconds) t.dataset.seconds = 'true';
  t.textContent = formatDateTime(ms, opts);
  return t;
}

/** Rewrites every <time datetime> under root in the current zone (after the switch). */
export function refreshTimes(root: ParentNode): void {
  for (const t of root.querySelectorAll<HTMLTimeElement>('time[datetime]')) {
    const ms = Date.parse(t.dateTime);
    if (Number.isFinite(ms)) t.textContent = formatDateTime(ms, { seconds: t.dataset.seconds === 'true' });
  }
}

export function onZoneChange(l: (m: ZoneMode) => void): void {
  listeners.add(l);
}

const tz = () => (mode === 'utc' ? 'UTC' : undefined);

/** The zone's short name at that moment: "UTC", "GMT+1", "CET", as the locale writes it. */
export function zoneName(ms = Date.now()): string {
  if (mode === 'utc') return 'UTC';
  const part = new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' }).formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName');
  return part?.value ?? 'local time';
}

/** Date and time in the locale's words with the zone named. */
export function formatDateTime(ms: number, opts: { seconds?: boolean } = {}): string {
  return new Intl.DateTimeFormat(undefined, {
    timeZone: tz(),
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    ...(opts.seconds ? { second: '2-digit' } : {}),
    timeZoneName: 'short',
  }).format(new Date(ms));
}

/** An axis tick in the locale: the time of day on short ranges, the date on long ones (no zone: the axis title names it). */
export function formatTick(ms: number, unit: 'hour' | 'day'): string {
  const o: Intl.DateTimeFormatOptions =
    unit === 'day' ? { timeZone: tz(), month: 'short', day: 'numeric' } : { timeZone: tz(), hour: '2-digit', minute: '2-digit' };
  return new Intl.DateTimeFormat(undefined, o).format(new Date(ms));
}

/** A value for <input type="datetime-local"> in the current zone, and back to unix ms. */
export function toInputValue(ms: number): string {
  const d = new Date(mode === 'utc' ? ms : ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

export function fromInputValue(v: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v)) return null;
  const ms = mode === 'utc' ? Date.parse(`${v}Z`) : new Date(v).getTime();
  return Number.isFinite(ms) ? ms : null;
}

/** A Local / UTC switch (two radio buttons in a fieldset). */
export function createZoneSwitch(): HTMLElement {
  const box = document.createElement('fieldset');
  box.className = 'zone-switch';
  const legend = document.createElement('legend');
  legend.textContent = 'Times in';
  box.append(legend);
  for (const [value, text] of [['local', `your time (${new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' }).formatToParts(new Date()).find((p) => p.type === 'timeZoneName')?.value ?? 'local'})`], ['utc', 'UTC']] as const) {
    const label = document.createElement('label');
    const input = document.createElement('input');
    input.type = 'radio';
    input.name = 'zone';
    input.value = value;
    input.checked = mode === value;
    input.addEventListener('change', () => {
      if (input.checked) setZoneMode(value);
    });
    label.append(input, ` ${text}`);
    box.append(label);
  }
  onZoneChange((m) => {
    for (const i of box.querySelectorAll<HTMLInputElement>('input')) i.checked = i.value === m;
  });
  return box;
}
