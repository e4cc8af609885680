import type { Db } from './database.ts';

export type Role = 'viewer' | 'analyst' | 'admin';

export interface UserRecord {
  id: number;
  name: string;
  role: Role;
  passwordHash: string;
  createdAt: number;
  failedSignIns: number;
  lockedUntil: number | null;
}

export interface UserView {
  id: number;
  name: string;
  role: Role;
  createdAt: string;
}

interface UserRow {
  id: number;
  name: string;
  role: Role;
  password_hash: string;
  created_at: number;
  failed_sign_ins: number;
  locked_until: number | null;
}

const toRecord = (r: UserRow): UserRecord => ({
  id: r.id,
  name: r.name,
  role: r.role,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
  failedSignIns: r.failed_sign_ins,
  lockedUntil: r.locked_until,
});

export const toUserView = (u: UserRecord): UserView => ({ id: u.id, name: u.name, role: u.role, createdAt: new Date(u.createdAt).toISOString() });

/** Users and the one-time setup link. Password hashes never leave this repo except to verify. */
export function createAccountsRepo(db: Db) {
  const byName = db.prepare<[string], UserRow>('SELECT * FROM users WHERE name = ?');
  const byId = db.prepare<[number], UserRow>('SELECT * FROM users WHERE id = ?');
  const all = db.prepare<[], UserRow>('SELECT * FROM users ORDER BY name');
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users');
  const admins = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM users WHERE role = 'admin'");
  // ON CONFLICT DO NOTHING (both engines): a name another node added since the check is taken,
  // not an error that would abort the caller's PostgreSQL transaction.
  const insert = db.prepare('INSERT INTO users (name, role, password_hash, created_at, password_changed_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING');
  const setRole = db.prepare('UPDATE users SET role = ? WHERE id = ?');
  const setPassword = db.prepare('UPDATE users SET password_hash = ?, password_changed_at = ?, failed_sign_ins = 0, locked_until = NULL WHERE id = ?');
  const remove = db.prepare('DELETE FROM users WHERE id = ?');
  const failed = db.prepare('UPDATE users SET failed_sign_ins = ?, locked_until = ? WHERE id = ?');
  const insertLink = db.prepare('INSERT INTO setup_links (secret_hash, created_at, expires_at) VALUES (?, ?, ?)');
  const useLink = db.prepare('UPDATE setup_links SET used_at = ? WHERE secret_hash = ? AND used_at IS NULL AND expires_at > ?');
  const liveLink = db.prepare<[Buffer, number], { n: number }>('SELECT count(*) AS n FROM setup_links WHERE secret_hash = ? AND used_at IS NULL AND expires_at > ?');

  return {
    count: () => count.get()!.n,
    adminCount: () => admins.get()!.n,
    byName: (name: string) => {
      const r = byName.get(name);
      return r ? toRecord(r) : null;
    },
    byId: (id: number) => {
      const r = byId.get(id);
      return r ? toRecord(r) : null;
    },
    list: () => all.all().map(toRecord),
    /** Returns the new id, or null when the name is taken (names compare case-insensitively). */
    add(name: string, role: Role, passwordHash: string, now: number): number | null {
      if (byName.get(name)) return null;
      const r = insert.run(name, role, passwordHash, now, now);
      return r.changes === 0 ? null : Number(r.lastInsertRowid);
    },
    setRole: (id: number, role: Role) => setRole.run(role, id).changes > 0,
    setPassword: (id: number, passwordHash: string, now: number) => setPassword.run(passwordHash, now, id).changes > 0,
    remove: (id: number) => remove.run(id).changes > 0,
    /** Records the account's failed sign-in count and lock (null: not locked). */
    setFailures: (id: number, countNow: number, lockedUntil: number | null) => void failed.run(countNow, lockedUntil, id),
    addSetupLink: (secretHash: Buffer, now: number, expiresAt: number) => void insertLink.run(secretHash, now, expiresAt),
    setupLinkLive: (secretHash: Buffer, now: number) => liveLink.get(secretHash, now)!.n > 0,
    /** Marks the link used; false when it is unknown, expired or already used (single use). */
    consumeSetupLink: (secretHash: Buffer, now: number) => useLink.run(now, secretHash, now).changes > 0,
  };
}

export type AccountsRepo = ReturnType<typeof createAccountsRepo>;
