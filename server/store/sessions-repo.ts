import type { Role } from './accounts-repo.ts';
import type { Db } from './database.ts';

export interface SessionRecord {
  id: number;
  userId: number;
  userName: string;
  userRole: Role;
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  ip: string | null;
  userAgent: string | null;
}

export interface TokenRecord {
  id: number;
  userId: number;
  userName: string;
  userRole: Role;
  name: string;
  role: Role;
  prefix: string;
  createdAt: number;
  expiresAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

const SESSION_COLS = `s.id, s.user_id AS userId, u.name AS userName, u.role AS userRole, s.csrf_token AS csrfToken,
  s.created_at AS createdAt, s.last_seen_at AS lastSeenAt, s.expires_at AS expiresAt, s.ip, s.user_agent AS userAgent`;
const TOKEN_COLS = `t.id, t.user_id AS userId, u.name AS userName, u.role AS userRole, t.name, t.role, t.prefix,
  t.created_at AS createdAt, t.expires_at AS expiresAt, t.last_used_at AS lastUsedAt, t.revoked_at AS revokedAt`;

/** Sessions and API tokens, looked up by the SHA-256 digest of their secret. */
export function createSessionsRepo(db: Db) {
  const insertSession = db.prepare(
    'INSERT INTO sessions (secret_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const sessionBySecret = db.prepare<[Buffer], SessionRecord>(`SELECT ${SESSION_COLS} FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.secret_hash = ?`);
  const sessionsOf = db.prepare<[number], SessionRecord>(`SELECT ${SESSION_COLS} FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.user_id = ? ORDER BY s.last_seen_at DESC`);
  const touch = db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id = ?');
  const deleteSession = db.prepare('DELETE FROM sessions WHERE id = ? AND user_id = ?');
  const deleteSessionBySecret = db.prepare('DELETE FROM sessions WHERE secret_hash = ?');
  const deleteSessionsOf = db.prepare('DELETE FROM sessions WHERE user_id = ?');
  const deleteExpired = db.prepare('DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?');

  const insertToken = db.prepare(
    'INSERT INTO api_tokens (secret_hash, user_id, name, role, prefix, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const tokenBySecret = db.prepare<[Buffer], TokenRecord>(`SELECT ${TOKEN_COLS} FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.secret_hash = ?`);
  const tokenById = db.prepare<[number], TokenRecord>(`SELECT ${TOKEN_COLS} FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?`);
  const tokensOf = db.prepare<[number], TokenRecord>(`SELECT ${TOKEN_COLS} FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.user_id = ? ORDER BY t.id DESC`);
  const allTokens = db.prepare<[], TokenRecord>(`SELECT ${TOKEN_COLS} FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id DESC`);
  const tokenUsed = db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?');
  const revokeToken = db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');

  return {
    addSession(s: { secretHash: Buffer; userId: number; csrfToken: string; now: number; expiresAt: number; ip: string | null; userAgent: string | null }): number {
      return Number(insertSession.run(s.secretHash, s.userId, s.csrfToken, s.now, s.now, s.expiresAt, s.ip, s.userAgent).lastInsertRowid);
    },
    sessionBySecret: (secretHash: Buffer) => sessionBySecret.get(secretHash) ?? null,
    sessionsOf: (userId: number) => sessionsOf.all(userId),
    touchSession: (id: number, now: number) => void touch.run(now, id),
    /** Removes one of the user's own sessions; false when it is not theirs or gone. */
    removeSession: (id: number, userId: number) => deleteSession.run(id, userId).changes > 0,
    removeSessionBySecret: (secretHash: Buffer) => deleteSessionBySecret.run(secretHash).changes > 0,
    removeSessionsOf: (userId: number) => deleteSessionsOf.run(userId).changes,
    /** Drops sessions past their absolute expiry or idle longer than allowed. */
    removeExpiredSessions: (now: number, idleBefore: number) => deleteExpired.run(now, idleBefore).changes,

    addToken(t: { secretHash: Buffer; userId: number; name: string; role: Role; prefix: string; now: number; expiresAt: number }): number {
      return Number(insertToken.run(t.secretHash, t.userId, t.name, t.role, t.prefix, t.now, t.expiresAt).lastInsertRowid);
    },
    tokenBySecret: (secretHash: Buffer) => tokenBySecret.get(secretHash) ?? null,
    tokenById: (id: number) => tokenById.get(id) ?? null,
    tokens: (userId?: number) => (userId === undefined ? allTokens.all() : tokensOf.all(userId)),
    tokenUsed: (id: number, now: number) => void tokenUsed.run(now, id),
    revokeToken: (id: number, now: number) => revokeToken.run(now, id).changes > 0,
  };
}

export type SessionsRepo = ReturnType<typeof createSessionsRepo>;
