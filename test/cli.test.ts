// Bad input at the CLI edge gets a clear message and a non-zero exit, never a stack trace.
import { describe, expect, it } from 'vitest';
import { migrate } from '../src/store/migrate.js';
import { openPgDb } from '../src/store/pg-db.js';
import { runCli } from './support/cli.js';
import { createPgDatabase } from './support/databases.js';
import { FIRST_1000 } from './support/ingest.js';

describe('deloton CLI input', () => {
  it('names a bad environment variable and exits 1', async () => {
    const r = await runCli(['db', 'migrate'], { PORT: 'eighty', DATABASE_URL: 'http://nope' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/invalid configuration/);
    expect(r.stderr).toMatch(/PORT: must be a whole number/);
    expect(r.stderr).toMatch(/DATABASE_URL: must be a postgres/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses an unknown source and exits 2', async () => {
    const r = await runCli(['ingest', '--source', 'ftp://feed']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--source "ftp:\/\/feed" is not one of file:PATH, kafka, simulator/);
  });

  it('refuses kafka without brokers', async () => {
    const r = await runCli(['ingest', '--source', 'kafka'], {
      DATABASE_URL: 'postgresql://127.0.0.1:1/x',
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/KAFKA_BROKERS/);
  });

  it('refuses bad numbers and a missing output for simulate', async () => {
    const bad = await runCli(['simulate', '--bikes', '-3', '--out', '/tmp/x']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--bikes must be a whole number/);
    const none = await runCli(['simulate', '--bikes', '2']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/exactly one of --out PATH or --to kafka/);
  });

  it('says which database cannot be reached', async () => {
    const r = await runCli(['db', 'migrate'], {
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/x',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /cannot use the database at postgresql:\/\/127.0.0.1:1\/x: .*ECONNREFUSED/,
    );
  });

  it('says which feed file cannot be read', async () => {
    const r = await runCli(['ingest', '--source', 'file:/no/such/feed.jsonl', '--until-idle'], {
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/test',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot read feed file \/no\/such\/feed.jsonl/);
  });

  it('stops ingest with a named error and exits 1 when a batch cannot be written, storing none of it', async () => {
    const created = await createPgDatabase();
    const db = openPgDb(created.url);
    try {
      await migrate(db);
      await db.exec('ALTER TABLE readings ADD CONSTRAINT test_no_readings CHECK (false)');
      const r = await runCli(['ingest', '--source', `file:${FIRST_1000}`, '--until-idle'], {
        DATABASE_URL: created.url,
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /deloton: ingest stopped: a batch of \d+ messages could not be written \(SQLSTATE 23514: .*test_no_readings/,
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(await db.query('SELECT * FROM source_offsets')).toEqual([]);
    } finally {
      await db.close();
      await created.drop();
    }
  });
});
