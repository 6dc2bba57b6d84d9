// The exit codes: a public contract, like Terraform's -detailed-exitcode.
export const EXIT = {
  ok: 0,
  error: 1,
  changes: 2,
  blocked: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
