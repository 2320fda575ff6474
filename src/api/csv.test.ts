import { describe, expect, it } from 'vitest';
import { csvField, csvRecord } from './csv.js';

describe('csv', () => {
  it('writes plain fields as they are and null as an empty field', () => {
    expect(csvRecord(['SN0001', 42, 1.5, null, true, ''])).toBe('SN0001,42,1.5,,true,\r\n');
  });

  it('quotes a field holding a comma, a quote, CR or LF, doubling its quotes', () => {
    expect(csvField('Smith, Jr.')).toBe('"Smith, Jr."');
    expect(csvField('O"Brien')).toBe('"O""Brien"');
    expect(csvField('"')).toBe('""""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('carriage\rreturn')).toBe('"carriage\rreturn"');
    expect(csvField('both\r\n')).toBe('"both\r\n"');
  });

  it('leaves other punctuation, spaces and non-ASCII text unquoted', () => {
    expect(csvField(" d'Artagnan; Zoë ")).toBe(" d'Artagnan; Zoë ");
  });

  it('writes numbers as JSON does, and non-finite ones as empty fields', () => {
    expect(csvRecord([0, -0, 1e-7, 123456789012, 0.1 + 0.2])).toBe(
      `0,0,1e-7,123456789012,${0.1 + 0.2}\r\n`,
    );
    expect(csvRecord([Number.NaN, Number.POSITIVE_INFINITY])).toBe(',\r\n');
  });

  it('ends every record in CRLF, also one whose last field ends in a line break', () => {
    expect(csvRecord(['a', 'b\n'])).toBe('a,"b\n"\r\n');
    expect(csvRecord([1, null])).toBe('1,\r\n');
  });
});
