/**
 * A trie of strings over UTF-16 units, for models that look up every piece starting at a position (Unigram's
 * lattice). Edges live in one open-addressing hash of (node, unit) → child in typed arrays, and each node holds the
 * id of the piece that ends there (-1: none), so walking from a position reports each match with no string built.
 */
const NONE = -1;

export class PieceTrie {
  /** Piece id ending at each node, or -1. */
  private ids: Int32Array;
  private nodes = 1;
  private readonly edgeParent: Int32Array;
  private readonly edgeUnit: Uint16Array;
  private readonly edgeChild: Int32Array;
  private readonly mask: number;

  /** `pieces[id]` is added when `include(id)` says so. */
  constructor(pieces: readonly string[], include: (id: number) => boolean) {
    let units = 0;
    for (const p of pieces) units += p.length;
    let slots = 256;
    while (slots < units * 2 + 2) slots *= 2;
    this.mask = slots - 1;
    this.edgeParent = new Int32Array(slots).fill(NONE);
    this.edgeUnit = new Uint16Array(slots);
    this.edgeChild = new Int32Array(slots);
    this.ids = new Int32Array(units + 1).fill(NONE);
    pieces.forEach((piece, id) => {
      if (!include(id)) return;
      let node = 0;
      for (let i = 0; i < piece.length; i++) node = this.childOrAdd(node, piece.charCodeAt(i));
      this.ids[node] = id;
    });
  }

  /** The child of `node` along `unit`, or -1. */
  child(node: number, unit: number): number {
    const mask = this.mask;
    for (let slot = this.hash(node, unit); ; slot = (slot + 1) & mask) {
      const parent = this.edgeParent[slot] ?? NONE;
      if (parent === NONE) return NONE;
      if (parent === node && this.edgeUnit[slot] === unit) return this.edgeChild[slot] ?? NONE;
    }
  }

  /** The id of the piece ending at `node`, or -1. */
  pieceAt(node: number): number {
    return this.ids[node] ?? NONE;
  }

  private childOrAdd(node: number, unit: number): number {
    const mask = this.mask;
    let slot = this.hash(node, unit);
    for (; this.edgeParent[slot] !== NONE; slot = (slot + 1) & mask) {
      if (this.edgeParent[slot] === node && this.edgeUnit[slot] === unit) return this.edgeChild[slot] ?? NONE;
    }
    const created = this.nodes++;
    this.edgeParent[slot] = node;
    this.edgeUnit[slot] = unit;
    this.edgeChild[slot] = created;
    return created;
  }

  private hash(node: number, unit: number): number {
    return (Math.imul(node, 0x9e3779b1) ^ Math.imul(unit + 1, 0x85ebca6b)) & this.mask;
  }
}
