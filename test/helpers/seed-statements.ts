import assert from 'node:assert/strict';
import type { RunningServer } from './spawn-server.ts';

/** Posts statements and waits until the score job has settled (indexed) all of them. */
export async function seedStatements(server: RunningServer, statements: Array<Record<string, unknown>>): Promise<number[]> {
  const res = await fetch(`${server.url}/api/statements`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
    body: JSON.stringify({ statements }),
  });
  assert.equal(res.status, 202);
  const ids = ((await res.json()) as { accepted: Array<{ id: number }> }).accepted.map((a) => a.id);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const body = (await (await fetch(`${server.url}/api/statements?status=pending&limit=1`)).json()) as { statements: unknown[] };
    if (body.statements.length === 0) return ids;
    if (Date.now() > deadline) throw new Error('statements still pending after 30 s');
    await new Promise((r) => setTimeout(r, 250));
  }
}
