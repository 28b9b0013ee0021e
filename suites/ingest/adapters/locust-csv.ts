// Locust CSV: `locust --headless --csv PREFIX` writes PREFIX_stats.csv (one row per endpoint and an
// "Aggregated" row, for the whole run), PREFIX_stats_history.csv (every second: Aggregated only, or every
// endpoint with --csv-full-history), PREFIX_failures.csv and PREFIX_exceptions.csv (not read).
//
// Used from _stats.csv: Type, Name, Request Count, Failure Count, Average/Min/Max Response Time, Requests/s and
// the percentile columns 50%..100% (older Locust: Method, "# requests", "# failures"); they give the latency
// stats (p50 p75 p90 p95 p99 p999) in ms. From _stats_history.csv: the cumulative Total Request Count, Total
// Failure Count and Total Average Response Time, differenced between consecutive rows into non-overlapping
// windows, which become the samples: requests/s, failed %, and mean latency of each window. Its percentile
// columns are Locust's sliding 10 s view, so they are not used. A history file given alone yields the same
// metrics from its last row (without percentiles).
// Checks: every row is as wide as its header (a short last row is a file cut off mid-write: an error naming the
// line and the first missing column); an empty or non-numeric count, average, Requests/s or Timestamp skips its
// row with a warning naming the line and column ("N/A", Locust's "no data yet", is accepted).

import type { Collector } from '../collector.ts';
import { type CsvRow, parseCsv, raggedRow } from '../csv.ts';
import { IngestError } from '../errors.ts';
import { addEndpoints, type Endpoint, type Windows } from './locust-common.ts';

export interface LocustHistory {
  text: string;
  source: string;
}

const PERCENTILE_COLUMNS: Array<[string, 'p50' | 'p75' | 'p90' | 'p95' | 'p99' | 'p999' | 'max']> = [
  ['50%', 'p50'],
  ['75%', 'p75'],
  ['90%', 'p90'],
  ['95%', 'p95'],
  ['99%', 'p99'],
  ['99.9%', 'p999'],
  ['100%', 'max'],
];

class Table {
  readonly index = new Map<string, number>();
  constructor(
    readonly source: string,
    readonly header: CsvRow,
    readonly rows: CsvRow[],
  ) {
    for (const [i, c] of header.cells.entries()) this.index.set(c.trim().toLowerCase(), i);
  }

  has(...names: string[]): boolean {
    return names.some((n) => this.index.has(n.toLowerCase()));
  }

  /** The column under any of `names`; a missing required column is an error naming the header line. */
  column(names: string[], required = true): number | undefined {
    for (const n of names) {
      const i = this.index.get(n.toLowerCase());
      if (i !== undefined) return i;
    }
    if (required) {
      throw new IngestError(this.source, `line ${this.header.line}`, `a "${names[0]}" column in the header`, 'none');
    }
    return undefined;
  }

  text(row: CsvRow, col: number | undefined): string {
    return col === undefined ? '' : (row.cells[col] ?? '').trim();
  }

  /** Where a field is, for messages: its line, and its column by number and header. */
  where(row: CsvRow, col: number): string {
    const name = this.header.cells[col]?.trim();
    return `line ${row.line}, column ${col + 1}${name ? ` (${JSON.stringify(name)})` : ''}`;
  }

  /**
   * A number. "N/A" (Locust's "no data yet") is undefined, and so is a blank in a column that may be blank
   * (percentiles, median, min, max); a blank where a number is required, or anything else, is an error.
   */
  number(row: CsvRow, col: number | undefined, required = false): number | undefined {
    if (col === undefined) return undefined;
    const raw = this.text(row, col);
    if (raw === 'N/A' || (raw === '' && !required)) return undefined;
    const v = raw === '' ? Number.NaN : Number(raw);
    if (!Number.isFinite(v)) {
      throw new IngestError(
        this.source,
        this.where(row, col),
        'a number',
        raw === '' ? 'an empty field' : JSON.stringify(raw),
      );
    }
    return v;
  }

  /** Every row as wide as the header: a short last row is a file cut off while Locust wrote it. */
  checkWidths(): void {
    const bad = raggedRow(this.header, this.rows);
    if (!bad) return;
    const width = this.header.cells.length;
    const count = bad.row.cells.length;
    const why =
      count > width
        ? 'more fields than the header (an unquoted comma in a name?); re-run Locust with --csv rather than editing its files'
        : bad.index === this.rows.length - 1
          ? 'the file looks cut off; re-run Locust with --csv and let it finish'
          : 'a broken row; re-run Locust with --csv rather than editing its files';
    const location = count > width ? `line ${bad.row.line}, column ${bad.column}` : this.where(bad.row, bad.column - 1);
    throw new IngestError(this.source, location, `${width} fields like the header`, `${count}: ${why}`);
  }
}

function readTable(text: string, source: string): Table {
  const { rows, unterminated } = parseCsv(text);
  if (unterminated !== undefined) {
    throw new IngestError(source, `line ${unterminated}`, 'a closing quote', 'the end of the file: was it truncated?');
  }
  const [header, ...body] = rows;
  if (!header) throw new IngestError(source, 'line 1', 'a Locust CSV header', 'an empty file');
  return new Table(source, header, body);
}

export function readLocustCsv(text: string, out: Collector, history?: LocustHistory): void {
  const table = readTable(text, out.source);
  if (!table.has('Request Count', '# requests', 'Total Request Count')) {
    const which = table.has('Traceback') ? 'exceptions' : table.has('Error') ? 'failures' : undefined;
    if (which) {
      throw new IngestError(
        out.source,
        'line 1',
        "Locust's <prefix>_stats.csv",
        `its ${which} file (<prefix>_${which}.csv)`,
      );
    }
  }
  table.checkWidths();
  if (table.has('Timestamp') && table.has('Total Request Count')) {
    addEndpoints(fromHistoryAlone(table, out), out);
    return;
  }
  let windows: Map<string, Windows> | undefined;
  if (history) {
    try {
      const historyTable = readTable(history.text, history.source);
      historyTable.checkWidths();
      windows = historyWindows(historyTable, out);
    } catch (err) {
      // A broken history costs the per-window samples, not the run's results.
      if (!(err instanceof IngestError)) throw err;
      out.warn(`${err.message}; the history is not used, so these metrics have no per-window samples`);
    }
  }
  const col = {
    type: table.column(['Type', 'Method'], false),
    name: table.column(['Name']) as number,
    requests: table.column(['Request Count', '# requests']) as number,
    failures: table.column(['Failure Count', '# failures']) as number,
    avg: table.column(['Average Response Time']) as number,
    median: table.column(['Median Response Time'], false),
    min: table.column(['Min Response Time'], false),
    max: table.column(['Max Response Time'], false),
    rps: table.column(['Requests/s']) as number,
  };
  const percentiles = PERCENTILE_COLUMNS.map(([h, slot]) => [table.column([h], false), slot] as const);
  const endpoints: Endpoint[] = [];
  for (const row of table.rows) {
    out.entry(() => {
      const name = table.text(row, col.name);
      const method = table.text(row, col.type);
      const aggregate = isAggregate(method, name);
      const requests = table.number(row, col.requests, true);
      if (requests === undefined)
        throw new IngestError(out.source, table.where(row, col.requests), 'a request count', '"N/A"');
      const latency: Endpoint['latency'] = {
        mean: table.number(row, col.avg, true),
        median: table.number(row, col.median),
        min: table.number(row, col.min),
        max: table.number(row, col.max),
      };
      for (const [c, slot] of percentiles) {
        const v = table.number(row, c);
        if (v !== undefined && !(slot === 'max' && latency.max !== undefined)) latency[slot] = v;
      }
      endpoints.push({
        method,
        name,
        aggregate,
        requests,
        failures: table.number(row, col.failures, true) ?? 0,
        latency,
        rps: table.number(row, col.rps, true) ?? 0,
        ...(windows?.has(key(method, name, aggregate)) ? { windows: windows.get(key(method, name, aggregate)) } : {}),
      });
    });
  }
  addEndpoints(endpoints, out);
}

function isAggregate(method: string, name: string): boolean {
  return method === '' && (name === 'Aggregated' || name === 'Total' || name === 'None');
}

function key(method: string, name: string, aggregate: boolean): string {
  return aggregate ? '*aggregate*' : `${method} ${name}`;
}

interface HistoryPoint {
  line: number;
  time: number;
  count: number;
  failures: number;
  avg: number;
}

function historySeries(
  table: Table,
  out: Collector,
): Map<string, { method: string; name: string; points: HistoryPoint[] }> {
  const col = {
    time: table.column(['Timestamp']) as number,
    type: table.column(['Type', 'Method'], false),
    name: table.column(['Name']) as number,
    count: table.column(['Total Request Count']) as number,
    failures: table.column(['Total Failure Count']) as number,
    avg: table.column(['Total Average Response Time']) as number,
  };
  const series = new Map<string, { method: string; name: string; points: HistoryPoint[] }>();
  for (const row of table.rows) {
    try {
      const method = table.text(row, col.type);
      const name = table.text(row, col.name);
      const time = table.number(row, col.time, true);
      const count = table.number(row, col.count, true);
      if (time === undefined || count === undefined) continue;
      const k = key(method, name, isAggregate(method, name));
      const s = series.get(k) ?? { method, name, points: [] };
      s.points.push({
        line: row.line,
        time,
        count,
        failures: table.number(row, col.failures, true) ?? 0,
        avg: table.number(row, col.avg, true) ?? 0,
      });
      series.set(k, s);
    } catch (err) {
      if (!(err instanceof IngestError)) throw err;
      out.warn(`${err.message}; row skipped`);
    }
  }
  return series;
}

/** Consecutive cumulative rows -> one window each (Locust writes a row per second). */
function toWindows(points: HistoryPoint[]): Windows {
  const w: Windows = { throughput: [], latency: [], errorRate: [] };
  const sorted = [...points].sort((a, b) => a.time - b.time);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1] as HistoryPoint;
    const b = sorted[i] as HistoryPoint;
    const dt = b.time - a.time;
    const dn = b.count - a.count;
    if (dt <= 0 || dn < 0) continue;
    w.throughput.push(dn / dt);
    if (dn > 0) {
      w.errorRate.push(((b.failures - a.failures) / dn) * 100);
      w.latency.push((b.avg * b.count - a.avg * a.count) / dn);
    }
  }
  return w;
}

function historyWindows(table: Table, out: Collector): Map<string, Windows> {
  const windows = new Map<string, Windows>();
  for (const [k, s] of historySeries(table, out)) windows.set(k, toWindows(s.points));
  return windows;
}

function fromHistoryAlone(table: Table, out: Collector): Endpoint[] {
  const endpoints: Endpoint[] = [];
  const col = {
    median: table.column(['Total Median Response Time'], false),
    min: table.column(['Total Min Response Time'], false),
    max: table.column(['Total Max Response Time'], false),
  };
  const rowsByLine = new Map(table.rows.map((r) => [r.line, r]));
  for (const s of historySeries(table, out).values()) {
    const last = s.points.reduce((a, b) => (b.time >= a.time ? b : a));
    const first = s.points.reduce((a, b) => (b.time < a.time ? b : a));
    const row = rowsByLine.get(last.line) as CsvRow;
    endpoints.push({
      method: s.method,
      name: s.name,
      aggregate: isAggregate(s.method, s.name),
      requests: last.count,
      failures: last.failures,
      latency: {
        mean: last.avg,
        median: table.number(row, col.median),
        min: table.number(row, col.min),
        max: table.number(row, col.max),
      },
      rps: last.time > first.time ? (last.count - first.count) / (last.time - first.time) : 0,
      windows: toWindows(s.points),
    });
  }
  return endpoints;
}
