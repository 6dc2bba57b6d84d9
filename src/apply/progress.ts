// Progress of an apply: one redrawn bar line on a terminal, a plain line every few seconds (or 10%) in CI logs.

export interface ProgressEvent {
  done: number;
  total: number;
  failed: number;
}

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** Operations per second so far, and the time left at that pace. */
export function pace(event: ProgressEvent, elapsedMs: number): { rate: number; etaMs: number | undefined } {
  const rate = elapsedMs > 0 ? (event.done * 1000) / elapsedMs : 0;
  const left = Math.max(0, event.total - event.done);
  return { rate, etaMs: rate > 0 ? (left / rate) * 1000 : undefined };
}

/** `[######------]  45% 450/1000 · 52.0/s · ETA 0:11 · 2 failed` */
export function progressBar(event: ProgressEvent, elapsedMs: number, width = 24): string {
  const ratio = event.total > 0 ? Math.min(1, event.done / event.total) : 1;
  const filled = Math.round(ratio * width);
  const { rate, etaMs } = pace(event, elapsedMs);
  const failed = event.failed > 0 ? ` · ${event.failed} failed` : '';
  const eta = etaMs === undefined ? '--:--' : duration(etaMs);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}% ${event.done}/${event.total} · ${rate.toFixed(1)}/s · ETA ${eta}${failed}`;
}

/** `apply: 450/1000 operations (45%), 52.0/s, ETA 0:11, 2 failed` */
export function progressLine(event: ProgressEvent, elapsedMs: number): string {
  const pct = event.total > 0 ? Math.floor((Math.min(event.done, event.total) / event.total) * 100) : 100;
  const { rate, etaMs } = pace(event, elapsedMs);
  const failed = event.failed > 0 ? `, ${event.failed} failed` : '';
  const eta = etaMs === undefined ? '' : `, ETA ${duration(etaMs)}`;
  return `apply: ${event.done}/${event.total} operations (${pct}%), ${rate.toFixed(1)}/s${eta}${failed}`;
}

export interface ProgressWriter {
  update(event: ProgressEvent): void;
  /** Ends the bar's line (TTY) so what follows starts clean. */
  finish(): void;
}

/**
 * A progress writer for `stream`. On a TTY it redraws one line at most ten times a second; otherwise it writes a
 * plain line when `intervalMs` has passed or another 10% is done.
 */
export function progressWriter(stream: NodeJS.WritableStream, tty: boolean, now: () => number = Date.now, intervalMs = 5000): ProgressWriter {
  const start = now();
  let lastDraw = 0;
  let lastTenth = -1;
  let drawn = false;
  let latest: ProgressEvent | undefined;
  return {
    update(event) {
      latest = event;
      const t = now();
      if (tty) {
        if (t - lastDraw < 100 && event.done < event.total) return;
        lastDraw = t;
        drawn = true;
        stream.write(`\r\u001b[2K${progressBar(event, t - start)}`);
        return;
      }
      const tenth = event.total > 0 ? Math.floor((event.done / event.total) * 10) : 10;
      if (t - lastDraw < intervalMs && tenth <= lastTenth) return;
      lastDraw = t;
      lastTenth = tenth;
      stream.write(`${progressLine(event, t - start)}\n`);
    },
    finish() {
      if (tty && drawn && latest) stream.write(`\r\u001b[2K${progressBar(latest, now() - start)}\n`);
    },
  };
}
