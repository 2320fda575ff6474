import { describe, expect, it } from 'vitest';
import { buildTds, xmlAttr, type TdsSpec } from './tableau-datasource.js';

const spec = (over: Partial<TdsSpec> = {}): TdsSpec => ({
  caption: 'Deloton analytics',
  server: 'db.example.com',
  port: 5432,
  database: 'deloton',
  username: 'analyst',
  schema: 'analytics',
  requireSsl: true,
  tables: [
    {
      name: 'rides',
      columns: [
        { name: 'ride_id', type: 'integer', role: 'dimension', description: 'The ride' },
        { name: 'rider_id', type: 'integer', role: 'dimension', description: null },
        { name: 'energy_kj', type: 'real', role: 'measure', description: 'Energy & <work>' },
      ],
    },
    {
      name: 'riders',
      columns: [{ name: 'rider_id', type: 'integer', role: 'dimension', description: null }],
    },
  ],
  keys: [
    { from: { view: 'rides', column: 'rider_id' }, to: { view: 'riders', column: 'rider_id' } },
  ],
  ...over,
});

describe('xmlAttr', () => {
  it('escapes markup, both quotes and line breaks, and replaces what XML cannot hold', () => {
    expect(xmlAttr(`a&b<c>d'e"f\ng\th`)).toBe('a&amp;b&lt;c&gt;d&apos;e&quot;f&#10;g&#9;h');
    expect(xmlAttr('bell\u0007 lone\uD800 end')).toBe('bell\uFFFD lone\uFFFD end');
    expect(xmlAttr('rider 🚴 ok')).toBe('rider 🚴 ok');
  });
});

describe('buildTds', () => {
  it('names a repeated column after its table, and relates the fields by those names', () => {
    const xml = buildTds(spec());
    expect(xml).toContain("<map key='[rider_id]' value='[rides].[rider_id]' />");
    expect(xml).toContain("<map key='[rider_id (riders)]' value='[riders].[rider_id]' />");
    expect(xml).toMatch(
      /<expression op='='>\s*<expression op='\[rider_id\]' \/>\s*<expression op='\[rider_id \(riders\)\]' \/>/,
    );
    expect(xml).toContain("<first-end-point object-id='rides' />");
    expect(xml).toContain("caption='Rider Id (Riders)'");
  });

  it('carries the connection without a password, SSL as asked, and escapes every text', () => {
    const xml = buildTds(spec({ username: "o'brien", caption: 'A & B' }));
    expect(xml).toContain("username='o&apos;brien'");
    expect(xml).toContain("formatted-name='A &amp; B'");
    expect(xml).toContain("sslmode='require'");
    expect(xml).toContain("table='[analytics].[rides]'");
    expect(xml).not.toMatch(/\spassword=/i);
    expect(xml).toContain('<run>Energy &amp; &lt;work&gt;</run>');
    expect(buildTds(spec({ requireSsl: false }))).toContain("sslmode=''");
    // Only the five escapes and numeric references: nothing else begins with & in the file.
    expect(xml.match(/&[^;\s]*;?/g)?.every((e) => /^&(amp|lt|gt|apos|quot|#\d+);$/.test(e))).toBe(
      true,
    );
  });

  it('refuses a key on a column no table has', () => {
    expect(() =>
      buildTds(
        spec({
          keys: [{ from: { view: 'rides', column: 'day' }, to: { view: 'dates', column: 'day' } }],
        }),
      ),
    ).toThrow(/rides\.day/);
  });
});
