// `node exit-recorder.cjs FILE COMMAND ARGS…`: runs the command on this terminal and writes how it ended
// ({"code":…,"signal":…}) to FILE. It ignores SIGHUP, so it outlives the hangup that closing the terminal (tmux
// kill-server) brings to the command, and a test can read what that did. Run it from a shell (TmuxSession's): when
// the shell dies of the hangup, the kernel sends the command its SIGHUP, once.
const { spawn } = require('node:child_process');
const { writeFileSync } = require('node:fs');

const [file, command, ...args] = process.argv.slice(2);
process.on('SIGHUP', () => {});
const child = spawn(command, args, { stdio: 'inherit' });
child.on('exit', (code, signal) => writeFileSync(file, JSON.stringify({ code, signal })));
