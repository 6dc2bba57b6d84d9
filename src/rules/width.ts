// Text measured as a terminal shows it (CJK and emoji take two columns, colour codes none), for every place that lines up columns.
import stringWidth from 'string-width';

/** Columns `text` takes on screen. */
export function displayWidth(text: string): number {
  return stringWidth(text);
}

/** `text` followed by spaces up to `width` columns (as is when it is already as wide). */
export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}
