import os from 'node:os';

/**
 * A node's name in logs and in PostgreSQL (`application_name = 'brinkwatch:<nodeId>'`, which is
 * how any node reads who leads: server/cluster/leadership.ts). PostgreSQL keeps at most 63 bytes
 * of an application_name and 'brinkwatch:' takes 11, hence the 52-character limit; the character
 * set keeps it printable in logs and free of anything a log parser or SQL would trip on.
 */
export const NODE_ID_MAX_LENGTH = 52;
export const NODE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

export function isValidNodeId(id: string): boolean {
  return id.length <= NODE_ID_MAX_LENGTH && NODE_ID_PATTERN.test(id);
}

/**
 * hostname:pid, made valid: other characters become '-', and a long host name is cut so that the
 * pid (what tells two processes on one machine apart) always survives.
 */
export function defaultNodeId(hostname = os.hostname(), pid = process.pid): string {
  const suffix = `:${pid}`;
  let host = hostname.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  if (host === '') host = 'node';
  return host.slice(0, NODE_ID_MAX_LENGTH - suffix.length) + suffix;
}
