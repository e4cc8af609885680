import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/**
 * axe-core in a playwright-core Page. The dashboard's CSP forbids injected <script> tags, so the
 * source is evaluated in the page instead (page.evaluate runs outside the CSP's script-src).
 */

const require = createRequire(import.meta.url);
let axeSource: string | null = null;
function loadAxeSource(): string {
  axeSource ??= fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: string; html: string; summary: string }[];
}

export interface AxeOptions {
  /** CSS selector to check instead of the whole document. */
  include?: string;
  /** Rule ids to disable, each with a reason in the caller. */
  disableRules?: string[];
}

const BLOCKING = new Set(['serious', 'critical']);

/** Runs axe on the page and returns every violation (all impacts). */
export async function runAxe(page: Page, options: AxeOptions = {}): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === 'object');
  if (!loaded) await page.evaluate(loadAxeSource());
  return page.evaluate(async ({ include, disableRules }) => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: Array<{ id: string; impact?: string | null; help: string; helpUrl: string; nodes: Array<{ target: unknown[]; html: string; failureSummary?: string }> }> }> } }).axe;
    const rules: Record<string, { enabled: boolean }> = {};
    for (const id of disableRules ?? []) rules[id] = { enabled: false };
    const result = await axe.run(include ? { include: [include] } : document, {
      resultTypes: ['violations'],
      rules,
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.map(String).join(' '), html: n.html.slice(0, 200), summary: (n.failureSummary ?? '').replace(/\s+/g, ' ').trim() })),
    }));
  }, { include: options.include, disableRules: options.disableRules ?? [] });
}

/** A readable list of violations: one block per rule, each offending node on its own line. */
export function formatAxeViolations(violations: AxeViolation[]): string {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 10)
        .map((n) => `    - ${n.target}\n      ${n.html}\n      ${n.summary}`)
        .join('\n');
      const more = v.nodes.length > 10 ? `\n    … and ${v.nodes.length - 10} more` : '';
      return `  [${v.impact}] ${v.id}: ${v.help} (${v.nodes.length} node(s))\n    ${v.helpUrl}\n${nodes}${more}`;
    })
    .join('\n');
}

/**
 * Fails (throws an Error with the readable list) when axe finds any violation of impact
 * "serious" or "critical". Returns the minor/moderate ones so a caller may log them.
 */
export async function expectNoSeriousAxeViolations(page: Page, label: string, options: AxeOptions = {}): Promise<AxeViolation[]> {
  const violations = await runAxe(page, options);
  const blocking = violations.filter((v) => v.impact !== null && BLOCKING.has(v.impact));
  if (blocking.length > 0) {
    throw new Error(`axe: ${blocking.length} serious/critical violation(s) on ${label}:\n${formatAxeViolations(blocking)}`);
  }
  return violations.filter((v) => !(v.impact !== null && BLOCKING.has(v.impact)));
}
