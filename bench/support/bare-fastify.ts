// The baselines: bare Fastify routes with no auth, validation, metrics or presenters. /rides/:id
// answers a ride-sized JSON body from memory; /db/rides/:id runs the API's own ride query on a
// plain pg pool (prepared, as the API's is) and sends the row. Started as its own process, like
// the real server, so both get the same CPU.
import Fastify from 'fastify';
import pg from 'pg';

const body = {
  ride_id: 1,
  rider_id: 100,
  bike_serial: 'SN0000',
  started_at: '2022-07-06T22:50:00.500Z',
  ended_at: '2022-07-06T22:55:21.000Z',
  duration_s: 321,
  summary: {
    reading_count: 321,
    avg_heart_rate: 115.5,
    min_heart_rate: 94,
    max_heart_rate: 141,
    avg_rpm: 63.8,
    avg_resistance: 36.7,
    avg_power_w: 34,
    max_power_w: 199.1,
    energy_kj: 10.9,
  },
  rider: {
    rider_id: 100,
    gender: 'male',
    age: 43,
    height_cm: 167,
    weight_kg: 83,
    account_created: '2022-03-23',
  },
};

const app = Fastify();
app.get('/rides/:id', () => ({ ...body, ride_id: Number((Math.random() * 1000) | 0) }));
const pool = process.env.DATABASE_URL
  ? new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 5 })
  : null;
const sql = process.env.RIDE_SQL ?? '';
app.get<{ Params: { id: string } }>('/db/rides/:id', async (req) => {
  if (!pool) throw new Error('no DATABASE_URL');
  const res = await pool.query({ name: 'ride', text: sql, values: [Number(req.params.id)] });
  return res.rows[0] ?? null;
});
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${address}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
