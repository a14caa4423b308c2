/**
 * tsbert/core bundles for the browser. esbuild bundles the core entry (dist/src/core.js) for platform 'browser', and
 * the test names every Node built-in module the bundle imports and every Node global it reads (process, Buffer,
 * setImmediate, ...). Then the bundle alone, evaluated in a vm context that has no require, process, Buffer or
 * setImmediate — only what a browser page has — tokenizes a sentence, runs bert-tiny from its bytes and fills a
 * mask, and must give exactly what the Node path (fromPretrained on the folder, JS backend) gives.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { build, type BuildOptions } from 'esbuild';
import { jsBackend } from '../src/backend/js/js-backend.js';
import { withBackend } from '../src/backend/select.js';
import { BertModel } from '../src/model/bert-model.js';
import { FillMaskPipeline, type FillMaskOutput } from '../src/pipelines/fill-mask.js';
import { noGrad, Tensor } from '../src/tensor/tensor.js';
import { BertTokenizer } from '../src/tokenizer/bert-tokenizer.js';
import { fixturePath } from './helpers/fixtures.js';
import './helpers/node-runtime.js';

/** Compiled to dist/test/, so the core entry is dist/src/core.js and the repository root two levels up. */
const CORE = fileURLToPath(new URL('../src/core.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Globals Node has and a browser does not; `require` calls are caught as imports. */
const NODE_GLOBALS = ['process', 'Buffer', 'setImmediate', 'clearImmediate', 'global', '__dirname', '__filename'];
const MARKER = '__tsbert_node_global_';
const BUILTINS = new Set(builtinModules);

function isBuiltin(path: string): boolean {
  return path.startsWith('node:') || BUILTINS.has(path.split('/')[0]!);
}

/**
 * Bundles for the browser and lists what of Node the bundle needs: `<module> (imported by <file>)` for each built-in
 * module, `<global> (read in <file>)` for each Node global. Globals are found by defining each as a marker
 * identifier (esbuild replaces only free references, not properties such as `.process(`), then locating the markers
 * under the `// <file>` comments esbuild writes before each module.
 */
async function bundleForBrowser(input: Pick<BuildOptions, 'entryPoints' | 'stdin'>, format: 'esm' | 'iife' = 'esm'): Promise<{ code: string; nodeNeeds: string[] }> {
  const nodeNeeds: string[] = [];
  const result = await build({
    ...input,
    bundle: true,
    platform: 'browser',
    format,
    globalName: 'tsbert',
    write: false,
    logLevel: 'silent',
    define: Object.fromEntries(NODE_GLOBALS.map((name) => [name, `${MARKER}${name}`])),
    plugins: [{
      name: 'node-builtins',
      setup(bundle) {
        bundle.onResolve({ filter: /.*/ }, (args) => {
          if (!isBuiltin(args.path)) return undefined;
          nodeNeeds.push(`${args.path} (imported by ${relative(ROOT, args.importer)})`);
          return { path: args.path, external: true };
        });
      },
    }],
  });
  const code = result.outputFiles[0]!.text;
  let file = '<bundle>';
  for (const line of code.split('\n')) {
    const comment = /^\s*\/\/ (\S+\.[cm]?[jt]s)$/.exec(line);
    if (comment !== null) file = comment[1]!;
    for (const match of line.matchAll(new RegExp(`${MARKER}(\\w+)`, 'g'))) nodeNeeds.push(`${match[1]} (read in ${file})`);
  }
  return { code, nodeNeeds: [...new Set(nodeNeeds)] };
}

test('the bundle check names Node built-ins and Node globals (a probe that uses them)', async () => {
  const probe = "import { readFileSync } from 'node:fs';\nimport { join } from 'path';\n"
    + 'export const x = [readFileSync, join, process.env.HOME, Buffer.from("a"), { process: 1 }.process];\n';
  const { nodeNeeds } = await bundleForBrowser({ stdin: { contents: probe, sourcefile: 'probe.js', resolveDir: ROOT } });
  assert.deepEqual(nodeNeeds.map((need) => need.split(' ')[0]).sort(), ['Buffer', 'node:fs', 'path', 'process']);
  assert.ok(nodeNeeds.includes('node:fs (imported by probe.js)'), nodeNeeds.join('; '));
});

test('tsbert/core bundles for the browser with no Node built-in module and no Node global', async () => {
  const { code, nodeNeeds } = await bundleForBrowser({ entryPoints: [CORE] });
  assert.ok(code.includes('BertForMaskedLM'), 'the bundle holds the core');
  assert.deepEqual(nodeNeeds, [], `the core bundle needs Node: ${nodeNeeds.join('; ')}`);
});

/** What the bundle computes in the vm, as JSON (values from another realm do not deep-equal this realm's). */
interface CoreRun {
  ids: number[];
  typeIds: number[];
  hidden: number[];
  /** One [MASK]: one list of predictions. */
  fillMask: FillMaskOutput;
  backend: string;
}

const SENTENCE = 'The dog was in the park, and she is not at 7!';
const MASKED = 'he was at the [MASK] of the park.';

/** Runs in the vm, against the bundle's `tsbert` global only. */
const RUN_IN_BROWSER = `(() => {
  const { BertForMaskedLM, BertModel, BertTokenizer, FillMaskPipeline, Tensor, Vocab, backendInfo, noGrad } = tsbert;
  const tokenizer = new BertTokenizer(Vocab.fromText(input.vocabText));
  const encoding = tokenizer.encode(input.sentence);
  const seq = encoding.ids.length;
  const model = BertModel.fromBytes(input.configJson, input.weights, { quiet: true });
  const hidden = noGrad(() => model.forward({
    inputIds: new Tensor(Int32Array.from(encoding.ids), [1, seq]),
    tokenTypeIds: new Tensor(Int32Array.from(encoding.typeIds), [1, seq]),
  })).lastHiddenState;
  const fillMask = new FillMaskPipeline(BertForMaskedLM.fromBytes(input.configJson, input.weights), tokenizer).run(input.masked, { top_k: 3 });
  return JSON.stringify({
    ids: Array.from(encoding.ids), typeIds: Array.from(encoding.typeIds), hidden: Array.from(hidden.data), fillMask,
    backend: backendInfo().name,
  });
})()`;

test('the bundled core alone (no require, process, Buffer) tokenizes and runs bert-tiny from bytes as the Node path does', async () => {
  const dir = fixturePath('reference', 'bert-tiny');
  const { code } = await bundleForBrowser({ entryPoints: [CORE] }, 'iife');
  const weights = readFileSync(join(dir, 'model.safetensors'));
  const input = {
    configJson: JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as unknown,
    // An ArrayBuffer of exactly the file, as fetch().arrayBuffer() gives it.
    weights: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    vocabText: readFileSync(join(dir, 'vocab.txt'), 'utf8'),
    sentence: SENTENCE,
    masked: MASKED,
  };
  // What a browser page has that the JS language lacks: the encoding API and the console.
  const page = vm.createContext({ TextDecoder, TextEncoder, console, input });
  assert.equal(vm.runInContext('typeof process + typeof require + typeof Buffer + typeof setImmediate', page), 'undefinedundefinedundefinedundefined');
  vm.runInContext(code, page);
  const browser = JSON.parse(vm.runInContext(RUN_IN_BROWSER, page) as string) as CoreRun;

  const node = withBackend(jsBackend, (): CoreRun => {
    const tokenizer = BertTokenizer.fromPretrained(dir);
    const encoding = tokenizer.encode(SENTENCE);
    const seq = encoding.ids.length;
    const model = BertModel.fromPretrained(dir, { quiet: true });
    const hidden = noGrad(() => model.forward({
      inputIds: new Tensor(Int32Array.from(encoding.ids), [1, seq]),
      tokenTypeIds: new Tensor(Int32Array.from(encoding.typeIds), [1, seq]),
    })).lastHiddenState;
    const fillMask = FillMaskPipeline.fromPretrained(dir).run(MASKED, { top_k: 3 });
    return { ids: Array.from(encoding.ids), typeIds: Array.from(encoding.typeIds), hidden: Array.from(hidden.data), fillMask, backend: 'js' };
  });

  assert.equal(browser.backend, 'js', 'the core runs on the JS backend');
  assert.ok(browser.ids.length > 12 && browser.ids.includes(1) === false, `a sentence of known words: ${browser.ids.join(' ')}`);
  assert.deepEqual(browser.ids, node.ids);
  assert.deepEqual(browser.typeIds, node.typeIds);
  assert.equal(browser.hidden.length, node.ids.length * 48, '[1, seq, hidden 48]');
  // Same JS kernels on the same weights: bit-identical, not merely close.
  assert.deepEqual(browser.hidden, node.hidden);
  assert.equal(browser.fillMask.length, 3, 'the top 3 of the one [MASK]');
  assert.deepEqual(browser.fillMask, node.fillMask);
});
