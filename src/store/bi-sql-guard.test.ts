import { describe, expect, it } from 'vitest';
import { guardSql } from './bi-sql-guard.js';

const kind = (sql: string): string => {
  const v = guardSql(sql);
  return v.kind === 'refuse' ? `refuse ${v.code}` : v.kind;
};

describe('guardSql', () => {
  it('serves reads, one statement at a time', () => {
    for (const sql of [
      'SELECT 1',
      'select * from rides;',
      'WITH x AS (SELECT 1) SELECT * FROM x',
      'SHOW search_path',
      'EXPLAIN SELECT 1',
      'VALUES (1)',
      'TABLE rides',
      '(SELECT 1) UNION (SELECT 2)',
      "SELECT 'delete; commit', $$ update $$, $t$ insert $t$ -- drop\n",
      'SELECT /* set_config( /* nested */ */ 1',
      'SELECT "Update count" FROM x',
    ])
      expect(kind(sql), sql).toBe('run');
    expect(kind('  -- nothing\n ; ')).toBe('empty');
  });

  it('refuses writes, DDL and other statements as read-only (25006)', () => {
    for (const sql of [
      'INSERT INTO riders VALUES (1)',
      'update rides set x = 1',
      'DELETE FROM rides',
      'CREATE TABLE t (a int)',
      'DROP VIEW rides',
      'COPY rides TO STDOUT',
      'LISTEN x',
      'DO $$ BEGIN END $$',
      'PREPARE p AS SELECT 1',
      'EXECUTE p',
      'RESET ROLE',
      'DISCARD ALL',
      'CALL p()',
      'LOCK rides',
    ])
      expect(kind(sql), sql).toBe('refuse 25006');
  });

  it('refuses ways out of the read-only transaction and the reader role (42501)', () => {
    for (const sql of [
      'SELECT 1; COMMIT; DELETE FROM rides',
      'SELECT 1; SELECT 2',
      "SELECT set_config('role', 'postgres', false)",
      "SELECT pg_catalog.\"set_config\"('role', 'postgres', true)",
      'SET ROLE postgres',
      'SET LOCAL ROLE postgres',
      'SET SESSION AUTHORIZATION postgres',
      "SELECT query_to_xml('select * from public.riders', true, false, '')",
      'WITH d AS (DELETE FROM rides RETURNING 1) SELECT * FROM d',
      "WITH u AS (UPDATE pg_settings SET setting = 'postgres' WHERE name = 'role' RETURNING 1) SELECT 1",
      'SELECT * INTO t FROM rides',
      'SELECT pg_sleep(100)',
      'SELECT pg_advisory_lock(1)',
      'EXPLAIN ANALYZE SELECT 1',
      'EXPLAIN (ANALYZE) DELETE FROM rides',
      'SET search_path = public',
    ])
      expect(kind(sql), sql).toBe('refuse 42501');
  });

  it('refuses what it cannot read', () => {
    expect(kind("SELECT 'open")).toBe('refuse 42601');
    expect(kind('SELECT $$ open')).toBe('refuse 42601');
    expect(kind('SELECT /* open')).toBe('refuse 42601');
    expect(kind('SELECT U&"\\0073et_config"(1)')).toBe('refuse 42601');
    expect(kind('ROLLBACK TO SAVEPOINT a')).toBe('refuse 0A000');
    expect(kind("COMMIT PREPARED 'x'")).toBe('refuse 0A000');
  });

  it('answers transaction control and keeps allowed settings for the client', () => {
    expect(guardSql('BEGIN')).toEqual({ kind: 'transaction', command: 'BEGIN' });
    expect(guardSql('start transaction read only')).toEqual({
      kind: 'transaction',
      command: 'BEGIN',
    });
    expect(guardSql('END')).toEqual({ kind: 'transaction', command: 'COMMIT' });
    expect(guardSql('abort')).toEqual({ kind: 'transaction', command: 'ROLLBACK' });
    expect(guardSql('SET TRANSACTION READ ONLY')).toEqual({ kind: 'noop', tag: 'SET' });
    expect(guardSql("SET TIME ZONE 'UTC' -- and a comment")).toEqual({
      kind: 'set',
      name: 'timezone',
      value: "'UTC'",
    });
    expect(guardSql('set extra_float_digits = 3')).toEqual({
      kind: 'set',
      name: 'extra_float_digits',
      value: '3',
    });
  });
});
