/**
 * Ctrl-C and SIGTERM for commands that run long or write files.
 *
 * Such a command opens a stop scope. In a graceful scope (training) the first signal asks the work to stop at its
 * next boundary (a step: it saves, then exits) and a second one ends the process at once by Node's default action
 * (no cleanup: a half-written checkpoint stays a hidden temporary folder, which resume skips); in an abort scope (data creation,
 * tokenizing to a file) every signal aborts at once. Aborting goes through process.exit, so the 'exit' hooks that
 * remove half-written temporary files run — Node's default exit on a signal skips them. Exit codes follow the
 * shell's 128 + signal number: 130 for SIGINT, 143 for SIGTERM, also after a clean stop, so a script can tell an
 * interrupted run from a finished one.
 *
 * Outside a scope Node's default stays: the process ends at once, even inside synchronous work. Inside one, the
 * work must give the event loop a turn at its boundaries (the trainer awaits setImmediate after each step; streams
 * do so by themselves): Node runs signal listeners only from the event loop.
 */
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
export type StopSignal = keyof typeof EXIT_CODES;

/** A long command's view of the signals: whether a stop was asked for, and which signal asked. */
export interface StopScope {
  readonly requested: boolean;
  readonly signal: StopSignal | undefined;
  /** Leaves the scope: Node's default handling is back. */
  close(): void;
}

let received: StopSignal | undefined;

/**
 * Opens a stop scope. With `gracefulMessage` (what happens next, e.g. "stopping at the end of this step and saving
 * a checkpoint") the first signal only sets `requested`; without it every signal aborts.
 */
export function openStopScope(gracefulMessage?: string): StopScope {
  received = undefined;
  const signals = Object.keys(EXIT_CODES) as StopSignal[];
  const removeListeners = (): void => {
    for (const signal of signals) process.removeListener(signal, listener);
  };
  const listener = (signal: StopSignal): void => {
    if (gracefulMessage !== undefined && received === undefined) {
      received = signal;
      // With no listener left Node's default exit is back, so a second signal ends the process even inside the
      // synchronous save that follows (a listener would only run after it).
      removeListeners();
      process.stderr.write(`\ntsbert: ${gracefulMessage} (${signal === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'} again to abort)\n`);
      return;
    }
    process.stderr.write(`\ntsbert: aborted by ${signal}\n`);
    process.exit(EXIT_CODES[signal]);
  };
  for (const signal of signals) process.on(signal, listener);
  return {
    get requested() {
      return received !== undefined;
    },
    get signal() {
      return received;
    },
    close: removeListeners,
  };
}

/** The exit code of a command that stopped on a signal (undefined when none came). */
export function stopExitCode(): number | undefined {
  return received === undefined ? undefined : EXIT_CODES[received];
}
