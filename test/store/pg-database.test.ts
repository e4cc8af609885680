// engines chosen explicitly (PostgreSQL and/or SQLite whatever BRINKWATCH_TEST_STORE): one-pass
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bind, translateSql } from '../../server/store/pg/sql-translate.ts';
import { PgDatabase } from '../../server/store/pg/pg-database.ts';
import { POSTGRES_URL, serviceMissing } from '../helpers/services.ts';
import { createTempSchema } from '../helpers/temp-store.ts';

describe('SQLite SQL translated for PostgreSQL', () => {
  test('parameters: ? in order, a name used twice keeps its number, strings and comments untouched', () => {
    const t = translateSql("SELECT '?' AS q, a FROM t WHERE b = ? AND c = @name AND d = :name -- ? @x\n AND e = ?");
    assert.equal(t.text, "SELECT '?' AS q, a FROM t WHERE b = $1 AND c = $2 AND d = $2 -- ? @x\n AND e = $3");
    assert.deepEqual(t.params, [0, 'name', 1]);
    assert.deepEqual(bind(t, [1, { name: 'n' }, 2]), [1, 'n', 2]);
    assert.deepEqual(bind(t, [[1, 2], { name: 'n' }]), [1, 'n', 2]);
    assert.throws(() => bind(t, [1]), /missing value for SQL parameter #2|@name/);
  });
  test('camelCase aliases are quoted (PostgreSQL would fold them), keywords and snake_case are not', () => {
    const t = translateSql('SELECT s.is_demo AS isDemo, CAST(x AS INTEGER) AS n FROM statements s ORDER BY isDemo');
    assert.equal(t.text, 'SELECT s.is_demo AS "isDemo", CAST(x AS INTEGER) AS n FROM statements s ORDER BY "isDemo"');
  });
  test('INSERT OR IGNORE, IFNULL, instr, LIKE, LIMIT -1, index hints', () => {
    assert.equal(translateSql('INSERT OR IGNORE INTO a (x) VALUES (?)').text, 'INSERT INTO a (x) VALUES ($1) ON CONFLICT DO NOTHING');
    assert.equal(translateSql('INSERT OR IGNORE INTO a (x) VALUES (?) RETURNING x').text, 'INSERT INTO a (x) VALUES ($1) ON CONFLICT DO NOTHING RETURNING x');
    assert.equal(translateSql("SELECT IFNULL(a, 0), instr(b, 'x') FROM t WHERE c NOT LIKE ? LIMIT -1").text, "SELECT COALESCE(a, 0), strpos(b, 'x') FROM t WHERE c NOT ILIKE $1 LIMIT ALL");
    assert.equal(translateSql('SELECT 1 FROM s INDEXED BY s_demo WHERE x = 1').text.replace(/\s+/g, ' '), 'SELECT 1 FROM s WHERE x = 1');
  });
  test('an INSERT into a table with an id column returns it (lastInsertRowid), unless it returns something already', () => {
    const ids = new Set(['alerts']);
    assert.equal(translateSql('INSERT INTO alerts (a) VALUES (?)', ids).text, 'INSERT INTO alerts (a) VALUES ($1) RETURNING id');
    assert.equal(translateSql('INSERT INTO alerts (a) VALUES (?) RETURNING a', ids).returnsId, false);
    assert.equal(translateSql('INSERT INTO other (a) VALUES (?)', ids).returnsId, false);
  });
});

describe('PgDatabase on a real PostgreSQL', async () => {
  const missing = await serviceMissing('postgres');
  let db: PgDatabase;
  let temp: ReturnType<typeof createTempSchema>;
  before(() => {
    if (missing) return;
    temp = createTempSchema('bwpgdb');
    db = new PgDatabase(POSTGRES_URL, { schema: temp.schema });
    db.exec('CREATE TABLE t (id BIGSERIAL PRIMARY KEY, name TEXT UNIQUE, n BIGINT, score DOUBLE PRECISION)');
  });
  after(() => {
    if (missing) return;
    db.close();
    temp.drop();
  });
  test('run / get / all / pluck / raw with SQLite-shaped values', { skip: missing ?? false }, () => {
    const ins = db.prepare('INSERT OR IGNORE INTO t (name, n, score) VALUES (@name, @n, ?)');
    assert.deepEqual(ins.run({ name: 'a', n: 5 }, 1.5), { changes: 1, lastInsertRowid: 1 });
    assert.equal(ins.run({ name: 'a', n: 5 }, 1.5).changes, 0);
    assert.equal(ins.run({ name: 'b', n: 2 ** 40 }, 2).lastInsertRowid, 3); // the ignored row used id 2
    assert.deepEqual(db.prepare('SELECT name AS theName, n, n > 5 AS big, COUNT(*) OVER () AS c FROM t ORDER BY id').all(), [
      { theName: 'a', n: 5, big: 0, c: 2 },
      { theName: 'b', n: 2 ** 40, big: 1, c: 2 },
    ]);
    assert.equal(db.prepare('SELECT SUM(n) FROM t').pluck().get(), 5 + 2 ** 40);
    assert.deepEqual(db.prepare('SELECT name, score FROM t ORDER BY id').raw().all(), [['a', 1.5], ['b', 2]]);
    assert.equal(db.prepare('SELECT name FROM t WHERE id = ?').get(99), undefined);
    assert.deepEqual(db.prepare('SELECT name FROM t WHERE name LIKE ?').pluck().all('A'), ['a']);
  });
  test('transactions commit, roll back on a throw, and nest as savepoints', { skip: missing ?? false }, () => {
    const sum = () => db.prepare('SELECT SUM(n) FROM t').pluck().get();
    const before = sum();
    assert.throws(() => db.transaction(() => {
      db.prepare('UPDATE t SET n = 0').run();
      throw new Error('boom');
    })(), /boom/);
    assert.equal(sum(), before);
    db.transaction(() => {
      db.prepare('UPDATE t SET n = n + 1 WHERE name = ?').run('a');
      assert.throws(() => db.transaction(() => {
        db.prepare('UPDATE t SET n = n + 100 WHERE name = ?').run('a');
        throw new Error('inner');
      })(), /inner/);
    })();
    assert.equal(sum(), (before as number) + 1);
    assert.equal(db.inTransaction, false);
    assert.throws(() => db.transaction(() => Promise.resolve(1))(), /cannot return a promise/);
  });
  test('iterate streams through a cursor past one batch, and errors carry the SQLSTATE code', { skip: missing ?? false }, () => {
    let n = 0;
    for (const i of db.prepare('SELECT generate_series(1, 2345) AS i').pluck().iterate()) n += i as number;
    assert.equal(n, (2345 * 2346) / 2);
    assert.equal(db.inTransaction, false);
    // A transaction inside an open cursor's iteration is a savepoint, not a COMMIT that closes the cursor.
    let seen = 0;
    for (const i of db.prepare('SELECT generate_series(1, 1500) AS i').pluck().iterate()) {
      if (i === 1) db.transaction(() => db.prepare('UPDATE t SET n = n WHERE id = 1').run())();
      seen++;
    }
    assert.equal(seen, 1500);
    assert.throws(() => [...db.prepare('SELECT 1 / (i - 1200) FROM generate_series(1, 1500) AS i').iterate()], (e: Error & { code?: string }) => e.code === '22012');
    assert.equal(db.inTransaction, false);
    assert.equal(db.prepare('SELECT 1').pluck().get(), 1);
    assert.throws(() => db.prepare('SELECT nope FROM t').all(), (e: Error & { code?: string }) => e.code === '42703' && /nope/.test(e.message));
    assert.throws(() => db.prepare('INSERT INTO t (id, name) VALUES (1, ?)').run('dup'), (e: Error & { code?: string }) => e.code === '23505');
  });
});
