/**
 * Warnings the library gives while it keeps going (a head newly initialised on load). The Node entry routes them to
 * process.emitWarning, so `--no-warnings` and 'warning' listeners see them with their code; the core, which does not
 * touch `process`, writes them with console.warn.
 */

/** Receives a warning and its code (`TSBERT_...`). */
export type WarningSink = (message: string, code: string) => void;

let sink: WarningSink = (message, code) => console.warn(`[${code}] ${message}`);

export function setWarningSink(warningSink: WarningSink): void {
  sink = warningSink;
}

export function emitWarning(message: string, code: string): void {
  sink(message, code);
}
