import { spawn } from 'node:child_process';

/**
 * Runs `node argv` and SIGKILLs it as soon as its stderr shows `marker` (a checkpoint's name, say): a crash at a
 * known point. Resolves with whether it died of that signal, and its stderr so far.
 */
export async function runKilledAt(argv: string[], marker: string): Promise<{ killed: boolean; stderr: string }> {
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const killed = await new Promise<boolean>((resolve) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes(marker)) child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) => resolve(signal === 'SIGKILL'));
  });
  return { killed, stderr };
}
