import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { type ReportTable, toCsv, toXlsx } from '../src/reports/table';

/** Issue 14 item 2: text typed by staff must never become a formula in an export. */
const FORMULAS = [
  '=HYPERLINK("http://evil.example","x")',
  '=1+2',
  '+7 999',
  '-2+3',
  '@SUM(A1)',
  '\tTab',
  '\rCR',
  '＝1+2',
];

const table: ReportTable = {
  sheet: 'Заказы',
  columns: [
    { header: 'Улица', kind: 'text' },
    { header: 'Сумма', kind: 'money' },
    { header: 'Кол-во', kind: 'int' },
    { header: 'Доля', kind: 'percent' },
  ],
  rows: [
    ...FORMULAS.map((text) => [text, -150_050, -3, -12.5] as const),
    ['Тверская', 450_050, 7, 33.3],
    ['+79990001122', 0, 0, 0],
    [null, null, null, null],
  ],
};

describe('report files: formula injection', () => {
  it('CSV: every cell that starts like a formula gets a leading apostrophe; numbers stay numbers', () => {
    const rows = parse(toCsv(table), { bom: true, delimiter: ';', relax_quotes: true }) as string[][];
    expect(rows[0]).toEqual(['Улица', 'Сумма', 'Кол-во', 'Доля']);
    expect(rows.slice(1, 1 + FORMULAS.length)).toEqual(
      FORMULAS.map((text) => [`'${text}`, '-1500,50', '-3', '-12,5']),
    );
    expect(rows.slice(1 + FORMULAS.length)).toEqual([
      ['Тверская', '4500,50', '7', '33,3'],
      // A phone as the bot stores it (E.164) is left alone.
      ['+79990001122', '0,00', '0', '0'],
      ['', '', '', ''],
    ]);
    // No cell of the file starts with a formula character.
    for (const row of rows.slice(1, 1 + FORMULAS.length)) {
      expect(row[0]).not.toMatch(/^[=+\-@\t\r＝]/);
    }
  });

  it('XLSX: such text is a plain string cell (no formula anywhere in the sheet), numbers are numbers', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await toXlsx(table)) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    FORMULAS.forEach((text, i) => {
      const row = ws.getRow(i + 2);
      expect(row.getCell(1).type).toBe(ExcelJS.ValueType.String);
      // XML stores a lone CR as a line feed.
      expect(row.getCell(1).value).toBe(text.replace('\r', '\n'));
      expect(row.getCell(2).value).toBe(-1500.5);
    });
    let formulas = 0;
    ws.eachRow((row) =>
      row.eachCell((cell) => {
        if (cell.type === ExcelJS.ValueType.Formula) formulas++;
      }),
    );
    expect(formulas).toBe(0);
  });
});
