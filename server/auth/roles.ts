import type { Role } from '../store/accounts-repo.ts';

export type { Role };
export const ROLES: readonly Role[] = ['viewer', 'analyst', 'admin'];
const RANK: Record<Role, number> = { viewer: 0, analyst: 1, admin: 2 };

/** viewer < analyst < admin: true when `have` includes everything `need` may do. */
export const roleAtLeast = (have: Role, need: Role): boolean => RANK[have] >= RANK[need];
export const lowerRole = (a: Role, b: Role): Role => (RANK[a] <= RANK[b] ? a : b);
export const isRole = (v: unknown): v is Role => typeof v === 'string' && (ROLES as readonly string[]).includes(v);

/** Who a request acts as: `res.locals.user` (other routes read it for "who"). */
export interface Principal {
  /** 0 for the bootstrap admin token (BRINKWATCH_API_TOKEN), which belongs to no account. */
  id: number;
  name: string;
  role: Role;
  via: 'session' | 'token' | 'admin-token';
}
