import { Command, CommanderError } from 'commander';
import { addClientFlags, runConnect, type ClientFlags } from './connect.js';
import { CliError, ExitCode, UsageError, type ExitCodeValue } from './exit-codes.js';
import { addServerFlags, runServe, type ServerFlags } from './serve.js';

const VERSION = '0.1.0';

/** Builds the commander program. Each action resolves with an exit code; `main` exits with it. */
export function buildProgram(setExit: (code: ExitCodeValue) => void): Command {
  const program = new Command();
  program
    .name('livecomm-tui')
    .description('Real-time video and audio calls in a terminal.')
    .version(VERSION)
    .option('--debug', 'show stack traces for internal errors')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  addServerFlags(
    program
      .command('serve')
      .description('run the broadcast server alone (for headless hosts and systemd)')
      .exitOverride(),
  ).action(async (flags: ServerFlags) => setExit(await runServe(flags, process.env, process.stdout, process.stderr)));

  addClientFlags(
    program
      .command('connect')
      .description('join a call on HOST (default port 7447)')
      .argument('<host[:port]>', 'the server, e.g. 192.0.2.10 or example.org:7447 or [::1]:7447')
      .exitOverride(),
    { withTarget: true },
  ).action(async (target: string, flags: ClientFlags) => setExit(await runConnect(target, flags, process.env)));

  return program;
}

/** The CLI entry point (bin/livecomm-tui.js). Prints one sentence on failure and exits with SPEC §1's codes. */
export async function main(argv: string[]): Promise<void> {
  let exitCode: ExitCodeValue = ExitCode.OK;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv);
  } catch (err) {
    exitCode = reportError(err, argv.includes('--debug'));
  }
  process.exitCode = exitCode;
  // Sources, sockets and timers are closed by now; exit anyway so a stuck native handle cannot hang the shell.
  setTimeout(() => process.exit(exitCode), 200).unref();
}

function reportError(err: unknown, debug: boolean): ExitCodeValue {
  if (err instanceof CommanderError) {
    // commander has printed its message already; help and version exit 0.
    return err.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
  }
  if (err instanceof UsageError || err instanceof CliError) {
    process.stderr.write(`livecomm-tui: ${err.message}\n`);
    if (debug && err.cause) process.stderr.write(`${String((err.cause as Error).stack ?? err.cause)}\n`);
    return err.exitCode;
  }
  process.stderr.write(`livecomm-tui: internal error: ${(err as Error).message ?? String(err)} (run with --debug for details)\n`);
  if (debug) process.stderr.write(`${(err as Error).stack}\n`);
  return ExitCode.FAILURE;
}
