/** Process exit codes (SPEC §1). Only the CLI calls process.exit. */
export const ExitCode = {
  OK: 0,
  /** Internal error: a bug, reported with one sentence (and a stack with --debug). */
  FAILURE: 1,
  USAGE: 2,
  /** Refused: bad password, TLS trust failure, name or room rejected. */
  REFUSED: 3,
  /** Network failure after retries. */
  NETWORK: 4,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** A problem with what the user typed: one sentence, exit 2. */
export class UsageError extends Error {
  readonly exitCode = ExitCode.USAGE;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Any failure the CLI reports with one sentence and a given exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}
