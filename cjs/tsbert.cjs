// The `require` entry of the package. tsbert is an ES module: Node ≥ 22.12 loads an ES module with require(),
// Node 20 and 22.0–22.11 throw ERR_REQUIRE_ESM (without --experimental-require-module), which this turns into a
// message that says what to write instead.
'use strict';
try {
  module.exports = require('../dist/src/index.js');
} catch (error) {
  if (error !== null && typeof error === 'object' && error.code === 'ERR_REQUIRE_ESM') {
    throw new Error("tsbert is an ES module, and this Node.js cannot require() one: write `import { BertModel } from 'tsbert'`, "
      + "or from CommonJS `const { BertModel } = await import('tsbert')` (Node ≥ 20.19 and ≥ 22.12 can require('tsbert') as it is)", { cause: error });
  }
  throw error;
}
