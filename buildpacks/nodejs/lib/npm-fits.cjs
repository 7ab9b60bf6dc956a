// node npm-fits.cjs NPM_CLI_PATH NODE_VERSION: exit 0 when that npm's engines.node accepts
// NODE_VERSION (so the host's npm can drive a downloaded Node.js), 1 otherwise.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { maxSatisfying, validRange } = require('./semver-range.cjs');
const [npmCli, nodeVersion] = process.argv.slice(2);
try {
  let dir = path.dirname(fs.realpathSync(npmCli));
  for (let i = 0; i < 4 && !fs.existsSync(path.join(dir, 'package.json')); i++) dir = path.dirname(dir);
  const accepted = (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).engines || {}).node;
  process.exit(typeof accepted === 'string' && validRange(accepted) && maxSatisfying([nodeVersion], accepted) ? 0 : 1);
} catch {
  process.exit(1);
}
