import { z } from 'zod';

// Response shapes of /api/reports (schemas.ts holds the others). Strict, like those: a body with an
// undocumented field fails the tests' expectBody.

const day = z.iso.date().meta({ example: '2026-12-03' });

export const ReportListItem = z
  .strictObject({
    date: day.describe('the calendar day the report covers, in `time_zone`'),
    time_zone: z.string().meta({ example: 'Europe/London' }),
    state: z
      .enum(['pending', 'sent', 'failed', 'stored'])
      .describe(
        'pending: to be built and sent (or being retried); sent; failed: given up; stored: built ' +
          'and kept, with nobody to send it to',
      ),
    generated_at: z.iso.datetime().nullable().describe('when the PDF was built; null until then'),
    sent_at: z.iso.datetime().nullable(),
    attempts: z.number().int().describe('delivery attempts so far'),
    pdf_bytes: z.number().int().nullable().describe('size of the stored PDF; null until built'),
    pdf_url: z
      .string()
      .meta({ example: '/api/reports/2026-12-03.pdf' })
      .describe("the day's PDF: the stored one for admins, one built now for viewers"),
    recipients: z
      .array(z.string())
      .optional()
      .describe('admin only (email addresses are personal data): who it was sent to'),
    last_error: z
      .string()
      .nullable()
      .optional()
      .describe('admin only: why the last delivery failed, or why it was kept unsent'),
  })
  .meta({ id: 'ReportListItem' });

export const ReportList = z
  .strictObject({
    time_zone: z.string().describe('DISPLAY_TIMEZONE, in which days are counted'),
    today: day.describe('today in `time_zone`: its report covers the day so far'),
    latest_complete_day: day.describe('yesterday in `time_zone`: the latest day that is over'),
    builds_on_demand: z
      .boolean()
      .describe('whether this server builds PDFs of days with none stored (else 503 for those)'),
    data: z.array(ReportListItem).describe('stored days, newest first (at most 366)'),
  })
  .meta({ id: 'ReportList' });
