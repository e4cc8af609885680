// The dashboard's status elements, created hidden and placed on the page: the stale-data banner
// and the chart's error message (main.ts fills and shows them).

/** "Offline / degraded: data as of HH:MM": a banner above the data (prepended to `main`). */
export function createStaleBanner(main: HTMLElement): HTMLDivElement {
  const staleBanner = document.createElement('div');
  staleBanner.id = 'stale-banner';
  staleBanner.className = 'stale-banner';
  staleBanner.setAttribute('role', 'status');
  staleBanner.hidden = true;
  main.prepend(staleBanner);
  return staleBanner;
}

/** The chart's message when a view cannot be loaded, placed after the panel head. */
export function createChartMessage(panelHead: HTMLElement): HTMLParagraphElement {
  const chartMessage = document.createElement('p');
  chartMessage.id = 'chart-message';
  chartMessage.className = 'chart-message';
  chartMessage.setAttribute('role', 'alert');
  chartMessage.hidden = true;
  panelHead.after(chartMessage);
  return chartMessage;
}
