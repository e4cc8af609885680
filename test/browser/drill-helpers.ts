import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT } from '../helpers/spawn-server.ts';

export const ARTIFACTS = path.join(ROOT, 'test', 'artifacts');

/** Keeps a screenshot of what the journey saw under test/artifacts/ (looked at by a person, not compared). */
export async function keepScreenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

export async function post(url: string, token: string, route: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** Clicks the chart where a point at time `t` (unix ms) and value `v` (0-100) is drawn, from the canvas's data-area. */
export async function clickChartAt(page: Page, t: number, v: number): Promise<void> {
  const canvas = page.locator('#risk-chart');
  const area = ((await canvas.getAttribute('data-area')) ?? '').split(',').map(Number);
  const [left, top, right, bottom, xMin, xMax, yMin, yMax] = area as [number, number, number, number, number, number, number, number];
  const x = left + ((t - xMin) / (xMax - xMin)) * (right - left);
  const y = bottom - ((v - yMin) / (yMax - yMin)) * (bottom - top);
  await canvas.click({ position: { x, y } });
}

/** Drags across the chart from time a to time b (a mouse drag: zoom). */
export async function dragChart(page: Page, a: number, b: number): Promise<void> {
  const canvas = page.locator('#risk-chart');
  const box = (await canvas.boundingBox())!;
  const area = ((await canvas.getAttribute('data-area')) ?? '').split(',').map(Number);
  const [left, top, right, bottom, xMin, xMax] = area as [number, number, number, number, number, number];
  const px = (t: number) => box.x + left + ((t - xMin) / (xMax - xMin)) * (right - left);
  const y = box.y + (top + bottom) / 2;
  await page.mouse.move(px(a), y);
  await page.mouse.down();
  await page.mouse.move((px(a) + px(b)) / 2, y, { steps: 4 });
  await page.mouse.move(px(b), y, { steps: 4 });
  await page.mouse.up();
}
