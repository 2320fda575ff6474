import { randomInt } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import type { Logger } from 'pino';
import { DelotonError } from '../domain/errors.js';
import { CLIENT_SETTINGS } from './bi-sql-guard.js';
import { BiWireClient, type UnitRunner } from './bi-wire-client.js';
import { BI_READER_ROLE } from './bi-reader-role.js';
import type { Db } from './db.js';
import { pgliteOf } from './pglite-db.js';
import * as wire from './pg-wire.js';

// Serves the embedded database over the PostgreSQL wire protocol, read-only, modelled on
// @electric-sql/pglite-socket (which pins another PGlite). PGlite is one session shared with the
// app, so each client unit (a simple query, or extended messages up to Sync) runs alone, inside
// `BEGIN READ ONLY` as the reader role, and is rolled back; the app's queries wait for it and
// never run inside it. The startup handshake is answered here: PGlite ends its process when it
// is sent a second StartupMessage.

export interface BiWireServerOptions {
  readonly host: string;
  readonly port: number;
  readonly maxConnections: number;
  readonly logger: Logger;
}

export interface BiWireServer {
  /** host:port actually bound (port 0 picks a free one). */
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

const MAX_UNIT_BYTES = 16 * 1024 * 1024;
const SYNC = wire.encode('S');
const query = (sql: string): Uint8Array => wire.encode('Q', wire.cstr(sql));

/** Runs units with both PGlite locks held: `runExclusive` alone lets them slip into the gaps of an app transaction. */
function unitRunner(pg: PGlite): UnitRunner & { closeStatements(names: string[]): Promise<void> } {
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> =>
    pg._runExclusiveTransaction(() => pg.runExclusive(fn));
  const raw = async (message: Uint8Array): Promise<Buffer[]> =>
    new wire.MessageSplitter().push(await pg.execProtocolRaw(message));
  return {
    run: (settings, messages, onMessage) =>
      exclusive(async () => {
        // A lone Sync reports the session's state: our locks mean no app transaction is open.
        const state = (await raw(SYNC)).find((m) => m[0] === 0x5a /* Z */);
        if (state?.[5] !== 0x49 /* I */)
          return wire.errorResponse('55000', 'the database is busy in a transaction; try again');
        try {
          const setup = await raw(
            query(
              `BEGIN READ ONLY; ${settings}SET LOCAL ROLE ${BI_READER_ROLE}; ` +
                'SET LOCAL search_path = analytics, pg_catalog',
            ),
          );
          const failed = setup.find((m) => m[0] === 0x45 /* E */);
          if (failed) return failed;
          const splitter = new wire.MessageSplitter();
          await pg.execProtocolRawStream(messages, {
            onRawData: (chunk) => splitter.push(chunk).forEach(onMessage),
          });
          return null;
        } finally {
          await raw(query('ROLLBACK'));
        }
      }),
    async closeStatements(names) {
      if (names.length === 0) return;
      const closes = names.map((n) => wire.encode('C', 'S', wire.cstr(n)));
      await exclusive(() => raw(Buffer.concat([...closes, SYNC])));
    },
  };
}

/** Starts the read-only wire-protocol server on an embedded database. */
export async function startBiWireServer(db: Db, opts: BiWireServerOptions): Promise<BiWireServer> {
  const pg = pgliteOf(db);
  if (!pg)
    throw new DelotonError('config_invalid', 'the BI socket serves the embedded database only');
  const runner = unitRunner(pg);
  const [version] = await db.query<{ server_version: string }>('SHOW server_version');
  const [zone] = await db.query<{ TimeZone: string }>('SHOW TimeZone');
  const log = opts.logger;
  const sockets = new Set<Socket>();
  /** Each connection's end: its last unit rolled back and its statements closed. */
  const ends = new Set<Promise<void>>();
  let nextId = 1;

  const handle = (socket: Socket): void => {
    const id = nextId++;
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    const tooMany = sockets.size >= opts.maxConnections;
    sockets.add(socket);
    socket.setNoDelay(true);
    const client = new BiWireClient(id, runner, (code, reason, sql) =>
      log.warn({ client: id, code, reason, sql: sql.slice(0, 500) }, 'bi: statement refused'),
    );
    let buf: Buffer = Buffer.alloc(0);
    let started = false;
    let pending: wire.WireMessage[] = [];
    let pendingBytes = 0;
    let pumping: Promise<void> | null = null;
    let user = '';
    let ended: () => void = () => undefined;
    const end = new Promise<void>((r) => (ended = r));
    ends.add(end);
    void end.then(() => ends.delete(end));
    const write = (b: Buffer): void => {
      if (!socket.destroyed) socket.write(b);
    };
    const fail = (code: string, message: string): void => {
      write(wire.errorResponse(code, message, 'FATAL'));
      socket.end();
    };

    const onStartup = (body: Buffer): void => {
      const code = body.readInt32BE(0);
      if (code === wire.SSL_REQUEST || code === wire.GSSENC_REQUEST) return write(Buffer.from('N'));
      if (code === wire.CANCEL_REQUEST) return void socket.destroy(); // not supported: ignored
      if (code >> 16 !== 3) return fail('0A000', 'unsupported frontend protocol');
      if (tooMany) return fail('53300', 'sorry, too many clients already');
      const params = wire.startupParams(body);
      if (params.has('replication')) return fail('0A000', 'replication is not served here');
      user = params.get('user') ?? '';
      const shown = new Map([
        ['server_version', version?.server_version ?? '18'],
        ['server_encoding', 'UTF8'],
        ['client_encoding', 'UTF8'],
        ['DateStyle', 'ISO, MDY'],
        ['IntervalStyle', 'postgres'],
        ['TimeZone', zone?.TimeZone ?? 'UTC'],
        ['integer_datetimes', 'on'],
        ['standard_conforming_strings', 'on'],
        ['is_superuser', 'off'],
        ['session_authorization', user],
        ['application_name', ''],
      ]);
      // Settings a driver sends at startup (pgjdbc: extra_float_digits, TimeZone) hold for this
      // client alone; a value of plain characters is quoted, so it cannot be read as SQL.
      for (const [key, value] of params) {
        const name = key.toLowerCase();
        if (!CLIENT_SETTINGS.has(name) || !/^[\w ,./+:-]*$/.test(value)) continue;
        client.preset(name, `'${value}'`);
        const shownKey = [...shown.keys()].find((k) => k.toLowerCase() === name);
        if (shownKey && name !== 'client_encoding') shown.set(shownKey, value);
      }
      started = true;
      write(
        Buffer.concat([
          ...((code & 0xffff) > 0 ? [wire.negotiateProtocolVersion(0)] : []),
          wire.authenticationOk(),
          ...[...shown].map(([k, v]) => wire.parameterStatus(k, v)),
          wire.backendKeyData(randomInt(1, 2 ** 31), randomInt(1, 2 ** 31)),
          wire.readyForQuery('I'),
        ]),
      );
      log.info(
        { client: id, peer, user, database: params.get('database') },
        'bi: client connected',
      );
    };

    const onMessage = async (m: wire.WireMessage): Promise<void> => {
      if (m.type === 'X') return void socket.end();
      if (m.type === 'Q') return client.query(m.body, write);
      if ('PBDECH'.includes(m.type)) {
        pending.push(m);
        pendingBytes += m.body.length;
        if (pendingBytes > MAX_UNIT_BYTES) fail('54000', 'too many messages before a Sync');
        return;
      }
      if (m.type === 'S') {
        const unit = [...pending, m];
        pending = [];
        pendingBytes = 0;
        return client.extended(unit, write);
      }
      if (m.type === 'F') {
        // A function call by oid would pass the SQL guard by.
        return write(
          Buffer.concat([
            wire.errorResponse('42501', 'function calls are not served here'),
            wire.readyForQuery('I'),
          ]),
        );
      }
      fail('08P01', `unexpected message type "${m.type}"`);
    };

    const pump = async (): Promise<void> => {
      while (!socket.destroyed) {
        const next = wire.nextMessage(buf, !started);
        if (!next) return;
        buf = next.rest;
        if (started) await onMessage(next.message);
        else onStartup(next.message.body);
      }
    };
    const kick = (): void => {
      if (pumping) return;
      pumping = pump()
        .catch((e: unknown) => {
          log.warn({ client: id, err: (e as Error).message }, 'bi: connection failed');
          fail('XX000', 'internal error');
        })
        .finally(() => {
          pumping = null;
          if (buf.length > 0 && !socket.destroyed) kick();
        });
    };
    socket.on('data', (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      kick();
    });
    socket.on('error', () => undefined); // a reset by the client; 'close' follows
    socket.on('close', () => {
      sockets.delete(socket);
      // The unit in flight (if any) ends with its ROLLBACK whatever the socket does; then the
      // statements this client prepared in the shared session are closed.
      void (pumping ?? Promise.resolve())
        .then(() => runner.closeStatements(client.preparedNames()))
        .catch((e: unknown) =>
          log.warn({ client: id, err: (e as Error).message }, 'bi: cleanup failed'),
        )
        .finally(ended);
      if (started) log.info({ client: id, peer, user }, 'bi: client disconnected');
    });
  };

  const server: Server = createServer(handle);
  server.maxConnections = opts.maxConnections * 2; // beyond that, refused without a word
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new DelotonError(
          'port_unavailable',
          `cannot listen for BI clients on ${opts.host}:${opts.port}: ${e.code ?? e.message}`,
          { cause: e },
        ),
      ),
    );
    server.listen(opts.port, opts.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    host: opts.host,
    port: address.port,
    async close() {
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const s of sockets) s.destroy();
      await closed;
      await Promise.all([...ends]);
    },
  };
}
