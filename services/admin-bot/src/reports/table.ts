import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';

/**
 * A report as a table, and its two file formats. Builders produce the table from query rows
 * (pure); these functions only serialise it.
 *
 * Cells by column kind: 'text' a string (times are already formatted in the city's zone),
 * 'int' an integer, 'money' integer kopecks (written as rubles with kopecks), 'percent' a
 * whole or decimal percent. null is an empty cell.
 */
export type ColumnKind = 'text' | 'int' | 'money' | 'percent';
export type Cell = string | number | null;

export interface ReportColumn {
  header: string;
  kind: ColumnKind;
}

export interface ReportTable {
  /** XLSX sheet name (≤ 31 characters). */
  sheet: string;
  columns: readonly ReportColumn[];
  rows: readonly (readonly Cell[])[];
}

/** Kopecks → "1500,50" (Russian decimal comma, as Excel in a Russian locale reads CSV). */
export function rublesText(kopecks: number): string {
  const sign = kopecks < 0 ? '-' : '';
  const abs = Math.abs(kopecks);
  return `${sign}${Math.trunc(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

const PHONE = /^\+\d{5,15}$/;

/**
 * CSV: UTF-8 with BOM (Excel detects the encoding), `;` separated, a header row. Text that starts
 * like a formula (`= + - @`, tab, CR and their full-width forms) gets a leading `'` (csv-stringify's
 * `escape_formulas`), so a street typed as `=HYPERLINK(…)` stays text when the file is opened in
 * Excel or LibreOffice. Numbers stay numbers (a negative amount is not escaped): they reach
 * csv-stringify as numbers and are formatted by its `cast`.
 */
export function toCsv(table: ReportTable): Buffer {
  const records: Cell[][] = [
    table.columns.map((c) => c.header),
    ...table.rows.map((row) => table.columns.map((_, i) => row[i] ?? null)),
  ];
  const body = stringify(records, {
    delimiter: ';',
    record_delimiter: '\r\n',
    escape_formulas: true,
    cast: {
      // A phone in E.164 (`+` and digits only) cannot be a formula: it stays as it is.
      string: (value) => (PHONE.test(value) ? { value, escape_formulas: false } : value),
      number: (value, { index }) =>
        table.columns[index]?.kind === 'money' ? rublesText(value) : String(value).replace('.', ','),
    },
  });
  return Buffer.concat([Buffer.from('\uFEFF', 'utf8'), Buffer.from(body, 'utf8')]);
}

const NUM_FORMATS: Record<ColumnKind, string | undefined> = {
  text: undefined,
  int: '0',
  money: '#,##0.00',
  percent: '0.0',
};

/** XLSX: one sheet, bold frozen header, auto filter, numeric cells for numbers and money. */
export async function toXlsx(table: ReportTable): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.created = new Date(0);
  const ws = wb.addWorksheet(table.sheet.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = table.columns.map((c) => ({
    header: c.header,
    width: Math.min(50, Math.max(12, c.header.length + 2)),
    ...(NUM_FORMATS[c.kind] ? { style: { numFmt: NUM_FORMATS[c.kind] } } : {}),
  }));
  for (const row of table.rows) {
    ws.addRow(
      table.columns.map((c, i) => {
        const cell = row[i] ?? null;
        if (cell === null) return null;
        if (c.kind === 'money' && typeof cell === 'number') return cell / 100;
        return cell;
      }),
    );
  }
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).numFmt = '@';
  table.columns.forEach((c, i) => {
    const longest = Math.max(
      c.header.length,
      ...table.rows.slice(0, 500).map((r) => String(r[i] ?? '').length),
    );
    ws.getColumn(i + 1).width = Math.min(50, Math.max(12, longest + 2));
  });
  if (table.columns.length > 0) {
    ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: table.columns.length } };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
