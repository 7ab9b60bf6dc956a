/**
 * The add-on provider port, re-exported for the providers in this folder. The port itself lives
 * in core (src/core/addon-provider.ts) so that the API and the framework can name it without
 * importing a component.
 */
export * from '../core/addon-provider.js';
