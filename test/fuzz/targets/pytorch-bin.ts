/**
 * pytorch_model.bin in both containers: the ZIP archive of torch ≥ 1.6 (zip-archive.ts + state-dict-unpickler.ts) and
 * the legacy torch.save format (legacy-torch-file.ts), each opened with openPytorchBin and read tensor by tensor.
 */
import { CheckpointError } from '../../../src/errors.js';
import { openPytorchBin } from '../../../src/io/pytorch-bin.js';
import type { Rng } from '../../../src/tensor/rng.js';
import { tensorDigest, textDigest } from '../digest.js';
import { Finding } from '../finding.js';
import { legacyLayout, mutateLegacy, type LegacyLayout } from '../mutators/legacy-torch.js';
import { mutateZip } from '../mutators/zip.js';
import { zipLayout, type ZipLayout } from '../mutators/zip-layout.js';
import type { Mutation, Seed } from '../mutation.js';
import { stackMutations } from '../stacking.js';
import type { TargetFactory } from '../target.js';
import { fixtureSeed } from './seeds.js';

function readAll(path: string): string {
  const reader = openPytorchBin(path);
  try {
    const parts = reader.tensorInfos.map((info) => {
      const tensor = reader.read(info.name);
      if (tensor.dtype !== info.dtype || tensor.shape.join() !== info.shape.join()) throw new Finding(`tensor "${info.name}" reads as ${tensor.dtype} [${tensor.shape.join(', ')}], listed as ${info.dtype} [${info.shape.join(', ')}]`);
      return tensorDigest(info.name, tensor, 'PytorchBinReader');
    });
    return textDigest(parts);
  } finally {
    reader.close();
  }
}

/**
 * A pytorch_model.bin target: byte-level mutations stacked with a structure-aware edit of the seed's container.
 * Layouts are worked out once per seed; a structure-aware edit applies only to the seed's own bytes.
 */
function pytorchBinTarget<L>(
  name: string, summary: string, seedFiles: () => Seed[],
  layoutOf: (bytes: Uint8Array) => L, mutateStructure: (bytes: Uint8Array, layout: L, rng: Rng) => Mutation,
): TargetFactory {
  return {
    name,
    summary,
    create() {
      const seeds = seedFiles();
      const byBytes = new Map(seeds.map((seed) => [seed.bytes, layoutOf(seed.bytes)]));
      return {
        name,
        fileName: 'pytorch_model.bin',
        errorClass: CheckpointError,
        companions: {},
        seeds,
        mutate: (seed, rng) => stackMutations(seed, rng, (bytes) => {
          const layout = byBytes.get(bytes);
          return layout === undefined ? undefined : mutateStructure(bytes, layout, rng);
        }),
        read: readAll,
      };
    },
  };
}

export const pytorchZipTarget = pytorchBinTarget<ZipLayout>(
  'pytorch-zip',
  'pytorch_model.bin, torch ≥ 1.6 ZIP archive (src/io/pytorch-bin.ts, zip-archive.ts, state-dict-unpickler.ts)',
  () => [
    fixtureSeed('bert-tiny-bin', 'pytorch_model.bin'),
    fixtureSeed('bert-tiny-bin-half', 'pytorch_model.bin'),
    fixtureSeed('pytorch-bin-corrupt', 'valid.bin'),
    fixtureSeed('pytorch-bin-corrupt', 'valid-deflate.bin'),
  ],
  zipLayout, mutateZip,
);

export const pytorchLegacyTarget = pytorchBinTarget<LegacyLayout>(
  'pytorch-legacy',
  'pytorch_model.bin, legacy torch.save format (src/io/legacy-torch-file.ts, state-dict-unpickler.ts)',
  () => [fixtureSeed('bert-tiny-bin-legacy', 'pytorch_model.bin'), fixtureSeed('pytorch-bin-corrupt', 'valid-legacy.bin')],
  legacyLayout, mutateLegacy,
);
