import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, readEnv } from './config.js';

const fail = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the configuration to be refused');
};

describe('loadConfig', () => {
  it('has embedded defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      databaseUrl: null,
      feedTimeZone: 'UTC',
      host: '127.0.0.1',
      port: 3000,
      logLevel: 'info',
      kafka: { brokers: [], topic: 'deloton', sasl: null, ssl: false },
    });
    expect(c.dataDir).toMatch(/\.deloton$/);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('schedules the report at 07:00 by default, to validated recipients', () => {
    expect(loadConfig({}).reports).toEqual({ cron: '0 7 * * *', recipients: [] });
    expect(
      loadConfig({
        REPORT_CRON: '30 6 * * 1-5',
        REPORT_RECIPIENTS: 'ceo@example.com, cfo@example.com,ceo@example.com',
      }).reports,
    ).toEqual({ cron: '30 6 * * 1-5', recipients: ['ceo@example.com', 'cfo@example.com'] });
    expect(fail({ REPORT_CRON: '0 7 * *' })).toMatch(/REPORT_CRON: must be a 5-field cron/);
    expect(fail({ REPORT_CRON: '61 7 * * *' })).toMatch(/REPORT_CRON/);
    expect(fail({ REPORT_CRON: '0 0 7 * * *' })).toMatch(/REPORT_CRON/);
    expect(fail({ REPORT_RECIPIENTS: 'ceo@example.com,not-an-address' })).toMatch(
      /REPORT_RECIPIENTS.*must be email addresses separated by commas/,
    );
  });

  it('keeps rejected lines 30 days unless told otherwise, and for ever with 0', () => {
    expect(loadConfig({}).ingest.rejectedRetentionMs).toBe(30 * 86_400_000);
    expect(loadConfig({ REJECTED_RETENTION: '7d' }).ingest.rejectedRetentionMs).toBe(
      7 * 86_400_000,
    );
    expect(loadConfig({ REJECTED_RETENTION: '12h' }).ingest.rejectedRetentionMs).toBe(
      12 * 3_600_000,
    );
    expect(loadConfig({ REJECTED_RETENTION: '0' }).ingest.rejectedRetentionMs).toBeNull();
    expect(fail({ REJECTED_RETENTION: '100000000000d' })).toMatch(/at most 36500d/);
    expect(fail({ REJECTED_RETENTION: 'a month' })).toMatch(
      /REJECTED_RETENTION: must be a duration such as 300, 90s, 5m, 1h or 30d/,
    );
  });

  it('keeps readings for ever unless READINGS_RETENTION is set', () => {
    expect(loadConfig({}).ingest.readingsRetentionMs).toBeNull();
    expect(loadConfig({ READINGS_RETENTION: '0' }).ingest.readingsRetentionMs).toBeNull();
    expect(loadConfig({ READINGS_RETENTION: '400d' }).ingest.readingsRetentionMs).toBe(
      400 * 86_400_000,
    );
    expect(fail({ READINGS_RETENTION: '13 months' })).toMatch(
      /READINGS_RETENTION: must be a duration such as 300, 90s, 5m, 1h or 30d/,
    );
  });

  it('turns SASL credentials into SASL_SSL', () => {
    const c = loadConfig({
      KAFKA_BROKERS: 'a:9092,b:9093',
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD: 'p',
    });
    expect(c.kafka).toMatchObject({
      brokers: ['a:9092', 'b:9093'],
      sasl: { username: 'u', password: 'p' },
      ssl: true,
    });
  });

  it('takes a read replica only beside a PostgreSQL primary, as a postgres URL', () => {
    expect(loadConfig({}).databaseReadUrl).toBeNull();
    const primary = 'postgresql://app@db-primary/deloton';
    const replica = 'postgres://app@db-replica/deloton';
    expect(loadConfig({ DATABASE_URL: primary, DATABASE_READ_URL: replica })).toMatchObject({
      databaseUrl: primary,
      databaseReadUrl: replica,
    });
    // The embedded database has no replica to read from.
    expect(fail({ DATABASE_READ_URL: replica })).toMatch(
      /DATABASE_READ_URL: needs DATABASE_URL: .*embedded database \(PGlite\)/,
    );
    expect(fail({ DATABASE_URL: primary, DATABASE_READ_URL: 'mysql://x' })).toMatch(
      /DATABASE_READ_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/,
    );
    expect(loadConfig({ DATABASE_URL: primary, DATABASE_READ_URL: '' }).databaseReadUrl).toBeNull();
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).port).toBe(3000);
  });

  it('names every bad variable and what is wrong with it', () => {
    const msg = fail({
      DATABASE_URL: 'mysql://x',
      PORT: '70000',
      FEED_TIMEZONE: 'Mars/Olympus',
      KAFKA_BROKERS: 'nohostport',
      KAFKA_SSL: 'maybe',
      LOG_LEVEL: 'loud',
    });
    expect(msg).toMatch(/DATABASE_URL: must be a postgres/);
    expect(msg).toMatch(/PORT: must be between 0 and 65535/);
    expect(msg).toMatch(/FEED_TIMEZONE: must be an IANA time zone/);
    expect(msg).toMatch(/KAFKA_BROKERS: must be host:port/);
    expect(msg).toMatch(/KAFKA_SSL: must be true or false/);
    expect(msg).toMatch(/LOG_LEVEL/);
  });

  it('listens on loopback unless HOST says otherwise, and names a bad HOST', () => {
    for (const host of ['0.0.0.0', '::', '::1', '10.1.2.3', 'localhost', 'api.internal'])
      expect(loadConfig({ HOST: host }).host).toBe(host);
    for (const bad of ['0.0.0.0:3000', '[::1]', 'http://localhost', '999.1.1.1', 'a b', '-x'])
      expect(fail({ HOST: bad })).toMatch(
        /HOST: must be an IP address or a host name to listen on/,
      );
  });

  it('offers no BI socket unless BI_PORT is set, on loopback unless BI_HOST says otherwise', () => {
    expect(loadConfig({}).bi).toEqual({ port: null, host: '127.0.0.1' });
    expect(loadConfig({ BI_PORT: '5433', BI_HOST: '0.0.0.0' }).bi).toEqual({
      port: 5433,
      host: '0.0.0.0',
    });
    expect(fail({ BI_PORT: '70000' })).toMatch(/BI_PORT: must be between 0 and 65535/);
    expect(fail({ BI_PORT: 'psql' })).toMatch(/BI_PORT: must be a whole number/);
    expect(fail({ BI_PORT: '3000' })).toMatch(/BI_PORT: must differ from PORT/);
    expect(fail({ BI_HOST: '127.0.0.1:5433' })).toMatch(/BI_HOST: must be an IP address/);
  });

  it('serves no role metrics unless METRICS_PORT is set', () => {
    expect(loadConfig({}).metricsPort).toBeNull();
    expect(loadConfig({ METRICS_PORT: '9464' }).metricsPort).toBe(9464);
    expect(fail({ METRICS_PORT: 'prometheus' })).toMatch(/METRICS_PORT: must be a whole number/);
  });

  it("hands a dead Kafka member's bikes on after 7 s unless told otherwise", () => {
    expect(loadConfig({}).kafka.sessionTimeoutMs).toBe(7_000);
    expect(loadConfig({ KAFKA_SESSION_TIMEOUT: '30s' }).kafka.sessionTimeoutMs).toBe(30_000);
    expect(fail({ KAFKA_SESSION_TIMEOUT: '2s' })).toMatch(
      /KAFKA_SESSION_TIMEOUT: must be between 6s and 300s/,
    );
    expect(fail({ KAFKA_SESSION_TIMEOUT: 'soon' })).toMatch(
      /KAFKA_SESSION_TIMEOUT: must be a duration/,
    );
  });

  it('checks the mail settings', () => {
    expect(fail({ SMTP_URL: 'smtp://host:99999', MAIL_FROM: 'a@b.c' })).toMatch(
      /SMTP_URL: must be smtp/,
    );
    expect(fail({ SMTP_URL: 'http://host' })).toMatch(/SMTP_URL/);
    expect(fail({ SMTP_URL: 'smtp://mail.example.com:587' })).toMatch(
      /MAIL_FROM: must be set with SMTP_URL/,
    );
    expect(fail({ MAIL_FROM: 'nobody' })).toMatch(/MAIL_FROM: must be an address/);
    expect(fail({ ALERT_COOLDOWN: '5 minutes' })).toMatch(/ALERT_COOLDOWN: must be a duration/);
    const c = loadConfig({
      SMTP_URL: 'smtps://u:p@mail.example.com:465',
      MAIL_FROM: 'Deloton <alerts@example.com>',
      ALERT_MAX_AGE: '0',
      ALERT_COOLDOWN: '90s',
    });
    expect(c.mail).toMatchObject({
      smtpUrl: 'smtps://u:p@mail.example.com:465',
      alertMaxAgeMs: null,
    });
    expect(c.alerts.cooldownMs).toBe(90_000);
  });

  it('wants both SASL variables or neither', () => {
    expect(fail({ KAFKA_SASL_USERNAME: 'u' })).toMatch(/KAFKA_SASL_PASSWORD: .*set together/);
  });
});

describe('readEnv', () => {
  it('reads .env when present; the real environment wins', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deloton-env-'));
    writeFileSync(
      join(dir, '.env'),
      'FEED_TIMEZONE=Europe/London\nDELOTON_TEST_ONLY=from-file\nPATH=/nowhere\n',
    );
    const env = readEnv(dir);
    expect(env.DELOTON_TEST_ONLY).toBe('from-file');
    expect(env.PATH).not.toBe('/nowhere');
    expect(loadConfig({ ...env, FEED_TIMEZONE: 'Europe/London' }).feedTimeZone).toBe(
      'Europe/London',
    );
  });
});
