import type { Rider } from '../domain/rider.js';
import type { Queryable } from './db.js';

/** Inserts riders or refreshes their details; the latest record of a rider wins. */
export async function upsertRiders(tx: Queryable, riders: readonly Rider[]): Promise<void> {
  if (riders.length === 0) return;
  const latest = [...new Map(riders.map((r) => [r.riderId, r])).values()];
  const col = <K extends keyof Rider>(k: K): Rider[K][] => latest.map((r) => r[k]);
  await tx.query(
    `INSERT INTO riders (rider_id, title, first_name, last_name, gender, birth_date, height_cm, weight_kg,
       email, address_line_1, address_line_2, city, postcode, account_created, original_source)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[],
       $7::int[], $8::int[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::date[], $15::text[])
     ON CONFLICT (rider_id) DO UPDATE SET title = EXCLUDED.title, first_name = EXCLUDED.first_name,
       last_name = EXCLUDED.last_name, gender = EXCLUDED.gender, birth_date = EXCLUDED.birth_date,
       height_cm = EXCLUDED.height_cm, weight_kg = EXCLUDED.weight_kg, email = EXCLUDED.email,
       address_line_1 = EXCLUDED.address_line_1, address_line_2 = EXCLUDED.address_line_2,
       city = EXCLUDED.city, postcode = EXCLUDED.postcode, account_created = EXCLUDED.account_created,
       original_source = EXCLUDED.original_source`,
    [
      col('riderId'),
      col('title'),
      col('firstName'),
      col('lastName'),
      col('gender'),
      col('birthDate'),
      col('heightCm'),
      col('weightKg'),
      col('email'),
      col('addressLine1'),
      col('addressLine2'),
      col('city'),
      col('postcode'),
      col('accountCreated'),
      col('originalSource'),
    ],
  );
}
