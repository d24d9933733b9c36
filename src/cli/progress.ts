import { Stderr } from './errors';

/** A progress line such as `[######              ] 1200/4000 records`, the bar `width` characters wide. */
export function progressLine(done: number, total: number, width = 30): string {
  const filled = total > 0 ? Math.round((Math.min(done, total) / total) * width) : width;
  return `[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total} records`;
}

export interface Progress {
  update(done: number, total: number): void;
  end(): void;
}

/** A bar redrawn in place on a terminal; nothing at all when the stream is a file or a pipe, so that output stays clean. */
export function terminalProgress(stream: Stderr): Progress {
  if (!stream.isTTY) return { update: () => undefined, end: () => undefined };
  let drawn = false;
  return {
    update(done, total) {
      stream.write(`\r${progressLine(done, total)}`);
      drawn = true;
    },
    end() {
      if (drawn) stream.write('\n');
    },
  };
}
