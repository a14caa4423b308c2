/**
 * What every model family's config shares (Hugging Face's PretrainedConfig): the model type, the task heads' labels,
 * their problem type and dropout, and the keys tsbert does not interpret. A family's config reader (config.ts for
 * BERT, roberta/roberta-config.ts, ...) declares its own fields, defaults and supported settings as a ConfigSpec;
 * reading and writing config.json is written once, here.
 */
import { valuePreview } from '../error-text.js';
import { ConfigError } from '../errors.js';

export interface PretrainedConfig {
  /** config.json's model_type: which family reads it ("bert", "roberta", ...). */
  modelType: string;
  vocabSize: number;
  /** Task heads: label names by id; numLabels = its size (1 → regression for sequence classification). */
  id2label: Record<string, string>;
  label2id: Record<string, number>;
  /** Keys of config.json that tsbert does not interpret, kept so a round trip loses nothing. */
  extra: Record<string, unknown>;
}

/** A family's config.json: its model_type, its fields under Hugging Face's names, defaults and checks. */
export interface ConfigSpec<C extends PretrainedConfig> {
  readonly modelType: string;
  /** Every field but `extra`, as the family's Hugging Face config class defaults it. */
  readonly defaults: Omit<C, 'extra'>;
  /** camelCase field ⇄ config.json key; the labels and model_type are read by configFromJson itself. */
  readonly fields: readonly (readonly [keyof C & string, string])[];
  /** Throws a ConfigError naming the first setting of the raw config.json that the family does not compute. */
  assertSupported(raw: Record<string, unknown>, source: string): void;
  /** Throws a ConfigError naming the first field that cannot describe a working model; returns the config. */
  validate(config: C, source: string): C;
}

export function numLabels(config: Pick<PretrainedConfig, 'id2label'>): number {
  return Object.keys(config.id2label).length;
}

export function defaultLabels(count: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [String(i), `LABEL_${i}`]));
}

/** Far above any classification head (the largest GLUE/SuperGLUE task has 3 labels; extreme multi-label sets ~10^5). */
const MAX_LABELS = 100_000;

/** Reads a parsed config.json (Hugging Face's keys) by `spec`. Missing fields take the spec's defaults, as HF does. */
export function configFromJson<C extends PretrainedConfig>(spec: ConfigSpec<C>, json: unknown, source: string): C {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ConfigError(`${source}: expected a JSON object`);
  }
  const raw = json as Record<string, unknown>;
  spec.assertSupported(raw, source);
  const config = { ...spec.defaults, extra: {} } as C;
  const known = new Set<string>(['id2label', 'label2id', 'num_labels', 'model_type']);
  for (const [camel, snake] of spec.fields) {
    known.add(snake);
    // Types are checked by spec.validate below.
    if (raw[snake] !== undefined) Object.assign(config, { [camel]: raw[snake] });
  }
  const labels = readLabels(raw, source);
  if (labels !== undefined) {
    config.id2label = labels;
    config.label2id = Object.fromEntries(Object.entries(labels).map(([k, v]) => [v, Number(k)]));
  }
  for (const [key, value] of Object.entries(raw)) if (!known.has(key)) config.extra[key] = value;
  return spec.validate(config, source);
}

/** Hugging Face's config.json for this config (architectures and model_type included). */
export function configToJson<C extends PretrainedConfig>(spec: ConfigSpec<C>, config: C, architecture?: string): Record<string, unknown> {
  const json: Record<string, unknown> = { ...config.extra };
  if (architecture !== undefined) json['architectures'] = [architecture];
  json['model_type'] = spec.modelType;
  for (const [camel, snake] of spec.fields) json[snake] = config[camel];
  json['id2label'] = config.id2label;
  json['label2id'] = config.label2id;
  return json;
}

/** id2label (or, without it, num_labels) of a raw config.json; undefined when it has neither. */
function readLabels(raw: Record<string, unknown>, source: string): Record<string, string> | undefined {
  if (raw['id2label'] !== undefined) {
    if (typeof raw['id2label'] !== 'object' || raw['id2label'] === null) throw new ConfigError(`${source}: id2label must be an object`);
    const entries = Object.entries(raw['id2label']);
    if (entries.length > MAX_LABELS) throw new ConfigError(`${source}: id2label has ${entries.length} labels, more than ${MAX_LABELS}`);
    // Row i of a classifier is label i: ids must be exactly 0..n-1 (transformers reads the keys as ints), or a gap
    // would shift every later label onto the wrong row.
    const ids = new Set(entries.map(([k]) => k));
    for (let i = 0; i < entries.length; i++) {
      if (!ids.has(String(i))) {
        const bad = entries.map(([k]) => k).find((k) => !/^(0|[1-9]\d*)$/.test(k) || Number(k) >= entries.length);
        throw new ConfigError(`${source}: id2label's keys must be the ids 0..${entries.length - 1}; ${bad === undefined ? `${i} is missing` : `it has ${valuePreview(bad)}`}`);
      }
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, labelName(v, k, source)]));
  }
  if (raw['num_labels'] === undefined || raw['num_labels'] === null) return undefined;
  const count = raw['num_labels'];
  // defaultLabels builds `count` entries: a count from the file must be bounded before it sizes anything.
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_LABELS) {
    throw new ConfigError(`${source}: num_labels must be an integer from 1 to ${MAX_LABELS}, got ${valuePreview(count)}`);
  }
  return defaultLabels(count);
}

/** A label name from id2label: Hugging Face's are strings; numbers and booleans are taken as their text. */
function labelName(value: unknown, id: string, source: string): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new ConfigError(`${source}: id2label[${valuePreview(id)}] must be a label name, got ${valuePreview(value)}`);
}

/** Hugging Face's sequence-classification losses, by PretrainedConfig.problem_type. */
export const PROBLEM_TYPES = ['regression', 'single_label_classification', 'multi_label_classification'] as const;
export type ProblemType = (typeof PROBLEM_TYPES)[number];

/**
 * The checks every family's validate ends with: the head fields tsbert keeps in `extra` (Hugging Face's
 * classifier_dropout and problem_type) and at least one label.
 */
export function validatePretrainedFields(config: PretrainedConfig, source: string): void {
  const dropout = config.extra['classifier_dropout'];
  if (dropout !== undefined && dropout !== null && !(typeof dropout === 'number' && dropout >= 0 && dropout < 1)) {
    throw new ConfigError(`${source}: classifier_dropout must be null or in [0, 1), got ${JSON.stringify(dropout)}`);
  }
  const problemType = config.extra['problem_type'];
  if (problemType !== undefined && problemType !== null && !PROBLEM_TYPES.includes(problemType as ProblemType)) {
    throw new ConfigError(`${source}: problem_type must be null or one of ${PROBLEM_TYPES.join(', ')}, got ${JSON.stringify(problemType)}`);
  }
  if (Object.keys(config.id2label).length === 0) throw new ConfigError(`${source}: id2label must name at least one label`);
}

/** Fields whose only implemented value is the one given (Hugging Face's default), with why. */
export type OnlyDefaults = Readonly<Record<string, { value: unknown; why: string }>>;

/** Throws a ConfigError naming the first field of `raw` set to other than its only implemented value. */
export function assertOnlyDefaults(raw: Record<string, unknown>, onlyDefaults: OnlyDefaults, source: string): void {
  for (const [field, { value, why }] of Object.entries(onlyDefaults)) {
    if (raw[field] !== undefined && raw[field] !== null && raw[field] !== value) {
      throw new ConfigError(`${source}: ${field} is ${valuePreview(raw[field])}: ${why} (only ${JSON.stringify(value)})`);
    }
  }
}

/** Throws a ConfigError when config.json's model_type names another family (`family` names this one in the message). */
export function assertModelType(raw: Record<string, unknown>, modelType: string, family: string, source: string): void {
  const found = raw['model_type'];
  if (found !== undefined && found !== modelType) {
    throw new ConfigError(`${source}: model_type is ${valuePreview(found)}, not "${modelType}": this is not a ${family} folder`
      + ' (the Auto classes load each folder into its own family\'s classes)');
  }
}

/**
 * `config` (known as some family's) as `spec`'s family's: a ConfigError when its model_type is another's; otherwise
 * the family's validate checks every field its model reads, so what it returns is a config of the family.
 */
export function configOfSpec<C extends PretrainedConfig>(spec: ConfigSpec<C>, config: PretrainedConfig, source: string): C {
  if (config.modelType !== spec.modelType) {
    throw new ConfigError(`${source}: the config's model_type is ${valuePreview(config.modelType)}, not "${spec.modelType}"`);
  }
  return spec.validate(config as C, source);
}
