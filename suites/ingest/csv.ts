// A small RFC 4180 reader: quoted fields may hold commas, quotes ("") and newlines. Each row keeps the line it
// starts on, for messages.

export interface CsvRow {
  line: number;
  cells: string[];
}

export function parseCsv(text: string): { rows: CsvRow[]; unterminated?: number } {
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let quoteLine = 0;
  const endRow = () => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0] === '')) rows.push({ line: rowLine, cells });
    cells = [];
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        cell += c;
      }
    } else if (c === '"' && cell === '') {
      quoted = true;
      quoteLine = line;
    } else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else cell += c;
  }
  if (quoted) return { rows, unterminated: quoteLine };
  if (cell !== '' || cells.length > 0) endRow();
  return { rows };
}

export interface RaggedRow {
  row: CsvRow;
  /** Its place among the rows after the header (the last row is the one a cut-off file breaks). */
  index: number;
  /** The first field (1-based) the row lacks, or its first field beyond the header. */
  column: number;
}

/** The first row with more or fewer fields than the header: a file cut off mid-row, or one edited by hand. */
export function raggedRow(header: CsvRow, rows: readonly CsvRow[]): RaggedRow | undefined {
  const width = header.cells.length;
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index] as CsvRow;
    if (row.cells.length !== width) return { row, index, column: Math.min(row.cells.length, width) + 1 };
  }
  return undefined;
}
