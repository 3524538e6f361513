// React's automatic JSX runtime through Vite's own transform (no plugin needed to build).
export default { oxc: { jsx: { runtime: 'automatic' } } };
