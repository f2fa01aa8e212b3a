// Node-RED loads nodes with import(): this file only points at the typed implementation.
export { default } from './rules-node.ts';
