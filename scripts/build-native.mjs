#!/usr/bin/env node
// Builds the native addon (build/Release/tsbert_native.node) with node-gyp. Run by `npm install`.
//
// It never fails the install: on any problem (no compiler, no node-gyp, no headers, a compile error, an addon
// that does not load) it prints one warning, writes the reason to .native-build-error.txt and exits 0. The loader
// (src/backend/native/load-native.ts) then falls back to the JS backend and repeats that reason, once.
// TSBERT_SKIP_NATIVE=1 skips the build.
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const errorFile = join(root, '.native-build-error.txt');
const addonPath = join(root, 'build', 'Release', 'tsbert_native.node');
const BUILD_TIMEOUT_MS = 15 * 60 * 1000;

function giveUp(reason, details = '') {
  const text = `${reason}${details ? `\n\n${details}` : ''}\n`;
  try {
    writeFileSync(errorFile, text);
  } catch {
    // A read-only checkout: the warning below is all we can do.
  }
  console.warn(`tsbert: native addon not built (${reason}); the JS backend will be used. Details: ${errorFile}`);
  process.exit(0);
}

/** node-gyp's entry script: npm's own copy first (no network needed), then one installed beside the project. */
function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  if (process.env.npm_execpath) {
    // npm_execpath is .../npm/bin/npm-cli.js; node-gyp sits in .../npm/node_modules/node-gyp.
    candidates.push(join(dirname(dirname(process.env.npm_execpath)), 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  }
  for (const bin of ['npm', 'npm-cli.js']) {
    for (const dir of (process.env.PATH ?? '').split(':')) {
      const p = join(dir, bin);
      if (!dir || !existsSync(p)) continue;
      try {
        const real = realpathSync(p); // .../npm/bin/npm-cli.js
        candidates.push(join(dirname(dirname(real)), 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
      } catch {
        // A dangling link: try the next one.
      }
    }
  }
  for (const base of [join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm'), root]) {
    try {
      candidates.push(createRequire(join(base, 'package.json')).resolve('node-gyp/bin/node-gyp.js'));
    } catch {
      // Not installed there.
    }
  }
  return candidates.find((p) => existsSync(p));
}

/** Headers shipped with this Node (Debian's /usr/include/node), so node-gyp needs no download. */
function localNodeDir() {
  if (process.env.npm_config_nodedir) return undefined; // node-gyp reads it from the environment itself
  const prefix = dirname(dirname(process.execPath));
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined;
}

/** The C++ compiler node-gyp's Makefile will call ($CXX, else g++ or c++ on PATH), or undefined. */
function findCompiler() {
  const wanted = process.env.CXX ? [process.env.CXX.split(' ')[0]] : ['g++', 'c++', 'clang++'];
  for (const name of wanted) {
    if (name.includes('/')) {
      if (existsSync(name)) return name;
      continue;
    }
    for (const dir of (process.env.PATH ?? '').split(':')) {
      if (dir && existsSync(join(dir, name))) return join(dir, name);
    }
  }
  return undefined;
}

function main() {
  if (process.env.TSBERT_SKIP_NATIVE === '1') giveUp('skipped: TSBERT_SKIP_NATIVE=1');
  if (!findCompiler()) giveUp('no C++ compiler found (install g++, or set CXX)');
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) giveUp('node-gyp not found (it ships with npm; is npm installed?)');

  const args = [nodeGyp, 'rebuild', '--release', '--jobs', 'max'];
  const nodedir = localNodeDir();
  if (nodedir) args.push(`--nodedir=${nodedir}`);
  console.log('tsbert: building the native addon (node-gyp)...');
  const build = spawnSync(process.execPath, args, {
    cwd: root,
    encoding: 'utf8',
    timeout: BUILD_TIMEOUT_MS,
    env: { ...process.env, npm_config_loglevel: 'silent' },
  });
  const output = `${build.stdout ?? ''}${build.stderr ?? ''}`;
  const tail = output.split('\n').slice(-60).join('\n');
  if (build.error) giveUp(`node-gyp could not run: ${build.error.message}`, tail);
  if (build.status !== 0) {
    const firstError = output.split('\n').find((l) => /error|not found|No such file/i.test(l))?.trim();
    giveUp(`node-gyp exited with status ${build.status}${firstError ? `: ${firstError}` : ''}`, tail);
  }
  if (!existsSync(addonPath)) giveUp(`the build succeeded but ${addonPath} is missing`, tail);

  // Load it once in a fresh process: a link error or a missing symbol shows up here, not at first use.
  const probe = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(addonPath)}).getIsa()`], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (probe.status !== 0) giveUp('the built addon does not load', `${probe.stdout}${probe.stderr}`);

  rmSync(errorFile, { force: true });
  const isa = spawnSync(process.execPath, ['-p', `require(${JSON.stringify(addonPath)}).getIsa()`], {
    encoding: 'utf8',
  }).stdout.trim();
  console.log(`tsbert: native addon built (${isa}).`);
}

try {
  main();
} catch (error) {
  giveUp(`unexpected error: ${error instanceof Error ? error.message : String(error)}`);
}
