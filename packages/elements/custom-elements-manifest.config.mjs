// `npm run manifest -w @micseat/elements` → custom-elements.json from the classes' doc blocks.
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.styles.ts'],
  outdir: '.',
  litelement: true,
  dependencies: false,
};
