/**
 * Export buttons in <div id="export-controls">: download the history and the statements behind
 * what the dashboard shows as CSV (GET /api/export/*.csv).
 *
 * What is "on screen" is read from the page when a button is pressed, never remembered:
 * the nearest element (the container itself or an ancestor such as the chart panel) that
 * carries data-from / data-to (ISO 8601 or epoch ms) and optionally data-scope, data-bucket,
 * data-actor, data-min-score, data-category sets the range and filters. Without them the
 * dashboard's fixed view applies: the global index over the last 24 hours by minute.
 */

const DAY = 86_400_000;

export interface ExportView {
  from: number;
  to: number;
  scope: string;
  bucket: 'minute' | 'hour' | 'day';
  actor?: string;
  minScore?: string;
  category?: string;
}

/** The range and filters shown on the page right now. */
export function readExportView(container: HTMLElement, now = Date.now()): ExportView {
  const source = container.closest<HTMLElement>('[data-from], [data-to]');
  const data = source?.dataset ?? {};
  const time = (v: string | undefined) => (v === undefined ? NaN : /^\d+$/.test(v) ? Number(v) : Date.parse(v));
  let to = time(data.to);
  if (!Number.isFinite(to)) to = now;
  let from = time(data.from);
  if (!Number.isFinite(from) || from >= to) from = to - DAY;
  const scoped = container.closest<HTMLElement>('[data-scope]')?.dataset.scope;
  const bucket = container.closest<HTMLElement>('[data-bucket]')?.dataset.bucket;
  return {
    from,
    to,
    scope: scoped || 'global',
    bucket: bucket === 'hour' || bucket === 'day' ? bucket : 'minute',
    actor: data.actor || undefined,
    minScore: data.minScore || undefined,
    category: data.category || undefined,
  };
}

const MINUTE = 60_000;

/**
 * The export URLs for a view; `allScopes` exports every scope's history instead of the one on
 * screen. Both exports cover the whole minutes the chart's dots cover (from rounded down, to
 * up: the metrics count each statement in its minute), and the statements export carries the
 * scope, so it holds exactly the statements the chart counts (scored ones only).
 */
export function exportUrls(view: ExportView, opts: { bucket: ExportView['bucket']; allScopes: boolean; bom: boolean }) {
  const from = Math.floor(view.from / MINUTE) * MINUTE;
  const to = Math.ceil(view.to / MINUTE) * MINUTE;
  const range = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
  const bom: Record<string, string> = opts.bom ? { bom: '1' } : {};
  const history = new URLSearchParams({ ...range, bucket: opts.bucket, scope: opts.allScopes ? 'all' : view.scope, ...bom });
  const filters: Record<string, string> = { scope: view.scope };
  if (view.actor) filters.actor = view.actor;
  if (view.minScore) filters.minScore = view.minScore;
  if (view.category) filters.category = view.category;
  const statements = new URLSearchParams({ ...range, ...filters, ...bom });
  return { history: `/api/export/history.csv?${history}`, statements: `/api/export/statements.csv?${statements}` };
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Record<string, string | boolean> = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  Object.assign(node, props);
  node.append(...children);
  return node;
}

/**
 * Fills the container with the controls. Safe to call when the container is missing. The
 * returned `followView()` resets the bucket select to the view's bucket (call it when the view
 * on screen changes range; a bucket the user picked by hand otherwise stays).
 */
export function mountExportControls(container: HTMLElement | null = document.getElementById('export-controls')): { followView(): void } {
  if (!container) return { followView: () => {} };
  const bucket = el('select', { name: 'bucket', title: 'Bucket size of the history export', ariaLabel: 'Bucket size of the history export' });
  for (const b of ['minute', 'hour', 'day']) bucket.append(el('option', { value: b, textContent: `per ${b}` }));
  bucket.value = readExportView(container).bucket;
  const allScopes = el('input', { type: 'checkbox', name: 'all-scopes' });
  const bom = el('input', { type: 'checkbox', name: 'bom' });
  const historyLink = el('a', { className: 'button', textContent: 'Export history CSV', href: '/api/export/history.csv' });
  const statementsLink = el('a', { className: 'button', textContent: 'Export statements CSV', href: '/api/export/statements.csv' });
  historyLink.setAttribute('download', '');
  statementsLink.setAttribute('download', '');

  // The href is rebuilt on every press, so "the last 24 hours" means the last 24 hours now.
  const refresh = () => {
    const urls = exportUrls(readExportView(container), {
      bucket: bucket.value as ExportView['bucket'],
      allScopes: allScopes.checked,
      bom: bom.checked,
    });
    historyLink.href = urls.history;
    statementsLink.href = urls.statements;
  };
  for (const link of [historyLink, statementsLink]) {
    link.addEventListener('click', refresh);
    link.addEventListener('pointerenter', refresh);
    link.addEventListener('focus', refresh);
  }
  container.replaceChildren(
    el(
      'div',
      { className: 'export-controls' },
      el('span', { className: 'muted', textContent: 'Export: ' }),
      bucket,
      el('label', { className: 'muted', title: 'Every actor, dyad and category scope, not only the one shown' }, allScopes, ' all scopes'),
      el('label', { className: 'muted', title: 'Adds a byte order mark so Excel reads the file as UTF-8' }, bom, ' for Excel'),
      historyLink,
      statementsLink,
    ),
  );
  refresh();
  return {
    followView() {
      bucket.value = readExportView(container).bucket;
      refresh();
    },
  };
}
