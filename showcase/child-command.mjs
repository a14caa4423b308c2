/**
 * Runs one `tsbert` command as a child process: its progress (stderr) shown as it comes (evaluation lines without
 * their per-tag scores), its stdout kept (finetune and evaluate print their metrics there as JSON), and Ctrl-C
 * passed on exactly once per press.
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
 * A trainer's evaluation line without seqeval's per-type entries (`eval_nn_precision 0.97, ...`: four per tag, 416
 * for the Brown tags), keeping the overall ones.
 * @param {string} line
 */
export function withoutPerTypeScores(line) {
  if (!line.includes('_number ')) return line;
  return line.replace(/, eval_(?!overall_)(?:(?!, eval_).)*?_(?:precision|recall|f1|number) -?[\d.]+(?:e[-+]?\d+)?/g, '');
}

/**
 * `node dist/src/cli/main.js ...args`; the command's stdout (finetune's and evaluate's metrics JSON) is captured, and
 * shown only with `echoStdout`.
 * @param {string[]} args
 * @param {{ echoStdout?: boolean }} [options]
 * @returns {Promise<{ code: number, stdout: string, stderr: string, seconds: number }>}  stdout whole; stderr's last 8 KB
 */
export function runTsbert(args, { echoStdout = false } = {}) {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSBERT, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    running = child;
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
      if (echoStdout) process.stdout.write(chunk);
    });
    let pending = '';
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-8192);
      pending += chunk;
      let newline;
      while ((newline = pending.indexOf('\n')) >= 0) {
        process.stderr.write(`${withoutPerTypeScores(pending.slice(0, newline))}\n`);
        pending = pending.slice(newline + 1);
      }
      // A progress bar redraws its line without a newline: show it now. An evaluation line waits for its end.
      if (!pending.startsWith('step ')) {
        process.stderr.write(pending);
        pending = '';
      }
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
    throw new Error(`${what} printed no metrics line (last line: ${JSON.stringify(line.slice(0, 200))})`);
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
