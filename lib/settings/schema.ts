import { z } from 'zod';
import { parseConfig } from '../config.ts';
import { OneOf, PassThrough, Setting, type SettingsNode, type SettingsTree } from './declare.ts';

type SchemaOf<N> =
  N extends Setting<infer S>
    ? S
    : N extends z.ZodType
      ? N
      : N extends OneOf<infer V>
        ? z.ZodPrefault<z.ZodDiscriminatedUnion<{ -readonly [I in keyof V]: z.ZodObject<ShapeOf<V[I]>> }>>
        : N extends PassThrough
          ? z.ZodDefault<z.ZodRecord<z.ZodString, z.ZodString>>
          : N extends SettingsTree
            ? z.ZodPrefault<z.ZodObject<ShapeOf<N>>>
            : never;
export type ShapeOf<T> = { -readonly [K in keyof T]: SchemaOf<T[K]> };

function objectOf(tree: SettingsTree): z.ZodObject {
  return z.object(Object.fromEntries(Object.entries(tree).map(([key, node]) => [key, schemaOf(node)])));
}

// Groups prefault to {}, so a caller (or a test) that leaves a whole group out gets its defaults.
function schemaOf(node: SettingsNode): z.ZodType {
  if (node instanceof Setting) return node.schema;
  if (node instanceof PassThrough) return z.record(z.string(), z.string()).default({});
  if (node instanceof OneOf) {
    const variants = node.variants.map(objectOf) as [z.ZodObject, ...z.ZodObject[]];
    return z.discriminatedUnion(node.key, variants).prefault({});
  }
  if (node instanceof z.ZodType) return node;
  return objectOf(node).prefault({});
}

/** The config schema a settings tree declares: the object a service's `start(config)` takes. */
export function settingsSchema<const T extends SettingsTree>(tree: T): z.ZodObject<ShapeOf<T>> {
  return objectOf(tree) as unknown as z.ZodObject<ShapeOf<T>>;
}

function readNode(node: SettingsNode, env: NodeJS.ProcessEnv, path: string, names: Map<string, string>) {
  if (node instanceof Setting) {
    names.set(path, node.variableIn(env));
    return node.read(env);
  }
  if (node instanceof PassThrough) {
    const record: Record<string, string> = {};
    for (const s of node.settings) {
      const value = env[s.env];
      names.set(`${path}.${s.env}`, s.env);
      if (value) record[s.env] = value;
    }
    return record;
  }
  if (node instanceof OneOf) {
    // Read every variant; the schema keeps what the chosen one declares and strips the rest.
    const merged: Record<string, unknown> = {};
    for (const variant of node.variants)
      for (const [key, value] of Object.entries(readTree(variant, env, path, names)))
        if (merged[key] === undefined) merged[key] = value;
    return merged;
  }
  if (node instanceof z.ZodType) return undefined;
  return readTree(node, env, path, names);
}

function readTree(tree: SettingsTree, env: NodeJS.ProcessEnv, prefix: string, names: Map<string, string>) {
  const out: Record<string, unknown> = {};
  for (const [key, node] of Object.entries(tree))
    out[key] = readNode(node, env, prefix ? `${prefix}.${key}` : key, names);
  return out;
}

/**
 * The env mapping: each declared variable to its path, validated by `schema` (the tree's, perhaps with
 * cross-field checks added). A bad value throws a ConfigError naming the variable, before anything
 * connects.
 */
export function settingsFromEnv<S extends z.ZodType>(
  tree: SettingsTree,
  schema: S,
  env: NodeJS.ProcessEnv,
): z.infer<S> {
  const names = new Map<string, string>();
  const input = readTree(tree, env, '', names);
  return parseConfig(schema, input, (path) => names.get(path));
}
