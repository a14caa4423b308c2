/**
 * The key layout shared by Hugging Face's encoder families: a base model saves its parameters bare
 * (`embeddings.…`), a task model under its base_model_prefix (`bert.embeddings.…`), and either may be read by the
 * other; TF-converted checkpoints name LayerNorm parameters `gamma` / `beta`; tied copies and buffers carry
 * nothing to load. A family states its prefix, its base paths and its ignored keys; this turns them into
 * CheckpointKeys.
 */
import type { CheckpointKeys } from './checkpoint-params.js';

export interface CheckpointLayout {
  /** base_model_prefix, without the dot ("bert"). */
  readonly prefix: string;
  /** The base model's own parameters (paths relative to it): held bare by a base model, under the prefix by a task model. */
  readonly basePaths: RegExp;
  /** Keys a checkpoint may hold that carry nothing to load: tied copies and buffers. */
  readonly ignoredKeys: readonly RegExp[];
  /** Whether `gamma` / `beta` are read for LayerNorm weight / bias (TF-era checkpoints). */
  readonly legacyLayerNormNames: boolean;
  /** Other keys a parameter may be saved under (a tied copy), read when its own is absent. */
  readonly aliases?: Readonly<Record<string, readonly string[]>>;
}

/**
 * Where a checkpoint holds a parameter: under its own path first; a base parameter also with the prefix added (a
 * task model's checkpoint read by the base model) or removed (a base checkpoint read by a task model); and, with
 * legacy names, each of these with `gamma` for weight and `beta` for bias; then the layout's aliases of the path.
 */
export function checkpointKeysOf(layout: CheckpointLayout): CheckpointKeys {
  const prefix = `${layout.prefix}.`;
  return {
    keysOf(path) {
      const bare = path.startsWith(prefix) ? path.slice(prefix.length) : path;
      const paths = [path];
      if (layout.basePaths.test(bare)) paths.push(path === bare ? `${prefix}${bare}` : bare);
      paths.push(...(layout.aliases?.[path] ?? []));
      if (!layout.legacyLayerNormNames) return paths;
      const legacy = paths.map((name) => name.replace(/\.weight$/, '.gamma').replace(/\.bias$/, '.beta'));
      return [...paths, ...legacy.filter((name) => !paths.includes(name))];
    },
    isIgnored: (key) => layout.ignoredKeys.some((pattern) => pattern.test(key)),
  };
}
