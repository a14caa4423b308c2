/**
 * Runs one `tsbert` command as a child process: its progress (stderr) shown as it comes, its stdout's last line
 * kept (finetune and evaluate print their metrics there as JSON), and Ctrl-C passed on exactly once per press.
 *
 * The child runs in its own process group, so a terminal's Ctrl-C reaches only this script, which forwards it:
 * the first press makes the trainer stop at the end of its step and save (tsbert's graceful stop), a second one
 * ends it at once — the same two-press rule as running the command by hand.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const TSBERT = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));

/** @type {import('node:child_process').ChildProcess | undefined} */
let running;
let stopRequested = false;

/** Whether Ctrl-C (or SIGTERM) came: the script finishes the running command's stop and runs nothing more. */
export const stopped = () => stopRequested;

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(signal, () => {
    if (!stopRequested) process.stderr.write(`\nshowcase: ${signal === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'}: stopping after the running step; finished steps are kept\n`);
    stopRequested = true;
    running?.kill(signal);
  });
}
process.on('exit', () => running?.kill('SIGKILL'));

/**
 * `node dist/src/cli/main.js ...args`.
 * @param {string[]} args
 * @returns {Promise<{ code: number, stdout: string, stderr: string, seconds: number }>}  stdout whole; stderr's last 8 KB
 */
export function runTsbert(args) {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSBERT, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    running = child;
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-8192);
      process.stderr.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      running = undefined;
      resolve({ code: code ?? (signal === null ? 1 : 128), stdout, stderr, seconds: (performance.now() - start) / 1000 });
    });
  });
}

/**
 * The JSON object on the last non-blank stdout line.
 * @param {string} stdout
 * @param {string} what  for the error
 * @returns {Record<string, number>}
 */
export function lastJsonLine(stdout, what) {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`showcase: ${what} printed no metrics line (last line: ${JSON.stringify(line.slice(0, 200))})`);
  }
}

/**
 * The step a trainer finished or stopped at (`finetune: finished at step N ...`, `pretrain: stopped at step N; ...`).
 * @param {string} stderr
 */
export function finalStep(stderr) {
  const matches = [...stderr.matchAll(/(?:finished|stopped|stopped early) at step (\d+)/g)];
  return matches.length === 0 ? undefined : Number(matches.at(-1)[1]);
}
