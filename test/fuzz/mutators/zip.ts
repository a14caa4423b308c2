/**
 * Edits to a torch.save ZIP archive: header fields (sizes, offsets, counts, name and extra lengths, methods, CRCs,
 * in the end records, the central directory and the local headers) set to edge values; or the archive rebuilt with
 * valid checksums around edited contents: a mutated data.pkl, a storage cut short or grown, entries renamed,
 * dropped, duplicated or reordered, a byteorder entry added.
 */
import type { Rng } from '../../../src/tensor/rng.js';
import type { Mutation } from '../mutation.js';
import { chance, pick, weighted } from '../random.js';
import { concat } from './bytes.js';
import { interestingUint, writeUintLE } from './integers.js';
import { mutatePickle } from './pickle.js';
import type { ZipLayout, ZipLayoutEntry } from './zip-layout.js';
import { writeZip } from './zip-writer.js';

function setField(bytes: Uint8Array, layout: ZipLayout, rng: Rng): Mutation {
  const field = pick(rng, layout.fields);
  const out = bytes.slice();
  const value = interestingUint(rng, field.bytes, [field.value, bytes.length, bytes.length - field.value]);
  writeUintLE(out, field.at, field.bytes, value);
  return { bytes: out, description: `${field.label} = ${value} (was ${field.value})` };
}

function editEntries(entries: ZipLayoutEntry[], rng: Rng): string {
  const pickle = entries.find((e) => e.name.endsWith('/data.pkl'));
  const storages = entries.filter((e) => /\/data\/[^/]+$/.test(e.name));
  const edit = weighted(rng, [
    [pickle !== undefined ? 8 : 0, 'pickle'],
    [storages.length > 0 ? 2 : 0, 'storage-size'],
    [storages.length > 0 ? 1 : 0, 'storage-bytes'],
    [1, 'rename'], [1, 'root'], [1, 'drop'], [1, 'duplicate'], [1, 'byteorder'], [1, 'reorder'], [1, 'identity'],
  ] as const);
  switch (edit) {
    case 'pickle': {
      const entry = pickle as ZipLayoutEntry;
      const stacked = weighted(rng, [[6, 1], [3, 2], [1, 3]] as const);
      const notes: string[] = [];
      for (let n = 0; n < stacked; n++) {
        const m = mutatePickle(entry.data, rng);
        entry.data = m.bytes;
        notes.push(m.description);
      }
      return `data.pkl: ${notes.join('; ')}`;
    }
    case 'storage-size': {
      const entry = pick(rng, storages);
      const delta = pick(rng, [-1, -2, -4, -8, 1, 4, 8, -entry.data.length]);
      entry.data = delta < 0 ? entry.data.slice(0, Math.max(0, entry.data.length + delta)) : concat(entry.data, new Uint8Array(delta));
      return `${entry.name}: ${delta > 0 ? 'grow' : 'shrink'} by ${Math.abs(delta)} bytes`;
    }
    case 'storage-bytes': {
      const entry = pick(rng, storages);
      if (entry.data.length === 0) return `${entry.name}: empty, left alone`;
      entry.data = entry.data.slice();
      const at = rng.int(entry.data.length);
      entry.data[at] = (entry.data[at] as number) ^ (1 << rng.int(8));
      return `${entry.name}: flip a bit of byte ${at}`;
    }
    case 'rename': {
      const entry = pick(rng, entries);
      const old = entry.name;
      entry.name = pick(rng, [`${old}x`, old.replace(/[^/]+$/, '99'), old.replace(/[^/]+$/, ''), `${old}/`, old.toUpperCase(), `/${old}`, old.replace(/^[^/]+\//, ''), 'archive/data.pkl']);
      return `rename "${old}" to "${entry.name}"`;
    }
    case 'root': {
      const root = pick(rng, ['x', 'pytorch_model', 'a/b', '']);
      for (const entry of entries) entry.name = entry.name.replace(/^[^/]+\//, root === '' ? '' : `${root}/`);
      return `move every entry under "${root}/"`;
    }
    case 'drop': {
      const index = rng.int(entries.length);
      const [dropped] = entries.splice(index, 1);
      return `drop entry "${dropped?.name ?? ''}"`;
    }
    case 'duplicate': {
      const entry = pick(rng, entries);
      entries.splice(rng.int(entries.length + 1), 0, { name: chance(rng, 0.5) ? entry.name : entry.name.replace(/^[^/]+\//, 'other/'), data: entry.data });
      return `duplicate entry "${entry.name}"`;
    }
    case 'byteorder': {
      const root = (entries[0]?.name ?? 'archive/').replace(/\/.*$/, '');
      const order = pick(rng, ['little', 'little\n', 'big', '', 'middle', '\u00ff']);
      entries.push({ name: `${root}/byteorder`, data: new TextEncoder().encode(order) });
      return `add ${root}/byteorder = ${JSON.stringify(order)}`;
    }
    case 'reorder':
      entries.reverse();
      return 'reverse the entry order';
    case 'identity':
      return 'rewrite unchanged';
  }
}

/** One structure-aware edit of a ZIP archive whose layout is `layout`. */
export function mutateZip(bytes: Uint8Array, layout: ZipLayout, rng: Rng): Mutation {
  if (chance(rng, 0.4)) return setField(bytes, layout, rng);
  const entries = layout.entries.map((e) => ({ ...e }));
  const edits = [editEntries(entries, rng)];
  if (chance(rng, 0.15)) edits.push(editEntries(entries, rng));
  const options = { deflate: chance(rng, 0.2), zip64: chance(rng, 0.6), align: pick(rng, [0, 64]) };
  const out = writeZip(entries, options);
  return { bytes: out, description: `${edits.join('; ')} (rebuilt${options.deflate ? ', deflated' : ''}${options.zip64 ? ', zip64' : ''})` };
}

