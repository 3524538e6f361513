const { join } = require('node:path');
module.exports = {
  mode: 'production',
  entry: join(__dirname, 'main.js'),
  output: { path: join(__dirname, 'dist'), filename: 'main.js', clean: true },
  performance: { hints: false },
  // Tree-shaken like production, not minified: the test is about resolving the packages, and
  // terser alone took 40 s of a loaded 2-core machine.
  optimization: { minimize: false },
};
