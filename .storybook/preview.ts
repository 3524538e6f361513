/**
 * Global Storybook preview: toolbar toggles for theme (light / dark / system), text direction
 * (LTR / RTL) and language, applied to the preview document's root element so the elements'
 * own CSS (custom properties, `color-scheme`, `:dir()`, `lang`) picks them up:
 *
 *   <html data-theme="light|dark" style="color-scheme: …" dir="ltr|rtl" lang="en|zh-CN">
 *
 * A story can pin any of them with `globals: { theme: 'dark' }` (Storybook 10).
 */
import type { Decorator, Preview } from '@storybook/web-components-vite';

type Theme = 'light' | 'dark' | 'system';

const PAGE = { light: '#ffffff', dark: '#111318' } as const;
const INK = { light: '#1b1d22', dark: '#e8e9ee' } as const;

const applyGlobals: Decorator = (story, context) => {
  const theme = (context.globals.theme ?? 'dark') as Theme;
  const dir = context.globals.dir === 'rtl' ? 'rtl' : 'ltr';
  const lang = typeof context.globals.locale === 'string' ? context.globals.locale : 'en';
  const root = document.documentElement;
  const resolved = theme === 'system' ? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light') : theme;
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
  root.style.colorScheme = theme === 'system' ? 'light dark' : theme;
  root.dir = dir;
  root.lang = lang;
  document.body.style.background = PAGE[resolved];
  document.body.style.color = INK[resolved];
  return story();
};

const preview: Preview = {
  decorators: [applyGlobals],
  globalTypes: {
    theme: {
      description: 'Colour theme',
      toolbar: {
        title: 'Theme',
        icon: 'mirror',
        items: [
          { value: 'light', title: 'Light', icon: 'sun' },
          { value: 'dark', title: 'Dark', icon: 'moon' },
          { value: 'system', title: 'System', icon: 'browser' },
        ],
        dynamicTitle: true,
      },
    },
    dir: {
      description: 'Text direction',
      toolbar: {
        title: 'Direction',
        icon: 'transfer',
        items: [
          { value: 'ltr', title: 'Left to right' },
          { value: 'rtl', title: 'Right to left' },
        ],
        dynamicTitle: true,
      },
    },
    locale: {
      description: 'Language of the strings',
      toolbar: {
        title: 'Language',
        icon: 'globe',
        items: [
          { value: 'en', title: 'English' },
          { value: 'zh-CN', title: '中文' },
        ],
        dynamicTitle: true,
      },
    },
  },
  initialGlobals: { theme: 'dark', dir: 'ltr', locale: 'en' },
  parameters: {
    layout: 'padded',
    // The page colour follows the theme toggle above; the separate backgrounds tool would fight it.
    backgrounds: { disable: true },
    controls: { expanded: true, matchers: { color: /(background|color)$/i, date: /Date$/ } },
    a11y: { test: 'error' },
  },
};

export default preview;
