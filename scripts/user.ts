/**
 * npm run user -- add NAME --role admin|analyst|viewer | list | remove NAME | set-role NAME ROLE | reset-password NAME
 *
 * Manages accounts in the database of BRINKWATCH_DATA_DIR (a running server sees changes at
 * once: they are rows in the same SQLite file). Passwords are never arguments (they would land
 * in the shell history and `ps`): typed at a prompt without echo, twice, or read as the first
 * line of stdin when it is not a terminal (`printf '%s\n' "$PW" | npm run user -- add ...`).
 * Every change is in the audit log as done by "cli".
 */
import { createAuthService } from '../server/auth/auth-service.ts';
import { createLoginThrottle } from '../server/auth/login-throttle.ts';
import { isRole } from '../server/auth/roles.ts';
import { loadConfigFromEnv } from '../server/config/config.ts';
import { createStore } from '../server/store/store.ts';

const USAGE = `usage: npm run user -- add NAME --role admin|analyst|viewer
       npm run user -- list
       npm run user -- remove NAME
       npm run user -- set-role NAME admin|analyst|viewer
       npm run user -- reset-password NAME
(the password is asked for, or read from the first line of stdin; the database is the one in BRINKWATCH_DATA_DIR, default ./data)
`;

function die(message: string, code = 1): never {
  process.stderr.write(`user: ${message}\n`);
  process.exit(code);
}

/** Reads one line from stdin: without echo at a terminal, else the first line piped in. */
function readSecret(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    return new Promise((resolve, reject) => {
      let data = '';
      stdin.setEncoding('utf8');
      stdin.on('data', (d: string) => (data += d));
      stdin.on('end', () => resolve(data.split(/\r?\n/)[0] ?? ''));
      stdin.on('error', reject);
    });
  }
  process.stderr.write(prompt);
  return new Promise((resolve) => {
    let value = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stderr.write('\n');
          return resolve(value);
        }
        if (ch === '\u0003') die('cancelled', 130);
        if (ch === '\u007f') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function newPassword(): Promise<string> {
  const first = await readSecret('New password (at least 10 characters): ');
  if (!process.stdin.isTTY) return first;
  const again = await readSecret('Again: ');
  if (first !== again) die('the two passwords differ');
  return first;
}

const [command, name, ...rest] = process.argv.slice(2);
const parsed = loadConfigFromEnv();
if (!parsed.ok) die(`the configuration has ${parsed.errors.length} problem(s):\n${parsed.errors.map((e) => `  - ${e}`).join('\n')}`, 2);
if (!command || !['add', 'list', 'remove', 'set-role', 'reset-password'].includes(command)) {
  process.stderr.write(USAGE);
  process.exit(2);
}
if (command !== 'list' && !name) die(`${command} needs a user name\n${USAGE}`, 2);

// PostgreSQL when configured (BRINKWATCH_DATABASE_URL, config.databaseUrl once the configuration reads it), else the SQLite file.
const store = createStore((parsed.config as { databaseUrl?: string }).databaseUrl ?? parsed.config.databaseFile);
const auth = createAuthService({
  accounts: store.accounts,
  sessions: store.sessions,
  audit: store.audit,
  throttle: createLoginThrottle({ limit: 1, windowMs: 1 }),
  transaction: store.transaction,
});
const ctx = { actor: { id: null, name: 'cli' }, ip: null };
const userNamed = (n: string) => store.accounts.byName(n) ?? die(`no user named ${n}`);

try {
  if (command === 'list') {
    const users = auth.listUsers();
    if (users.length === 0) process.stdout.write('no users yet\n');
    for (const u of users) {
      const locked = u.lockedUntil !== null && u.lockedUntil > Date.now() ? ` (locked until ${new Date(u.lockedUntil).toISOString()})` : '';
      process.stdout.write(`${u.name}\t${u.role}\tcreated ${new Date(u.createdAt).toISOString()}${locked}\n`);
    }
  } else if (command === 'add') {
    const i = rest.indexOf('--role');
    const role = i >= 0 ? rest[i + 1] : undefined;
    if (!isRole(role)) die('add needs --role admin, analyst or viewer', 2);
    const r = await auth.addUser({ name: name!, role, password: await newPassword() }, ctx);
    if (!r.ok) die(r.message);
    process.stdout.write(`added ${r.value.name} (${r.value.role})\n`);
  } else if (command === 'remove') {
    const r = auth.removeUser(userNamed(name!).id, ctx);
    if (!r.ok) die(r.message);
    process.stdout.write(`removed ${r.value.name}; their sessions and tokens are gone\n`);
  } else if (command === 'set-role') {
    const r = auth.setRole(userNamed(name!).id, rest[0] ?? '', ctx);
    if (!r.ok) die(r.message);
    process.stdout.write(`${r.value.name} is now ${r.value.role}\n`);
  } else {
    const r = await auth.resetPassword(userNamed(name!).id, await newPassword(), ctx);
    if (!r.ok) die(r.message);
    process.stdout.write(`new password set for ${r.value.name}; the account is unlocked and its sessions ended\n`);
  }
} finally {
  store.close();
}
