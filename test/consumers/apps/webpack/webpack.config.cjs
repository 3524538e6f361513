const { join } = require('node:path');
module.exports = {
  // Development mode, no source maps: the test is about resolving and running the published
  // packages; production's minifier and module concatenation took 40-100 s of a loaded machine.
  mode: 'development',
  devtool: false,
  entry: join(__dirname, 'main.js'),
  output: { path: join(__dirname, 'dist'), filename: 'main.js', clean: true },
  performance: { hints: false },
};
