import { closeSync } from 'node:fs';
import { isatty } from 'node:tty';
import { Command, CommanderError } from 'commander';
import { CliError, ExitCode, UsageError, type ExitCodeValue } from './exit-codes.js';
import { addClientFlags, addPreviewFlags, addServerFlags, type ClientFlags, type PreviewFlags, type ServerFlags } from './flags.js';
import { errorLine, printableLines } from './printable.js';
import { writeOutput } from './write-output.js';

const VERSION = '0.1.0';

/**
 * Builds the commander program. Each action resolves with an exit code; `main` exits with it. An action loads its
 * command's code when it runs: an idle `serve` then holds no call screen, media or certificate generator (~20 MiB).
 */
export function buildProgram(setExit: (code: ExitCodeValue) => void, writeOut?: (text: string) => void): Command {
  const program = new Command();
  program
    .name('livecomm-tui')
    .description('Real-time video and audio calls in a terminal.\n\nStart with: livecomm-tui demo')
    .version(VERSION)
    .option('--debug', 'show stack traces for internal errors')
    // Every command's --help lists --debug too (it works after any command).
    .configureHelp({ showGlobalOptions: true })
    // A bad flag is one sentence like every other failure, not commander's three lines.
    .configureOutput({
      outputError: (text, write) => write(errorLine(usageSentence(text))),
      // Help and version, when the caller writes them (main: whole, and a failure said; see writeOutput).
      ...(writeOut ? { writeOut } : {}),
    })
    .exitOverride();

  addServerFlags(program.command('serve').description('run the broadcast server alone (for headless hosts and systemd)').exitOverride())
    .action(async (flags: ServerFlags) => {
      const { runServe } = await import('./serve.js');
      setExit(await runServe(flags, process.env, process.stdout, process.stderr));
    });

  addClientFlags(
    addServerFlags(program.command('host').description('start a call: the server plus you, in this terminal').exitOverride())
      .option('--headless', 'no call screen: JSON events on stdout, chat lines from stdin'),
    { target: false, serverFlagsToo: true, headless: true },
  ).action(async (flags: ServerFlags & ClientFlags) => {
    const { runHost } = await import('./host.js');
    setExit(await runHost(flags, process.env));
  });

  addClientFlags(
    program
      .command('connect')
      .description('join a call on HOST (default port 7447)')
      .argument('<host[:port]>', 'the server, e.g. 192.0.2.10 or example.org:7447 or [::1]:7447')
      .option('--headless', 'no call screen: JSON events on stdout, chat lines from stdin')
      .exitOverride(),
    { target: true, headless: true },
  ).action(async (target: string, flags: ClientFlags) => {
    const { runConnect } = await import('./connect.js');
    setExit(await runConnect(target, flags, process.env));
  });

  addClientFlags(
    program.command('demo').description('a call on this machine with two built-in guests: see it work with no camera and no peer').exitOverride(),
    { target: false, noPassword: true },
  ).action(async (flags: ClientFlags) => {
    const { runDemo } = await import('./demo.js');
    setExit(await runDemo(flags, process.env));
  });

  addPreviewFlags(program.command('preview').description('show your camera (or any --video source) in the terminal before a call').exitOverride())
    .action(async (flags: PreviewFlags) => {
      const { runPreview } = await import('./preview.js');
      setExit(await runPreview(flags, process.env));
    });

  program
    .command('devices')
    .description('list cameras, microphones and speakers, and what this terminal can do (colours, key releases)')
    .option('--json', 'machine-readable output')
    .exitOverride()
    .action(async (flags: { json?: boolean }) => {
      const { runDevices } = await import('./devices.js');
      setExit(await runDevices(flags, process.stdout));
    });

  return program;
}

/** commander's "error: unknown option '--colour'\n(Did you mean --color?)" as one line, with where to look. */
export function usageSentence(text: string): string {
  const lines = text.trim().replace(/^error: /, '').split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const [first = '', ...rest] = lines;
  const hints = rest.map((line) => line.replace(/^\(Did you mean/, '(did you mean'));
  const sentence = first
    .replace(/\.$/, '')
    .replace(/ is invalid\. (\w)/, (_, letter: string) => ` is invalid: ${letter.toLowerCase()}`)
    .replace(/\. Expected (\d+ arguments?) but got (\d+)$/, ': it takes $1, not $2');
  return `${[sentence, ...hints].join(' ')}; --help lists the commands and flags`;
}

/** The CLI entry point (bin/livecomm-tui.js). Prints one sentence on failure and exits with SPEC §1's codes. */
export async function main(argv: string[]): Promise<void> {
  let exitCode: ExitCodeValue = ExitCode.OK;
  // Node opens its debugger on SIGUSR1 (anyone on this machine could then run code as us) and dies on SIGUSR2: with
  // a listener it does neither. `serve` adds one that logs its status.
  const ignore = (): void => {};
  process.on('SIGUSR1', ignore);
  process.on('SIGUSR2', ignore);
  // Stderr that cannot be written (`2>>errors.log` on a full disk) leaves nowhere to say anything: unheard, its error
  // ended the process as an uncaught one (exit 1), a bad flag too, and `preview --once` lost its picture to a notice.
  process.stderr.on('error', () => {});
  const terminals = [0, 1, 2].filter((fd) => isatty(fd));
  process.on('exit', () => letGoOfHungUpTerminal(terminals));
  // The help and the version, kept to be written whole once commander is done (writeOutput says how that can fail).
  let printed = '';
  const program = buildProgram(
    (code) => {
      exitCode = code;
    },
    (text) => {
      printed += text;
    },
  );
  try {
    // No command at all: someone finding out what this is. The help, as asked for, not a usage error (`--debug` alone
    // is no command either: commander would print the help to stderr and fail).
    if (argv.slice(2).every((arg) => arg === '--debug')) program.outputHelp();
    else await program.parseAsync(unknownHelpTopicAsCommand(program, argv));
  } catch (err) {
    exitCode = reportError(err, argv.includes('--debug'));
  }
  if (printed) {
    try {
      await writeOutput(process.stdout, printed);
    } catch (err) {
      exitCode = reportError(err, argv.includes('--debug'));
    }
  }
  process.exitCode = exitCode;
  // Sources, sockets and timers are closed by now; exit anyway so a stuck native handle cannot hang the shell.
  setTimeout(() => process.exit(exitCode), 200).unref();
}

/**
 * `help NAME` where no command is NAME: commander prints its whole help to stderr and fails. Parsed as `NAME` alone
 * it is the one sentence of an unknown command, with commander's "did you mean" when there is one.
 */
export function unknownHelpTopicAsCommand(program: Command, argv: string[]): string[] {
  const topic = argv[2] === 'help' ? argv[3] : undefined;
  if (topic === undefined || topic.startsWith('-')) return argv;
  // `help help`: commander knows no command by that name either; the help it asks for is the program's.
  if (topic === 'help') return [...argv.slice(0, 2), 'help'];
  if (program.commands.some((command) => command.name() === topic || command.aliases().includes(topic))) return argv;
  return [...argv.slice(0, 2), topic];
}

/**
 * Closes the descriptors (of `fds`, terminals at the start) whose terminal hung up meanwhile: a closed window, a lost
 * SSH session. Node 20 restores each terminal's mode as it exits and aborts when it cannot (SIGABRT and a core dump
 * after a clean leave: nodejs/node#51519, fixed in nodejs/node#58200); it skips a descriptor that was closed. A terminal
 * that hung up is one no longer (its ioctls fail).
 */
function letGoOfHungUpTerminal(fds: number[]): void {
  for (const fd of fds) {
    if (isatty(fd)) continue;
    try {
      closeSync(fd);
    } catch {
      // Closed already: nothing for Node to restore either.
    }
  }
}

function reportError(err: unknown, debug: boolean): ExitCodeValue {
  if (err instanceof CommanderError) {
    // commander has printed its message already; help and version exit 0.
    return err.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
  }
  if (err instanceof UsageError || err instanceof CliError) {
    process.stderr.write(errorLine(err.message));
    if (debug && err.cause) process.stderr.write(`${printableLines(String((err.cause as Error).stack ?? err.cause))}\n`);
    return err.exitCode;
  }
  process.stderr.write(errorLine(`internal error: ${(err as Error).message ?? String(err)} (run with --debug for details)`));
  if (debug) process.stderr.write(`${printableLines(String((err as Error).stack))}\n`);
  return ExitCode.FAILURE;
}
