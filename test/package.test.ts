/**
 * What a user of the published package meets first: --version, require() from CommonJS, the browser-safe core
 * entry, and what npm ships.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

// Compiled to dist/test/, so the repository root is two levels up.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; license: string };

test('tsbert --version prints the version of package.json', () => {
  const run = spawnSync(process.execPath, [CLI, '--version'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), pkg.version);
});

test('require("tsbert") from CommonJS loads the library where Node can require ES modules, and explains itself where not', () => {
  // `-e` code resolves 'tsbert' from the repository root: a package's own name refers to itself through "exports".
  const loaded = spawnSync(process.execPath, ['-e', 'console.log(typeof require("tsbert").BertTokenizer)'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(loaded.status, 0, loaded.stderr);
  assert.equal(loaded.stdout.trim(), 'function');
  const old = spawnSync(process.execPath, ['--no-experimental-require-module', '-e', 'require("tsbert")'], { cwd: ROOT, encoding: 'utf8' });
  assert.notEqual(old.status, 0);
  assert.match(old.stderr, /tsbert is an ES module.*import \{ BertModel \} from 'tsbert'.*await import\('tsbert'\)/);
});

test('import "tsbert/core" gives the core without Node\'s runtime: bytes loaders, no file readers, no file access', () => {
  const probe = `import('tsbert/core').then((core) => {
    let fromFolder;
    try { core.BertTokenizer.fromPretrained('some-folder'); } catch (error) { fromFolder = error.name + ': ' + error.message; }
    console.log(JSON.stringify({
      fromBytes: typeof core.BertForMaskedLM.fromBytes, fromJSONString: typeof core.Tokenizer.fromJSONString,
      readSafetensors: typeof core.readSafetensors, runPretraining: typeof core.runPretraining,
      backend: core.backendInfo().name, fromFolder,
    }));
  })`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const seen = JSON.parse(run.stdout) as Record<string, string>;
  assert.deepEqual({ ...seen, fromFolder: undefined }, {
    fromBytes: 'function', fromJSONString: 'function', readSafetensors: 'undefined', runPretraining: 'undefined', backend: 'js', fromFolder: undefined,
  });
  assert.match(seen['fromFolder']!, /^TokenizerError: tokenizer folder some-folder: no file access in this build \(tsbert\/core loads from bytes/);
  const exports = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, Record<string, string>> }).exports;
  assert.deepEqual(exports['./core'], { types: './dist/src/core.d.ts', import: './dist/src/core.js' });
});

test('the package ships its license, and every source map with the source it points to', () => {
  const pack = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(pack.status, 0, pack.stderr);
  const files = new Set((JSON.parse(pack.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path));
  assert.ok(files.has('LICENSE'));
  assert.match(readFileSync(join(ROOT, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0/);
  assert.equal(pkg.license, 'Apache-2.0');
  const maps = [...files].filter((path) => path.endsWith('.map'));
  assert.ok(maps.length > 0);
  for (const map of maps) {
    const { sources } = JSON.parse(readFileSync(join(ROOT, map), 'utf8')) as { sources: string[] };
    for (const source of sources) {
      const shipped = normalize(join(dirname(map), source));
      assert.ok(files.has(shipped), `${map} points to ${shipped}, which the package does not ship`);
    }
  }
  assert.ok(![...files].some((path) => path.startsWith('dist/test/') || path.startsWith('test/')), 'no tests in the package');
  for (const entry of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/core.js', 'dist/src/core.d.ts', 'src/core.ts']) {
    assert.ok(files.has(entry), `the package ships ${entry}`);
  }
});
