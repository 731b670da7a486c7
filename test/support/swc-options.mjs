// How the repo's TypeScript is compiled for tests, by Jest (@swc/jest) and by the child-process loader
// (swc-loader.mjs) alike: types stripped, legacy decorators with emitDecoratorMetadata (Nest), ES modules.
export const SWC_OPTIONS = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};
