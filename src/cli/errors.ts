/** Exit status of a command that failed at its work. */
export const FAILED = 1;

/** Exit status of a command line that is itself wrong: an unknown command or option, or a value the command refuses. */
export const MISUSED = 2;

/**
 * A mistake in the command line itself. `command` is the command it was
 * given to (`token create`; empty for the program), whose help explains
 * what it takes.
 */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

/** Standard error, or what stands in for it in a test: a terminal when isTTY is true. */
export interface Stderr {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** Terminal escape sequences: colours, cursor moves, window titles. */
const ESCAPE_SEQUENCES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]/g;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * The text as one plain line: escape sequences go, line breaks and tabs
 * become spaces, and other control characters go too, whether they come from a
 * library's message or from a file name or value someone typed, so that a
 * script reading standard error gets one line per message and a terminal
 * draws exactly the text.
 */
export function plainLine(text: string): string {
  return text
    .replace(ESCAPE_SEQUENCES, '')
    .replace(/\s+/g, ' ')
    .replace(CONTROL_CHARACTERS, '')
    .trim();
}

/** An error's message; errors of Node's own modules may come from another realm, where `instanceof Error` does not hold. */
function messageOf(error: unknown): string {
  const { message, name } = (typeof error === 'object' && error !== null ? error : {}) as { message?: unknown; name?: unknown };
  if (typeof message === 'string' && message) return message;
  return typeof name === 'string' ? name : String(error);
}

/** What standard error says when a command fails: `error: <what went wrong>`, one line, and for a mistake in the command line, where its usage is. */
export function errorLine(error: unknown): string {
  const message = plainLine(messageOf(error));
  if (!(error instanceof UsageError) || error.command === undefined) return `error: ${message}\n`;
  return `error: ${message} (see npm run cli -- ${error.command ? `${error.command} ` : ''}--help)\n`;
}

/** The exit status that goes with an error. */
export function exitStatusOf(error: unknown): number {
  return error instanceof UsageError ? MISUSED : FAILED;
}
