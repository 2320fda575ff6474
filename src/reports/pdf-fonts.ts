// The report's typeface, embedded from an npm package rather than the host's fonts (a production
// host may have none): Inter covers every character the en-GB formatters print (U+2212 minus,
// narrow no-break space, en dash, ellipsis), which pdfkit's WinAnsi-only Helvetica does not.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The names the report's fonts are registered under in a document. */
export const FONT = { regular: 'Inter', semibold: 'Inter-SemiBold' } as const;

const FILES = {
  [FONT.regular]: '@expo-google-fonts/inter/400Regular/Inter_400Regular.ttf',
  [FONT.semibold]: '@expo-google-fonts/inter/600SemiBold/Inter_600SemiBold.ttf',
} as const;

let loaded: ReadonlyMap<string, Buffer> | null = null;

/** The font files, read once per process. */
function fontFiles(): ReadonlyMap<string, Buffer> {
  if (!loaded) {
    const require = createRequire(import.meta.url);
    loaded = new Map(
      Object.entries(FILES).map(([name, spec]) => [name, readFileSync(require.resolve(spec))]),
    );
  }
  return loaded;
}

/** Registers the report's fonts with a document and makes the regular one current. */
export function registerFonts(doc: PDFKit.PDFDocument): void {
  for (const [name, data] of fontFiles()) doc.registerFont(name, data);
  doc.font(FONT.regular);
}

/** The registered font for an SVG text's family and weight (every family maps to Inter). */
export function svgFont(_family: string, bold: boolean): string {
  return bold ? FONT.semibold : FONT.regular;
}
