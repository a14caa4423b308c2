/** What every mutator returns: the new bytes and a short human-readable account of the edit (kept with findings). */
export interface Mutation {
  bytes: Uint8Array;
  description: string;
}

/** A fuzz input's starting point: a valid file and where it came from. */
export interface Seed {
  label: string;
  bytes: Uint8Array;
}
