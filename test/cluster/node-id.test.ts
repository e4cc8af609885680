import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultNodeId, isValidNodeId } from '../../server/cluster/node-id.ts';
import { parseConfig } from '../../server/config/config.ts';

test('BRINKWATCH_NODE_ID: defaults to hostname:pid, accepts a short name, refuses what PostgreSQL would cut or mangle', () => {
  const d = parseConfig({});
  assert.ok(d.ok);
  assert.equal(d.config.nodeId, defaultNodeId());
  assert.match(d.config.nodeId, new RegExp(`:${process.pid}$`));

  const set = parseConfig({ BRINKWATCH_NODE_ID: ' web-2.eu:a ' });
  assert.ok(set.ok);
  assert.equal(set.config.nodeId, 'web-2.eu:a');

  for (const bad of ['x'.repeat(53), 'has space', '-leading-dash', 'émile', "o'neil"]) {
    const r = parseConfig({ BRINKWATCH_NODE_ID: bad });
    assert.equal(r.ok, false, bad);
    if (!r.ok) assert.match(r.errors[0]!, /^BRINKWATCH_NODE_ID must/);
  }
});

test('defaultNodeId keeps the pid and stays valid whatever the host name', () => {
  assert.equal(defaultNodeId('db1', 42), 'db1:42');
  const long = defaultNodeId('a'.repeat(80) + '.example.org', 4194304);
  assert.ok(long.endsWith(':4194304') && long.length === 52 && isValidNodeId(long), long);
  assert.equal(defaultNodeId('my host (lab)', 7), 'my-host--lab-:7');
  assert.equal(defaultNodeId('', 7), 'node:7');
  assert.equal(defaultNodeId('__x', 7), 'x:7');
  assert.ok(isValidNodeId(defaultNodeId()));
});
