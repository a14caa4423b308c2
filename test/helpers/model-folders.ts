import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Rewrites a model folder's config.json through `edit` (to test what loading makes of a field). */
export function editConfigJson(dir: string, edit: (json: Record<string, unknown>) => void): void {
  const path = join(dir, 'config.json');
  const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  edit(json);
  writeFileSync(path, JSON.stringify(json));
}
