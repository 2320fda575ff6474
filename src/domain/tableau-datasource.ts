// A Tableau Data Source (.tds) for a live PostgreSQL connection: the connection without its
// password, one logical table per view, and the views related by their keys (Tableau 2020.2+
// relationships: a `collection` of physical tables and an `object-graph`). Each column's field
// name is fixed here (`metadata-records`, `cols`), because Tableau names a repeated column
// `day (daily_summary)` and a relationship must use the names Tableau will use.

/** A column as the .tds declares it. */
export interface TdsColumn {
  readonly name: string;
  readonly type: 'integer' | 'real' | 'string' | 'date' | 'datetime' | 'boolean';
  readonly role: 'dimension' | 'measure';
  readonly description: string | null;
}

/** A table or view of the data source. */
export interface TdsTable {
  readonly name: string;
  readonly columns: readonly TdsColumn[];
}

/** A relationship: `from.column` of each `from` row matches `to.column`. */
export interface TdsKey {
  readonly from: { readonly view: string; readonly column: string };
  readonly to: { readonly view: string; readonly column: string };
}

/** Everything the file says. */
export interface TdsSpec {
  readonly caption: string;
  readonly server: string;
  readonly port: number;
  readonly database: string;
  readonly username: string;
  readonly schema: string;
  readonly requireSsl: boolean;
  readonly tables: readonly TdsTable[];
  readonly keys: readonly TdsKey[];
}

// Characters XML 1.0 cannot carry at all (lone surrogates too); a database comment might hold one.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/gu;

/** Text escaped for an XML attribute value in single or double quotes. */
export function xmlAttr(value: string | number): string {
  return String(value)
    .replace(NOT_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/'/g, '&apos;')
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

/** Text escaped for XML element content. */
const xmlText = (value: string | number): string =>
  xmlAttr(value).replace(/&#10;/g, '\n').replace(/&#9;/g, '\t');

/** A Tableau name in brackets; a `]` inside is doubled, as Tableau writes it. */
const bracket = (name: string): string => `[${name.replace(/]/g, ']]')}]`;

const words = (name: string): string =>
  name
    .split('_')
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ');

const AGGREGATION: Readonly<Record<TdsColumn['type'], string>> = {
  integer: 'Sum',
  real: 'Sum',
  string: 'Count',
  date: 'Year',
  datetime: 'Year',
  boolean: 'Count',
};

/** Field names: a column keeps its own name the first time it appears, later ones get `(table)`. */
function fieldNames(tables: readonly TdsTable[]): Map<string, string> {
  const taken = new Set<string>();
  const names = new Map<string, string>();
  for (const t of tables)
    for (const c of t.columns) {
      const own = taken.has(c.name) ? `${c.name} (${t.name})` : c.name;
      taken.add(own);
      names.set(`${t.name}.${c.name}`, own);
    }
  return names;
}

/** The .tds document. Throws when a key names a column no table has. */
export function buildTds(spec: TdsSpec): string {
  const names = fieldNames(spec.tables);
  const field = (view: string, column: string): string => {
    const n = names.get(`${view}.${column}`);
    if (n === undefined) throw new Error(`the .tds relates ${view}.${column}, which is not there`);
    return n;
  };
  const conn = 'postgres.deloton';
  const relation = (t: TdsTable): string =>
    `<relation connection='${conn}' name='${xmlAttr(t.name)}' table='${xmlAttr(
      `${bracket(spec.schema)}.${bracket(t.name)}`,
    )}' type='table' />`;
  const out: string[] = [
    `<?xml version='1.0' encoding='utf-8' ?>`,
    `<datasource formatted-name='${xmlAttr(spec.caption)}' inline='true' version='18.1' xmlns:user='http://www.tableausoftware.com/xml/user'>`,
    `  <connection class='federated'>`,
    `    <named-connections>`,
    `      <named-connection caption='${xmlAttr(spec.server)}' name='${conn}'>`,
    `        <connection authentication='username-password' class='postgres' dbname='${xmlAttr(spec.database)}' odbc-native-protocol='yes' one-time-sql='' port='${spec.port}' schema='${xmlAttr(spec.schema)}' server='${xmlAttr(spec.server)}' sslmode='${spec.requireSsl ? 'require' : ''}' username='${xmlAttr(spec.username)}' />`,
    `      </named-connection>`,
    `    </named-connections>`,
    `    <relation type='collection'>`,
    ...spec.tables.map((t) => `      ${relation(t)}`),
    `    </relation>`,
    `    <cols>`,
  ];
  for (const t of spec.tables)
    for (const c of t.columns)
      out.push(
        `      <map key='${xmlAttr(bracket(field(t.name, c.name)))}' value='${xmlAttr(`${bracket(t.name)}.${bracket(c.name)}`)}' />`,
      );
  out.push(`    </cols>`, `    <metadata-records>`);
  for (const t of spec.tables)
    t.columns.forEach((c, i) => {
      out.push(
        `      <metadata-record class='column'>`,
        `        <remote-name>${xmlText(c.name)}</remote-name>`,
        `        <local-name>${xmlText(bracket(field(t.name, c.name)))}</local-name>`,
        `        <parent-name>${xmlText(bracket(t.name))}</parent-name>`,
        `        <remote-alias>${xmlText(c.name)}</remote-alias>`,
        `        <ordinal>${i + 1}</ordinal>`,
        `        <local-type>${c.type}</local-type>`,
        `        <aggregation>${AGGREGATION[c.type]}</aggregation>`,
        `        <contains-null>true</contains-null>`,
        `        <object-id>${xmlText(bracket(t.name))}</object-id>`,
        `      </metadata-record>`,
      );
    });
  out.push(`    </metadata-records>`, `  </connection>`, `  <aliases enabled='yes' />`);
  for (const t of spec.tables)
    for (const c of t.columns) {
      const own = field(t.name, c.name);
      const caption = own === c.name ? words(c.name) : `${words(c.name)} (${words(t.name)})`;
      const kind =
        c.role === 'measure' ? 'quantitative' : c.type === 'string' ? 'nominal' : 'ordinal';
      const head = `  <column caption='${xmlAttr(caption)}' datatype='${c.type}' name='${xmlAttr(bracket(own))}' role='${c.role}' type='${kind}'`;
      if (c.description === null) out.push(`${head} />`);
      else
        out.push(
          `${head}>`,
          `    <desc><formatted-text><run>${xmlText(c.description)}</run></formatted-text></desc>`,
          `  </column>`,
        );
    }
  out.push(`  <object-graph>`, `    <objects>`);
  for (const t of spec.tables)
    out.push(
      `      <object caption='${xmlAttr(words(t.name))}' id='${xmlAttr(t.name)}'>`,
      `        <properties context=''>`,
      `          ${relation(t)}`,
      `        </properties>`,
      `      </object>`,
    );
  out.push(`    </objects>`, `    <relationships>`);
  for (const k of spec.keys)
    out.push(
      `      <relationship>`,
      `        <expression op='='>`,
      `          <expression op='${xmlAttr(bracket(field(k.from.view, k.from.column)))}' />`,
      `          <expression op='${xmlAttr(bracket(field(k.to.view, k.to.column)))}' />`,
      `        </expression>`,
      `        <first-end-point object-id='${xmlAttr(k.from.view)}' />`,
      `        <second-end-point object-id='${xmlAttr(k.to.view)}' unique-key='true' />`,
      `      </relationship>`,
    );
  out.push(`    </relationships>`, `  </object-graph>`, `</datasource>`, '');
  return out.join('\n');
}
