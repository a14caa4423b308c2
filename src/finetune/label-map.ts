/**
 * The classes of a task as read from its training file: their names in id order and the way back, name → id. The
 * order is sorted, as transformers' run_glue.py (`label_list.sort()`) and run_ner.py (`get_label_list`) order the
 * labels of files they read; Python sorts strings by code point, which is what `compareCodePoints` does (JavaScript's
 * `<` compares UTF-16 units, which differs above U+FFFF). A dev or test file's label that the training file never
 * had is a DataError naming where it is and the training file: `dev.tsv:12: label "neutral" never appears in
 * train.tsv (labels: neg, pos)` — the model has no output for it.
 */
import { DataError } from '../errors.js';

/** How many names an error message lists before "... (N in all)". */
const LISTED_NAMES = 20;

/** Python's str ordering: by code point. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

export class LabelMap {
  /** id → name. */
  readonly names: readonly string[];
  private readonly ids: ReadonlyMap<string, number>;

  /**
   * `names` in id order (distinct); `trainFile` and `kind` ("label", "tag") word the unseen-name error.
   */
  constructor(
    names: readonly string[],
    readonly trainFile: string,
    readonly kind = 'label',
  ) {
    const ids = new Map<string, number>();
    names.forEach((name, id) => {
      if (ids.has(name)) throw new DataError(`${trainFile}: ${kind} ${JSON.stringify(name)} is listed twice`);
      ids.set(name, id);
    });
    this.names = names;
    this.ids = ids;
  }

  /** The distinct `values`, sorted by code point (or by `compare`). */
  static sorted(values: Iterable<string>, trainFile: string, kind = 'label', compare: (a: string, b: string) => number = compareCodePoints): LabelMap {
    return new LabelMap([...new Set(values)].sort(compare), trainFile, kind);
  }

  get size(): number {
    return this.names.length;
  }

  has(name: string): boolean {
    return this.ids.has(name);
  }

  /** The id of `name`; one the training file never had is a DataError naming `source` (`dev.tsv:12`). */
  id(name: string, source: string): number {
    const id = this.ids.get(name);
    if (id === undefined) {
      const plural = `${this.kind}s`;
      const listed = this.names.slice(0, LISTED_NAMES).join(', ');
      const more = this.names.length > LISTED_NAMES ? `, ... (${this.names.length} in all)` : '';
      throw new DataError(`${source}: ${this.kind} ${JSON.stringify(name)} never appears in ${this.trainFile} (${plural}: ${listed}${more})`);
    }
    return id;
  }

  /** config.json's `id2label` (keys are the ids as strings, as transformers writes them). */
  id2label(): Record<string, string> {
    return Object.fromEntries(this.names.map((name, id) => [String(id), name]));
  }

  /** config.json's `label2id`. */
  label2id(): Record<string, number> {
    return Object.fromEntries(this.names.map((name, id) => [name, id]));
  }
}
