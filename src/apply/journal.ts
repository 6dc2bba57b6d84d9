// The audit journal: one JSON line per operation, appended and written through at once so a killed run leaves it intact.
import { closeSync, openSync, writeSync } from 'node:fs';
import { ProvisionError } from '../model/index.js';
import type { OperationRecord } from '../model/index.js';

export interface Journal {
  write(record: OperationRecord): void;
  close(): void;
}

/** The fields a journal line carries, in a fixed order; nothing else (no headers, no tokens) can slip in. */
export function journalLine(record: OperationRecord): string {
  const { org, time, email, operation, outcome, status, code, contextId, message } = record;
  // `org` is undefined (and so left out) unless provision.yaml names orgs: single-org lines read as before.
  return `${JSON.stringify({ org, time, email, operation, outcome, status, code, contextId, message })}\n`;
}

const reasonOf = (error: unknown): string => (error instanceof Error && 'code' in error ? String((error as NodeJS.ErrnoException).code) : 'unknown');

/**
 * Opens `file` for appending (created when missing). Each write is a synchronous write(2): nothing waits in a buffer.
 * A write that fails throws `journal-unwritable`; apply then stops (see `Recorder`).
 */
export function openJournal(file: string): Journal {
  let fd: number;
  try {
    fd = openSync(file, 'a');
  } catch (error) {
    throw new ProvisionError('journal-unwritable', `Cannot open the journal ${file} for appending (${reasonOf(error)}).`, {
      hint: 'Check that the folder exists and is writable, or choose another --journal path.',
    });
  }
  let open = true;
  return {
    write(record) {
      if (!open) return;
      const line = Buffer.from(journalLine(record));
      let reason: string;
      try {
        const written = writeSync(fd, line);
        if (written === line.length) return;
        // Half a line (a disk filling up) is a failure too: the journal no longer holds this record whole.
        reason = `${written} of ${line.length} bytes written`;
      } catch (error) {
        reason = reasonOf(error);
      }
      throw new ProvisionError('journal-unwritable', `Cannot write to the journal ${file} (${reason}).`, {
        hint: 'Free space on its disk or choose another --journal path.',
      });
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}
