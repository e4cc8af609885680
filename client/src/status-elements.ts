// The dashboard's status elements, created hidden and placed on the page: the stale-data banner
// and the chart's error message (main.ts fills and shows them).
import { el } from './dom.ts';

/** "Offline / degraded: data as of HH:MM": a banner above the data (prepended to `main`). */
export function createStaleBanner(main: HTMLElement): HTMLDivElement {
  const staleBanner = el('div', { id: 'stale-banner', class: 'stale-banner', role: 'status', hidden: '' });
  main.prepend(staleBanner);
  return staleBanner;
}

/** The chart's message when a view cannot be loaded, placed after the panel head. */
export function createChartMessage(panelHead: HTMLElement): HTMLParagraphElement {
  const chartMessage = el('p', { id: 'chart-message', class: 'chart-message', role: 'alert', hidden: '' });
  panelHead.after(chartMessage);
  return chartMessage;
}
