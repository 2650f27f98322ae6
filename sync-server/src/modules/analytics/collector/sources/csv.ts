/** One CSV record and the line it starts on (1-based). */
export interface CsvRecord {
  line: number;
  fields: string[];
  /** Set on a last record whose quoted field is never closed (its fields are what was read). */
  error?: string;
}

/**
 * An incremental RFC 4180 CSV reader: fields separated by commas, optionally in double quotes (a quote inside a quoted
 * field is doubled; quoted fields may hold commas and line breaks), records ending in LF or CRLF. A leading BOM is
 * dropped. Feed text with push(), then end(); both answer the records completed so far. A stray quote inside an
 * unquoted field is kept as text; a quoted field still open at the end makes the last record carry an `error`.
 */
export class CsvReader {
  private field = '';
  private fields: string[] = [];
  private quoted = false;
  /** Inside quotes; `quoteSeen`: the previous character closed them (or starts a doubled quote). */
  private inQuotes = false;
  private quoteSeen = false;
  private line = 1;
  private recordLine = 1;
  private started = false;
  private pendingCr = false;

  push(text: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let i = 0;
    if (!this.started && text.length) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) i = 1;
    }
    for (; i < text.length; i++) {
      const ch = text[i]!;
      if (this.pendingCr) {
        this.pendingCr = false;
        if (ch === '\n') continue;
      }
      if (this.inQuotes) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (ch === '"') {
            this.field += '"';
            continue;
          }
          this.inQuotes = false;
          // fall through: the character after the closing quote
        } else if (ch === '"') {
          this.quoteSeen = true;
          continue;
        } else {
          if (ch === '\n') this.line += 1;
          this.field += ch;
          continue;
        }
      }
      if (ch === ',') {
        this.fields.push(this.field);
        this.field = '';
        this.quoted = false;
      } else if (ch === '\n' || ch === '\r') {
        this.pendingCr = ch === '\r';
        this.finishRecord(out);
        this.line += 1;
        this.recordLine = this.line;
      } else if (ch === '"' && this.field === '' && !this.quoted) {
        this.inQuotes = true;
        this.quoted = true;
      } else this.field += ch;
    }
    return out;
  }

  end(): CsvRecord[] {
    const unclosed = this.inQuotes && !this.quoteSeen;
    this.inQuotes = false;
    this.quoteSeen = false;
    const out: CsvRecord[] = [];
    this.finishRecord(out);
    if (unclosed && out[0]) out[0].error = 'a quoted field is not closed before the end of the file';
    return out;
  }

  private finishRecord(out: CsvRecord[]): void {
    this.fields.push(this.field);
    const fields = this.fields;
    this.fields = [];
    this.field = '';
    this.quoted = false;
    // Blank lines are not records.
    if (fields.length === 1 && fields[0] === '') return;
    out.push({ line: this.recordLine, fields });
  }
}
