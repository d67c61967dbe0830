/**
 * The one shape of our errors (STYLE.md: coded errors, causes wrapped with `{ cause }`): a stable `code` that callers,
 * the headless `error` event and REFUSE/BYE reasons switch on, and a `message` that is one sentence for the user.
 * Each part of the program narrows `Code` to its own set (protocol, audio, video, client).
 */
export class CodedError<Code extends string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * A write that stored fewer bytes than it was given: the disk is full. Coded ENOSPC like the error Node raises when
 * nothing at all fits, so callers handle both the same way.
 */
export function shortWriteError(written: number, wanted: number): CodedError<'ENOSPC'> {
  return new CodedError('ENOSPC', `only ${written} of ${wanted} bytes could be written`);
}
