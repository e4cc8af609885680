import type { AccountsRepo, UserRecord } from '../store/accounts-repo.ts';
import type { AuditRepo } from '../store/audit-repo.ts';
import type { SessionsRepo } from '../store/sessions-repo.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { decoyHash, hashPassword, passwordProblem, verifyPassword } from './password.ts';
import { isRole, lowerRole, roleAtLeast, type Principal, type Role } from './roles.ts';
import { newSecret, secretDigest } from './secret-token.ts';

/** The numbers the README states. */
export const AUTH_LIMITS = {
  /** Failed sign-ins in a row that lock an account ... */
  accountLockAfter: 5,
  /** ... for this long. */
  accountLockMs: 15 * 60_000,
  /** Failed sign-ins per client address within ipWindowMs before it gets 429. */
  ipFailures: 20,
  ipWindowMs: 15 * 60_000,
  /** A session ends after this long without a request ... */
  sessionIdleMs: 12 * 3_600_000,
  /** ... and this long after sign-in, whatever happens. */
  sessionMaxMs: 7 * 86_400_000,
  setupLinkMs: 24 * 3_600_000,
  tokenMaxDays: 366,
  tokenDefaultDays: 90,
};

export type Outcome<T> = { ok: true; value: T } | { ok: false; code: string; message: string; retryAfter?: number };
const fail = (code: string, message: string, retryAfter?: number) => ({ ok: false as const, code, message, ...(retryAfter ? { retryAfter } : {}) });

/** Where an action came from, for the audit log. */
export interface ActionContext {
  /** null: anonymous; id null: the command line (npm run user). */
  actor: { id: number | null; name: string } | null;
  ip: string | null;
  userAgent?: string | null;
}

export const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const nameProblem = (name: string) => (USER_NAME.test(name) ? null : 'a user name is 1-64 letters, digits, and . _ @ - (starting with a letter or digit)');

export function createAuthService(deps: { accounts: AccountsRepo; sessions: SessionsRepo; audit: AuditRepo; throttle: LoginThrottle; transaction: <T>(fn: () => T) => T; now?: () => number }) {
  const now = deps.now ?? Date.now;
  const { accounts, sessions } = deps;
  const audit = (ctx: ActionContext, action: string, target: string | null, outcome: string, detail: string | null = null) =>
    deps.audit.record({ at: now(), actorId: ctx.actor?.id ?? null, actorName: ctx.actor?.name ?? null, action, target, outcome, ip: ctx.ip, detail });

  function startSession(user: UserRecord, ctx: ActionContext) {
    const secret = newSecret();
    const csrfToken = newSecret();
    const t = now();
    sessions.addSession({ secretHash: secretDigest(secret), userId: user.id, csrfToken, now: t, expiresAt: t + AUTH_LIMITS.sessionMaxMs, ip: ctx.ip, userAgent: ctx.userAgent?.slice(0, 300) ?? null });
    return { secret, csrfToken, user: { id: user.id, name: user.name, role: user.role } };
  }

  return {
    needsSetup: () => accounts.count() === 0,

    /**
     * Checks a name and password. Order: the address's failure budget, the account's lock, then
     * the password (an unknown name costs a decoy hash, so timing does not tell names apart).
     * A success always starts a new session: the caller drops any session the browser sent.
     */
    async signIn(name: string, password: string, ctx: ActionContext): Promise<Outcome<ReturnType<typeof startSession>>> {
      const ipKey = ctx.ip ?? 'unknown';
      const wait = deps.throttle.retryAfter(ipKey);
      const who = { actor: null, ip: ctx.ip };
      const user = accounts.byName(name);
      if (wait > 0) {
        audit(who, 'sign-in-failed', user?.name ?? null, 'denied', 'too many failed sign-ins from this address');
        return fail('too-many-attempts', `too many failed sign-ins from your address: try again in ${Math.ceil(wait / 60)} min`, wait);
      }
      const t = now();
      if (user && user.lockedUntil !== null && user.lockedUntil > t) {
        deps.throttle.fail(ipKey);
        audit(who, 'sign-in-failed', user.name, 'denied', 'account locked');
        const s = Math.ceil((user.lockedUntil - t) / 1000);
        return fail('account-locked', `this account is locked after ${AUTH_LIMITS.accountLockAfter} failed sign-ins: try again in ${Math.ceil(s / 60)} min, or ask an admin to reset the password`, s);
      }
      const good = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
      if (!user || !good) {
        deps.throttle.fail(ipKey);
        if (user) {
          const count = (user.lockedUntil !== null && user.lockedUntil <= t ? 0 : user.failedSignIns) + 1;
          const lock = count >= AUTH_LIMITS.accountLockAfter ? t + AUTH_LIMITS.accountLockMs : null;
          accounts.setFailures(user.id, lock ? 0 : count, lock);
          audit(who, 'sign-in-failed', user.name, 'failed', lock ? 'wrong password; account locked' : 'wrong password');
        } else {
          // Not the name typed: people type passwords into the name field, and the log must not keep them.
          audit(who, 'sign-in-failed', null, 'failed', 'unknown user');
        }
        return fail('wrong-credentials', 'wrong user name or password');
      }
      if (user.failedSignIns !== 0 || user.lockedUntil !== null) accounts.setFailures(user.id, 0, null);
      const started = startSession(user, ctx);
      audit({ actor: user, ip: ctx.ip }, 'sign-in', user.name, 'ok');
      return { ok: true, value: started };
    },

    /** The session behind a cookie, or null when unknown, idle too long or past its end. */
    sessionFor(secret: string) {
      const s = sessions.sessionBySecret(secretDigest(secret));
      const t = now();
      if (!s) return null;
      if (s.expiresAt <= t || s.lastSeenAt + AUTH_LIMITS.sessionIdleMs <= t) {
        sessions.removeSessionBySecret(secretDigest(secret));
        return null;
      }
      // Written at most once a minute: a busy dashboard does not turn every read into a write.
      if (t - s.lastSeenAt > 60_000) sessions.touchSession(s.id, t);
      return s;
    },

    signOut(secret: string, ctx: ActionContext): void {
      if (sessions.removeSessionBySecret(secretDigest(secret))) audit(ctx, 'sign-out', ctx.actor?.name ?? null, 'ok');
    },
    listUsers: () => accounts.list(),
    /** One user's tokens, or everyone's. */
    tokens: (userId?: number) => sessions.tokens(userId),
    sessionsOf: (userId: number) => sessions.sessionsOf(userId),
    /** Ends one of the user's own sessions (the audit entry comes from the HTTP write). */
    revokeSession: (id: number, userId: number) => sessions.removeSession(id, userId),
    /** Drops whatever session a browser brought to a sign-in (no fixation); not audited. */
    dropSession: (secret: string) => void sessions.removeSessionBySecret(secretDigest(secret)),

    /** The user behind an API token, with the token's role capped by the user's current role. */
    tokenFor(secret: string): Principal | null {
      const tok = sessions.tokenBySecret(secretDigest(secret));
      const t = now();
      if (!tok || tok.revokedAt !== null || tok.expiresAt <= t) return null;
      if (tok.lastUsedAt === null || t - tok.lastUsedAt > 60_000) sessions.tokenUsed(tok.id, t);
      return { id: tok.userId, name: tok.userName, role: lowerRole(tok.role, tok.userRole), via: 'token' };
    },

    createToken(owner: Principal, input: { name: string; role?: Role; expiresInDays?: number }, ctx: ActionContext): Outcome<{ id: number; token: string; role: Role; expiresAt: string }> {
      if (owner.id === 0) return fail('needs-account', 'the bootstrap API token belongs to no account: sign in as a user to create tokens');
      const role = input.role ?? owner.role;
      if (!roleAtLeast(owner.role, role)) return fail('role-too-high', `a token cannot have more rights than its owner (${owner.role})`);
      const days = input.expiresInDays ?? AUTH_LIMITS.tokenDefaultDays;
      const token = newSecret('bw_');
      const t = now();
      const expiresAt = t + days * 86_400_000;
      const id = sessions.addToken({ secretHash: secretDigest(token), userId: owner.id, name: input.name, role, prefix: token.slice(0, 10), now: t, expiresAt });
      audit(ctx, 'token.create', `token ${id} (${input.name})`, 'ok', `role ${role}, ${days} days`);
      return { ok: true, value: { id, token, role, expiresAt: new Date(expiresAt).toISOString() } };
    },
    /** Owners revoke their own tokens; admins any. */
    revokeToken(by: Principal, id: number, ctx: ActionContext): Outcome<true> {
      const tok = sessions.tokenById(id);
      if (!tok || (tok.userId !== by.id && by.role !== 'admin')) return fail('not-found', `no token ${id}`);
      if (!sessions.revokeToken(id, now())) return fail('already-revoked', `token ${id} is already revoked`);
      audit(ctx, 'token.revoke', `token ${id} (${tok.name})`, 'ok');
      return { ok: true, value: true };
    },

    /** A one-time link to create the first admin; only while no account exists. */
    createSetupLink(): string | null {
      if (accounts.count() > 0) return null;
      const secret = newSecret();
      const t = now();
      accounts.addSetupLink(secretDigest(secret), t, t + AUTH_LIMITS.setupLinkMs);
      return secret;
    },
    setupLinkValid: (secret: string) => accounts.count() === 0 && accounts.setupLinkLive(secretDigest(secret), now()),
    async completeSetup(secret: string, name: string, password: string, ctx: ActionContext): Promise<Outcome<UserRecord>> {
      const problem = nameProblem(name) ?? (passwordProblem(password, name) && `password ${passwordProblem(password, name)}`);
      if (problem) return fail('invalid-account', problem);
      const hash = await hashPassword(password);
      return deps.transaction(() => {
        if (accounts.count() > 0) return fail('already-set-up', 'an account exists already: sign in instead');
        if (!accounts.consumeSetupLink(secretDigest(secret), now())) return fail('invalid-setup-link', 'this setup link is unknown, used or expired: restart the server for a new one, or use npm run user -- add');
        const id = accounts.add(name, 'admin', hash, now())!;
        audit({ actor: { id, name }, ip: ctx.ip }, 'user.add', name, 'ok', 'first admin, by setup link');
        return { ok: true as const, value: accounts.byId(id)! };
      });
    },

    async addUser(input: { name: string; role: string; password: string }, ctx: ActionContext): Promise<Outcome<UserRecord>> {
      if (!isRole(input.role)) return fail('invalid-role', 'role must be viewer, analyst or admin');
      const problem = nameProblem(input.name) ?? (passwordProblem(input.password, input.name) && `password ${passwordProblem(input.password, input.name)}`);
      if (problem) return fail('invalid-account', problem);
      const id = accounts.add(input.name, input.role, await hashPassword(input.password), now());
      if (id === null) return fail('name-taken', `a user named ${input.name} exists already`);
      audit(ctx, 'user.add', input.name, 'ok', `role ${input.role}`);
      return { ok: true, value: accounts.byId(id)! };
    },
    setRole(id: number, role: string, ctx: ActionContext): Outcome<UserRecord> {
      if (!isRole(role)) return fail('invalid-role', 'role must be viewer, analyst or admin');
      return deps.transaction(() => {
        const user = accounts.byId(id);
        if (!user) return fail('not-found', `no user ${id}`);
        if (user.role === 'admin' && role !== 'admin' && accounts.adminCount() === 1) return fail('last-admin', 'this is the only admin: make another user admin first');
        accounts.setRole(id, role);
        audit(ctx, 'user.set-role', user.name, 'ok', `${user.role} -> ${role}`);
        return { ok: true as const, value: accounts.byId(id)! };
      });
    },
    removeUser(id: number, ctx: ActionContext): Outcome<UserRecord> {
      return deps.transaction(() => {
        const user = accounts.byId(id);
        if (!user) return fail('not-found', `no user ${id}`);
        if (user.role === 'admin' && accounts.adminCount() === 1) return fail('last-admin', 'this is the only admin: make another user admin first');
        accounts.remove(id); // sessions and tokens go with it (ON DELETE CASCADE)
        audit(ctx, 'user.remove', user.name, 'ok');
        return { ok: true as const, value: user };
      });
    },
    /** Sets a new password, unlocks the account and ends all its sessions. */
    async resetPassword(id: number, password: string, ctx: ActionContext): Promise<Outcome<UserRecord>> {
      const user = accounts.byId(id);
      if (!user) return fail('not-found', `no user ${id}`);
      const problem = passwordProblem(password, user.name);
      if (problem) return fail('invalid-account', `password ${problem}`);
      const hash = await hashPassword(password);
      deps.transaction(() => {
        accounts.setPassword(id, hash, now());
        sessions.removeSessionsOf(id);
      });
      audit(ctx, 'user.reset-password', user.name, 'ok');
      return { ok: true, value: user };
    },
    removeExpiredSessions: () => sessions.removeExpiredSessions(now(), now() - AUTH_LIMITS.sessionIdleMs),
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
