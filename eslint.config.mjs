// @ts-check
import js from '@eslint/js';
import nextPlugin from '@next/eslint-plugin-next';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The package roots of the providers cost seconds and hundreds of MB per process. A file-scoped
// no-restricted-imports replaces the global one, so the constructs' rule names this list again.
const PROVIDER_ROOTS = ['aws', 'cloudflare'].map((provider) => ({
  name: `@cdktf/provider-${provider}`,
  message: `Deep-import the resource: @cdktf/provider-${provider}/lib/<resource>`,
}));

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'cdktf.out/',
      'coverage/',
      'apps/*/.next/',
      'apps/*/dist/',
      'packages/*/dist/',
      'apps/*/next-env.d.ts',
      'data/',
      'apps/*/data/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: PROVIDER_ROOTS,
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Stacks and constructs get everything from the configuration; the output must not depend on
    // the machine. main.ts is the one place that reads the environment.
    files: ['stacks/**/*.ts', 'constructs/**/*.ts', 'config/**/*.ts', 'review/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read process.env in main.ts only and pass values in.' },
      ],
    },
  },
  {
    // Constructs own the facts and rules of their resources and take everything through props:
    // the configuration depends on them, never the other way round (the import graph has no
    // cycles: __tests__/imports.test.ts).
    files: ['constructs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: PROVIDER_ROOTS,
          patterns: [
            {
              group: ['**/config', '**/config/**', '**/stacks', '**/stacks/**'],
              message:
                'Constructs do not import config/ or stacks/: take the values as props, and export problems(props) for the configuration to call.',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests and the review tools read synthesized Terraform JSON, which has no static type.
    files: ['__tests__/**/*.ts', 'review/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The web app's client components run in the browser; the rules of hooks keep React honest,
    // and Next.js's own rules (core web vitals: links, images, scripts, fonts) keep it a Next app.
    files: ['apps/web/**/*.{ts,tsx,mjs}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    plugins: { 'react-hooks': reactHooks, '@next/next': nextPlugin },
    settings: { next: { rootDir: 'apps/web/' } },
    rules: { ...reactHooks.configs.recommended.rules, ...nextPlugin.configs['core-web-vitals'].rules },
  },
);
