/** A command's progress or summary line, to stderr (stdout stays the command's output). */
export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}
