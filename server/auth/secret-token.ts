import { createHash, randomBytes } from 'node:crypto';

/** A fresh 256-bit secret (session ids, API tokens, setup links, CSRF tokens), base64url. */
export const newSecret = (prefix = ''): string => `${prefix}${randomBytes(32).toString('base64url')}`;

/**
 * The stored form of a secret: its SHA-256 digest. The secrets have 256 bits of entropy, so a
 * plain digest cannot be reversed by guessing; a database leak does not yield usable cookies or tokens.
 */
export const secretDigest = (secret: string): Buffer => createHash('sha256').update(secret, 'utf8').digest();
