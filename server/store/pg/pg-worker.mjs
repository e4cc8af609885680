// The PostgreSQL side of the synchronous store facade (server/store/pg/pg-database.ts).
// Runs in a worker thread; the main thread blocks on each call (synckit: Atomics.wait on a
// SharedArrayBuffer), which gives the repositories the same synchronous contract better-sqlite3
// gives them. Plain JavaScript so that it loads the same way under tsx and from the bundle.
import pg from 'pg';
import { runAsWorker } from 'synckit';

// SQLite hands the repositories numbers: 64-bit integers (COUNT, SUM, epoch-ms columns) and
// NUMERIC (AVG, SUM of integers) become numbers, booleans (comparisons, EXISTS) become 1 or 0.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));
pg.types.setTypeParser(16, (v) => (v === 't' ? 1 : 0));

const connections = new Map();
let nextId = 1;

function plainError(err) {
  const e = err ?? {};
  return { message: String(e.message ?? err), code: e.code, detail: e.detail, constraint: e.constraint, position: e.position };
}

async function handle(op, a, b, c) {
  switch (op) {
    case 'connect': {
      const client = new pg.Client({ connectionString: a, application_name: b?.applicationName ?? 'brinkwatch' });
      // A dropped connection surfaces on the next query; an idle 'error' must not kill the worker.
      client.on('error', () => {});
      await client.connect();
      if (b?.schema) await client.query(`SET search_path TO "${String(b.schema).replace(/"/g, '""')}"`);
      if (b?.readOnly) await client.query('SET default_transaction_read_only = on');
      const id = nextId++;
      connections.set(id, client);
      return { id };
    }
    case 'query': {
      const client = connections.get(a);
      if (!client) throw new Error('the PostgreSQL connection is closed');
      const r = await client.query({ text: b, values: c?.values, rowMode: c?.array ? 'array' : undefined });
      // A multi-statement simple query returns one result per statement: keep the last.
      const last = Array.isArray(r) ? r[r.length - 1] : r;
      return { rows: last?.rows ?? [], rowCount: last?.rowCount ?? 0 };
    }
    case 'end': {
      const client = connections.get(a);
      connections.delete(a);
      if (client) await client.end().catch(() => {});
      return {};
    }
    default:
      throw new Error(`unknown operation ${op}`);
  }
}

runAsWorker(async (op, a, b, c) => {
  try {
    return { ok: true, value: await handle(op, a, b, c) };
  } catch (err) {
    return { ok: false, error: plainError(err) };
  }
});
