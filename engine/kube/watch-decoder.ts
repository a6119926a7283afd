/**
 * Splits a stream of text chunks into newline-delimited lines (the watch wire format), without
 * re-scanning text it has already searched.
 */
export class LineDecoder {
  private pending = '';

  /** Feeds a chunk; calls `onLine` for every complete, non-blank line. */
  push(chunk: string, onLine: (line: string) => void): void {
    let text = this.pending + chunk;
    let start = 0;
    let nl = text.indexOf('\n', this.pending.length);
    while (nl >= 0) {
      const line = text.slice(start, nl);
      if (line.trim()) onLine(line);
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    text = text.slice(start);
    this.pending = text;
  }

  /** The unterminated tail at the end of the stream, if any. */
  flush(onLine: (line: string) => void): void {
    const rest = this.pending;
    this.pending = '';
    if (rest.trim()) onLine(rest);
  }
}
