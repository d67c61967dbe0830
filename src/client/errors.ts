/**
 * Why a call ended, as the CLI needs it: `refused` exits 3 (SPEC §1), `network` exits 4 after retries, `internal` 1.
 * Every failure carries one sentence for the user.
 */
import { CodedError } from '../util/coded-error.js';

export const EndKind = {
  LEFT: 'left',
  REFUSED: 'refused',
  NETWORK: 'network',
  SERVER_CLOSED: 'server-closed',
  /** A bug of ours (a listener threw): not retried, exit 1. */
  INTERNAL: 'internal',
} as const;
export type EndKindValue = (typeof EndKind)[keyof typeof EndKind];

/** Thrown (or reported) when a call cannot go on; `kind` decides the exit code and whether to retry. */
export class CallEndedError extends CodedError<string> {
  constructor(
    readonly kind: EndKindValue,
    /** Reason code from the server or the client's own (`tls-trust`, `auth-required`, `connect-failed`, …). */
    code: string,
    message: string,
    options?: { cause?: unknown; releaseInMs?: number },
  ) {
    super(code, message, options);
    if (options?.releaseInMs !== undefined) this.releaseInMs = options.releaseInMs;
  }

  /** `name-taken`: the server lets the silent holder of the name go in this many ms (docs/protocol.md §4.1). */
  readonly releaseInMs?: number;
}
