/**
 * The output of a command that prints and ends (`devices`, `preview --once`, `--help`, `--version`), written whole
 * before the exit code is decided. Into a file on a full disk every write fails: `devices --json > d.json` ended with
 * Node's stack trace, and `preview --once > frame.txt` with exit 0 and an empty file.
 */
import { fsErrorText } from '../util/fs-errors.js';
import { CliError, ExitCode } from './exit-codes.js';

/**
 * Resolves once `text` is written. A reader that went away (`| head`) took what it wanted: that is its choice, as
 * for any image viewer or `cat`. Any other failure rejects with a CliError, exit 2 as for a `--log-file` that cannot
 * be written: where the output was sent cannot take it, and exit 0 would say it went.
 */
export function writeOutput(out: NodeJS.WritableStream, text: string): Promise<void> {
  // Listened for as long as the process lives: a failed write is also emitted as an event, which unheard ends Node.
  out.on('error', () => {});
  return new Promise((resolve, reject) => {
    out.write(text, (err?: Error | null) => {
      if (!err || (err as NodeJS.ErrnoException).code === 'EPIPE') resolve();
      else reject(new CliError(`cannot write to stdout (${fsErrorText(err)})`, ExitCode.USAGE, { cause: err }));
    });
  });
}
