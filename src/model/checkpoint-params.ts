import type { LoadingInfo, WeightsFile } from '../io/model-folder.js';
import type { ParamInit } from '../nn/param-init.js';
import type { ParamProvider } from '../nn/param-source.js';
import type { Rng } from '../tensor/rng.js';
import { Tensor } from '../tensor/tensor.js';

/** An architecture's key layout: where a checkpoint may hold a parameter, and which keys carry nothing to load. */
export interface CheckpointKeys {
  /** The checkpoint keys that may hold the parameter at `path`, preferred first. */
  keysOf(path: string): string[];
  /** Keys a checkpoint may hold that are no parameter (tied copies, buffers): neither loaded nor unexpected. */
  isIgnored(key: string): boolean;
}

/**
 * Parameters read from a checkpoint as the model asks for them, so nothing is drawn for weights the file has. A
 * parameter the file lacks starts at zero and is remembered with its init: the caller decides (strict loading)
 * whether it may be new before initializeMissing draws it.
 */
export class CheckpointParams implements ParamProvider {
  private readonly takenKeys = new Set<string>();
  private readonly missing: { tensor: Tensor; init: ParamInit }[] = [];
  private readonly missingPaths: string[] = [];

  constructor(private readonly file: WeightsFile, private readonly keys: CheckpointKeys) {}

  /**
   * The parameter at `path` with the checkpoint's values as its own memory (WeightsFile.take: no copy when the file
   * allows); a key taken twice is copied, so no two parameters share memory.
   */
  create(path: string, shape: readonly number[], init: ParamInit): Tensor {
    const key = this.keyOf(path);
    if (key === undefined) {
      const tensor = Tensor.zeros(shape);
      this.missing.push({ tensor, init });
      return tensor;
    }
    if (this.file.isInt8(key)) {
      // A quantized folder's weight (docs/quantization.md): int8 values, scales per output channel.
      const { data, scales, scaleKey } = this.file.takeInt8(key, shape);
      const copy = this.takenKeys.has(key);
      this.takenKeys.add(key).add(scaleKey);
      return new Tensor(copy ? data.slice() : data, shape, { dtype: 'int8', scales: { values: copy ? scales.slice() : scales, axis: 0 } });
    }
    const data = this.takenKeys.has(key) ? this.file.read(key, shape).slice() : this.file.take(key, shape);
    this.takenKeys.add(key);
    return new Tensor(data, shape);
  }

  /** Copies the checkpoint's tensor for `path` into `tensor`; false (and `path` reported missing) when it has none. */
  copyInto(path: string, tensor: Tensor): boolean {
    const key = this.keyOf(path);
    if (key === undefined) return false;
    tensor.data.set(this.file.read(key, tensor.shape));
    this.takenKeys.add(key);
    return true;
  }

  /** The checkpoint's key for `path`; undefined (and `path` reported missing) when it has none. */
  private keyOf(path: string): string | undefined {
    const key = this.keys.keysOf(path).find((candidate) => this.file.has(candidate));
    if (key === undefined) this.missingPaths.push(path);
    return key;
  }

  /** Hugging Face's report: parameters the checkpoint lacked (model order), keys no parameter took (file order). */
  loadingInfo(): LoadingInfo {
    const unexpectedKeys = this.file.keys.filter((key) => !this.takenKeys.has(key) && !this.keys.isIgnored(key));
    return { missingKeys: [...this.missingPaths], unexpectedKeys };
  }

  /** Gives the parameters the checkpoint lacked their init, in creation order, drawing from `rng`. */
  initializeMissing(rng: Rng): void {
    for (const { tensor, init } of this.missing) init(tensor, rng);
  }
}
