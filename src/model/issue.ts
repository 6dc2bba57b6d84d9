// Where a desired fact came from, and the diagnostics every stage reports against it.

/** A position in a users file; every desired fact carries one. */
export interface Source {
  file: string;
  line: number;
  column?: number;
}

export type Severity = 'error' | 'warning';

/** One problem, compiler style: `file:line:column severity code  message` plus a hint. */
export interface Issue {
  severity: Severity;
  /** Stable, kebab-case: `unknown-skill`, `duplicate-email`, `schema-type`, … */
  code: string;
  message: string;
  hint?: string;
  file?: string;
  line?: number;
  column?: number;
}
