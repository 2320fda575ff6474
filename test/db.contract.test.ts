// The Db port's contract, run against both adapters: pg (real PostgreSQL) and PGlite.
import { expect, it } from 'vitest';
import { copyRow } from './support/copy-text.js';
import { BinaryCopyWriter } from '../src/store/copy-binary.js';
import { isTransientDbError } from '../src/store/db.js';
import { describeEachDb } from './support/databases.js';

describeEachDb('Db contract', (get) => {
  it('returns int8 as number, date as YYYY-MM-DD, timestamptz as Date, and binds arrays', async () => {
    const { db } = get();
    const [row] = await db.query<{ big: number; d: string; t: Date; n: number }>(
      `SELECT 9007199254740991::bigint AS big, '1943-04-26'::date AS d,
              '2022-07-06T23:29:35.935Z'::timestamptz AS t,
              (SELECT sum(x)::int FROM unnest($1::int[]) AS x) AS n`,
      [[1, 2, 3]],
    );
    expect(row).toEqual({
      big: 9007199254740991,
      d: '1943-04-26',
      t: new Date('2022-07-06T23:29:35.935Z'),
      n: 6,
    });
  });

  it('runs multi-statement scripts with exec', async () => {
    const { db } = get();
    await db.exec('CREATE TEMP TABLE c1 (x int); INSERT INTO c1 VALUES (1), (2);');
    expect(await db.query('SELECT count(*)::int AS n FROM c1')).toEqual([{ n: 2 }]);
  });

  it('bulk-loads COPY text inside a transaction, escapes included', async () => {
    const { db } = get();
    await db.exec('CREATE TABLE IF NOT EXISTS contract_copy (id int, label text)');
    await db.exec('TRUNCATE contract_copy');
    const text =
      copyRow([1, 'tab\there']) + copyRow([2, 'back\\slash\nnewline']) + copyRow([3, null]);
    await db.transaction((tx) => tx.copyText('contract_copy', ['id', 'label'], text));
    expect(await db.query('SELECT id, label FROM contract_copy ORDER BY id')).toEqual([
      { id: 1, label: 'tab\there' },
      { id: 2, label: 'back\\slash\nnewline' },
      { id: 3, label: null },
    ]);
  });

  it('bulk-loads binary COPY: bigints, dates and timestamps either side of 2000, NULLs, floats', async () => {
    const { db } = get();
    await db.exec(`CREATE TABLE IF NOT EXISTS contract_copy_bin
      (id bigint, d date, t timestamptz, n int, f float8)`);
    await db.exec('TRUNCATE contract_copy_bin');
    const rows = [
      [9007199254740991, Date.UTC(2026, 11, 4, 23, 59, 59, 999), -2147483648, -0.1],
      [1, Date.UTC(1999, 11, 31, 23, 59, 59, 1), null, null],
      [-42, Date.UTC(1970, 0, 1), 2147483647, 1e308],
    ] as const;
    const out = new BinaryCopyWriter(16);
    for (const [id, ms, n, f] of rows) {
      out.row(5);
      out.int8(id);
      out.date(ms);
      out.timestamptz(ms);
      out.int4(n);
      out.float8(f);
    }
    await db.transaction((tx) =>
      tx.copyBinary('contract_copy_bin', ['id', 'd', 't', 'n', 'f'], out.finish()),
    );
    expect(
      await db.query('SELECT id, d::text AS d, t, n, f FROM contract_copy_bin ORDER BY id DESC'),
    ).toEqual([
      { id: 9007199254740991, d: '2026-12-04', t: new Date(rows[0][1]), n: -2147483648, f: -0.1 },
      { id: 1, d: '1999-12-31', t: new Date(rows[1][1]), n: null, f: null },
      { id: -42, d: '1970-01-01', t: new Date(rows[2][1]), n: 2147483647, f: 1e308 },
    ]);
  });

  it('rolls a transaction back when its function throws, and commits when it resolves', async () => {
    const { db } = get();
    await db.exec('CREATE TABLE IF NOT EXISTS contract_tx (x int)');
    await db.exec('TRUNCATE contract_tx');
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO contract_tx VALUES (1)');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await db.transaction((tx) => tx.query('INSERT INTO contract_tx VALUES (2)'));
    expect(await db.query('SELECT x FROM contract_tx')).toEqual([{ x: 2 }]);
  });

  it('delivers NOTIFY to listeners only when the transaction commits', async () => {
    const { db } = get();
    const got: string[] = [];
    const stop = await db.listen('contract_channel', (p) => got.push(p));
    await db
      .transaction(async (tx) => {
        await tx.query(`SELECT pg_notify('contract_channel', 'rolled back')`);
        throw new Error('abort');
      })
      .catch(() => undefined);
    await db.transaction((tx) => tx.query(`SELECT pg_notify('contract_channel', 'committed')`));
    for (let i = 0; i < 50 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(got).toEqual(['committed']);
    await stop();
  });

  it('reports SQL errors with their SQLSTATE and does not call them transient', async () => {
    const { db } = get();
    const err = await db.query('SELECT * FROM no_such_table').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: '42P01' });
    expect(isTransientDbError(err)).toBe(false);
    expect(isTransientDbError({ code: '57P01' })).toBe(true);
    expect(isTransientDbError({ code: 'ECONNREFUSED' })).toBe(true);
  });
});
