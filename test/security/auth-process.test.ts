import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { io as connect } from 'socket.io-client';
import { cliBundle } from '../helpers/cli-bundle.ts';
import { ROOT, startServerProcess, type RunningServer } from '../helpers/spawn-server.ts';

const PASSWORD = 'Tr0ub4dor&3-horse-battery';
const WRONG = 'Wr0ng-Guess-Password-77';

async function addUser(dataDir: string, name: string, role: string, password: string): Promise<void> {
  const r = spawnSync(process.execPath, [await cliBundle('scripts/user.ts'), 'add', name, '--role', role], {
    cwd: ROOT,
    input: `${password}\n`,
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), BRINKWATCH_DATA_DIR: dataDir },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
}

/** Connects socket.io with headers; resolves 'snapshot' or the refusal. */
function socketAttempt(url: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(url, { transports: ['websocket'], reconnection: false, timeout: 5000, extraHeaders: headers });
    const done = (r: string) => {
      socket.disconnect();
      resolve(r);
    };
    socket.once('snapshot', () => done('snapshot'));
    socket.once('connect_error', (e) => done(`refused: ${e.message}`));
  });
}

/**
 * The real server process with reads not public (as on a network): the live socket needs a
 * session or token as well as the Origin, and nothing secret (passwords, cookies, tokens, CSRF
 * tokens) reaches the log, even at trace level.
 */
describe('the server process with accounts: socket authentication and no secrets in logs', () => {
  let server: RunningServer;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brinkwatch-authproc-'));
  const secrets: Record<string, string> = { PASSWORD, WRONG };
  let cookie = '';

  before(async () => {
    await addUser(dataDir, 'ops', 'admin', PASSWORD);
    server = await startServerProcess({ BRINKWATCH_DATA_DIR: dataDir, BRINKWATCH_PUBLIC_READ: 'false', BRINKWATCH_LOG_LEVEL: 'trace', BRINKWATCH_DEMO: 'off', BRINKWATCH_ALLOW_PRIVATE_URLS: '127.0.0.1' });
    secrets.ADMIN_TOKEN = server.token;
  });
  after(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('reads and the page need a session; sign-in works', async () => {
    assert.equal((await fetch(`${server.url}/api/statements`)).status, 401);
    const page = await fetch(server.url, { redirect: 'manual' });
    assert.equal(page.status, 302);
    assert.equal(page.headers.get('location'), '/signin');
    assert.equal((await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'ops', password: WRONG }) })).status, 401);
    const r = await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'ops', password: PASSWORD }) });
    assert.equal(r.status, 200);
    const body = (await r.json()) as { csrfToken: string };
    secrets.CSRF = body.csrfToken;
    cookie = /bw_session=[^;]+/.exec(r.headers.get('set-cookie') ?? '')![0];
    secrets.COOKIE = cookie.slice('bw_session='.length);
    assert.equal((await fetch(`${server.url}/api/statements`, { headers: { cookie } })).status, 200);
    const tok = await fetch(`${server.url}/api/tokens`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': body.csrfToken }, body: JSON.stringify({ name: 'ci' }) });
    assert.equal(tok.status, 201);
    secrets.USER_TOKEN = ((await tok.json()) as { token: string }).token;
    assert.equal((await fetch(`${server.url}/api/statements`, { headers: { authorization: `Bearer ${secrets.USER_TOKEN}` } })).status, 200);
    assert.equal((await fetch(`${server.url}/api/statements`, { headers: { authorization: `Bearer ${secrets.USER_TOKEN}x` } })).status, 401);
    // A feed added with the session (as wired in main.ts: admin) is in the audit log under the account.
    const feed = await fetch(`${server.url}/api/feeds`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': body.csrfToken },
      body: JSON.stringify({ name: 'Intranet', url: 'http://127.0.0.1:9/feed.xml', intervalSeconds: 3600 }),
    });
    assert.equal(feed.status, 201);
    const audit = (await (await fetch(`${server.url}/api/audit?action=POST`, { headers: { cookie } })).json()) as { entries: Array<{ action: string; actorName: string; target: string }> };
    assert.ok(audit.entries.some((e) => e.action === 'POST /api/feeds' && e.actorName === 'ops' && e.target === '/api/feeds'), JSON.stringify(audit));
  });

  it('the socket refuses a handshake without a session or token, and accepts a cookie or a bearer token', async () => {
    assert.match(await socketAttempt(server.url, {}), /refused/);
    assert.equal(await socketAttempt(server.url, { cookie }), 'snapshot');
    assert.equal(await socketAttempt(server.url, { authorization: `Bearer ${secrets.USER_TOKEN}` }), 'snapshot');
    assert.equal(await socketAttempt(server.url, { authorization: `Bearer ${server.token}` }), 'snapshot');
    assert.match(await socketAttempt(server.url, { cookie: 'bw_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }), /refused/);
    // A foreign page with the analyst's cookie (a browser would not even send it: SameSite=Strict).
    assert.match(await socketAttempt(server.url, { cookie, origin: 'http://evil.example' }), /refused/);
  });

  it('no password, cookie, token or CSRF token appears in the output, at trace level', async () => {
    // Malformed and hostile requests that carry secrets in headers and bodies, to tempt an error log.
    await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"name":"ops","password":"${PASSWORD}"` });
    await fetch(`${server.url}/api/alert-rules`, { method: 'POST', headers: { cookie, 'x-csrf-token': secrets.CSRF!, 'content-type': 'application/json' }, body: '{"name":' });
    await fetch(`${server.url}/api/statements`, { method: 'POST', headers: { authorization: `Bearer ${secrets.USER_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ text: 'A token-bearing write' }) });
    const code = await server.stop();
    assert.equal(code, 0);
    const out = server.output();
    assert.ok(out.length > 200, 'the server logged something');
    for (const [what, value] of Object.entries(secrets)) assert.equal(out.includes(value), false, `${what} leaked into the output`);
  });
});
