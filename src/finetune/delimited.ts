/**
 * CSV and TSV data files with a header row, chosen by extension. CSV follows RFC 4180: fields separated by commas,
 * a field in double quotes may hold commas, doubled quotes ("") and line breaks; a quote inside an unquoted field is
 * kept as text (as Python's csv module does). TSV is GLUE's layout, read as the original BERT's run_classifier.py
 * reads it (csv.reader with delimiter '\t' and quotechar None): fields split at tabs, quotes are plain text.
 *
 * Blank lines outside quotes are skipped (pandas' skip_blank_lines, which datasets' csv loader uses). A line break
 * inside a quoted field comes out as "\n" (the line reader drops a '\r' before '\n'). A record with more or fewer
 * fields than the header, a quoted field that never closes, or text after a closing quote is a DataError naming the
 * file, the line the record starts on and the column.
 */
import { valuePreview } from '../error-text.js';
import { lineError, numberedLines, type DataFileOptions } from './data-file.js';
import type { DataError } from '../errors.js';

export type Delimiter = ',' | '\t';

/** ',' for .csv, '\t' for .tsv (any case), undefined for other names. */
export function delimiterFor(path: string): Delimiter | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.csv')) return ',';
  if (lower.endsWith('.tsv')) return '\t';
  return undefined;
}

/** One record: its fields and the line it starts on. */
export interface DelimitedRow {
  line: number;
  fields: string[];
}

/** A whole file: the header's column names and the records under it. */
export class DelimitedTable {
  constructor(
    readonly path: string,
    readonly columns: readonly string[],
    readonly rows: readonly DelimitedRow[],
  ) {}

  has(column: string): boolean {
    return this.columns.includes(column);
  }

  /** The index of a named column; `flag` names the option that chose it, for the message. */
  index(column: string, flag?: string): number {
    const i = this.columns.indexOf(column);
    if (i < 0) {
      const chosen = flag === undefined ? '' : ` (${flag})`;
      throw lineError(this.path, 1, `no column ${JSON.stringify(column)}${chosen}; the header has ${this.columns.map((c) => JSON.stringify(c)).join(', ')}`);
    }
    return i;
  }

  /** The error about one cell: `train.csv:12: column 3 ("label"): <problem>`. */
  cellError(row: DelimitedRow, column: number, problem: string): DataError {
    return lineError(this.path, row.line, `${columnName(column, this.columns)}: ${problem}`);
  }
}

/** Reads a .csv or .tsv file whole (`delimiterFor` picks the delimiter from the name). */
export async function readDelimitedTable(path: string, delimiter: Delimiter, options: DataFileOptions = {}): Promise<DelimitedTable> {
  const records: DelimitedRow[] = [];
  const reader = delimiter === '\t' ? new TsvRecords() : new CsvRecords(path);
  for await (const { text, line } of numberedLines(path, options)) {
    const record = reader.push(text, line);
    if (record !== undefined) records.push(record);
  }
  reader.finish();
  const header = records.shift();
  if (header === undefined) throw lineError(path, 1, 'no header row');
  header.fields.forEach((name, i) => {
    if (name.trim().length === 0) throw lineError(path, header.line, `${columnName(i)} of the header has no name`);
    if (header.fields.indexOf(name) !== i) throw lineError(path, header.line, `the header names column ${JSON.stringify(name)} twice`);
  });
  for (const row of records) {
    if (row.fields.length !== header.fields.length) {
      throw lineError(path, row.line, `${row.fields.length} fields, but the header has ${header.fields.length} (${valuePreview(row.fields)})`);
    }
  }
  return new DelimitedTable(path, header.fields, records);
}

function columnName(index: number, columns?: readonly string[]): string {
  const name = columns?.[index];
  return name === undefined ? `column ${index + 1}` : `column ${index + 1} (${JSON.stringify(name)})`;
}

interface RecordReader {
  /** Takes the next line; returns a record when one is complete (undefined for a blank line or an open quote). */
  push(text: string, line: number): DelimitedRow | undefined;
  /** The file ended: a record still open is an error. */
  finish(): void;
}

class TsvRecords implements RecordReader {
  push(text: string, line: number): DelimitedRow | undefined {
    return text.trim().length === 0 ? undefined : { line, fields: text.split('\t') };
  }

  finish(): void {}
}

/** RFC 4180 records, which may span lines inside quotes. */
class CsvRecords implements RecordReader {
  private fields: string[] = [];
  private field = '';
  private inQuotes = false;
  /** The current field was quoted and its closing quote has been seen: only a comma or the line's end may follow. */
  private closed = false;
  private startLine = 0;

  constructor(private readonly path: string) {}

  push(text: string, line: number): DelimitedRow | undefined {
    if (!this.inQuotes) {
      if (text.trim().length === 0) return undefined;
      this.startLine = line;
    } else {
      this.field += '\n';
    }
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (this.inQuotes) {
        if (c !== '"') this.field += c;
        else if (text[i + 1] === '"') {
          this.field += '"';
          i++;
        } else {
          this.inQuotes = false;
          this.closed = true;
        }
      } else if (c === ',') {
        this.endField();
      } else if (this.closed) {
        throw lineError(this.path, line, `${columnName(this.fields.length)}: ${valuePreview(text.slice(i, i + 20))} after the closing quote (a quote inside a quoted field is written "")`);
      } else if (c === '"' && this.field.length === 0) {
        this.inQuotes = true;
      } else {
        this.field += c;
      }
    }
    if (this.inQuotes) return undefined;
    this.endField();
    const record = { line: this.startLine, fields: this.fields };
    this.fields = [];
    return record;
  }

  finish(): void {
    if (this.inQuotes) throw lineError(this.path, this.startLine, `${columnName(this.fields.length)}: the quoted field opened on this line never closes`);
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.closed = false;
  }
}
