/** A mistake in how the command was called: reported as one line, exit code 2, no stack trace. */
export class UsageError extends Error {}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
/** As a shell reports a process ended by Ctrl-C (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;
