// Code-unit string order, shared so that the plan, the export and the issue lists sort alike on every machine.

/** Code-unit order: the same on every machine whatever its locale (`localeCompare` is not). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
