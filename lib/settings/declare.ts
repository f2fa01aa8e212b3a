import { z } from 'zod';

/**
 * One way to declare a service's settings: a tree shaped like the config object, whose leaves say which
 * environment variable fills them, how it is validated, its default and what it means. The zod schema
 * (schema.ts), the env mapping (env.ts) and the README table (table.ts) are all derived from it.
 */
export type SettingDeclaration<S extends z.ZodType> = {
  /** The environment variable that sets it. */
  env: string;
  /** Validates the value; `default` and `optional` wrap it, so leave them off here. */
  schema: S;
  /** One line for the README table: what it does, in the operator's words. */
  meaning: string;
  default?: z.output<S>;
  /** Unset is allowed and stays undefined (no default). */
  optional?: true;
  /** Read when `env` is unset: FLOWS_MQTT_URL falls back to the MQTT_URL every service reads. */
  fallback?: string;
  /** The raw value (undefined when unset) as the schema takes it: `envFlag` for booleans. */
  fromEnv?: (raw: string | undefined) => unknown;
  /** The default as the README shows it, when code outside the schema supplies it. */
  shown?: string;
  /** A password, token or URL with credentials: never given a value in deploy/.env.example. */
  secret?: true;
  /** A deployment sets it: deploy/.env.example must name it (stack/settings-docs.test.ts). */
  deploy?: true;
};

export class Setting<S extends z.ZodType = z.ZodType> {
  readonly env: string;
  /** With its default or `.optional()` applied: what the config schema holds at this path. */
  readonly schema: S;
  readonly meaning: string;
  readonly fallback: string | undefined;
  readonly fromEnv: ((raw: string | undefined) => unknown) | undefined;
  readonly shown: string | undefined;
  readonly secret: boolean;
  readonly deploy: boolean;
  /** What the schema makes of "unset": its default, or undefined when it is optional. */
  readonly default: unknown;
  /** Unset fails validation. */
  readonly required: boolean;

  constructor(declaration: SettingDeclaration<z.ZodType>, schema: S) {
    this.env = declaration.env;
    this.schema = schema;
    this.meaning = declaration.meaning;
    this.fallback = declaration.fallback;
    this.fromEnv = declaration.fromEnv;
    this.shown = declaration.shown;
    this.secret = declaration.secret === true;
    this.deploy = declaration.deploy === true;
    // Asking the schema itself keeps defaults in one place, whether declared here or inside `schema`.
    const unset = schema.safeParse(undefined);
    this.required = !unset.success;
    this.default = unset.success ? unset.data : undefined;
  }

  /** The variable this setting is read from in `env`: the fallback when only that one is set. */
  variableIn(env: NodeJS.ProcessEnv): string {
    return env[this.env] === undefined && this.fallback !== undefined && env[this.fallback] !== undefined
      ? this.fallback
      : this.env;
  }

  /** The schema's input for this setting (undefined: unset, the schema applies its default). */
  read(env: NodeJS.ProcessEnv): unknown {
    const raw = env[this.variableIn(env)];
    return this.fromEnv ? this.fromEnv(raw) : raw;
  }
}

export function setting<S extends z.ZodType>(
  declaration: SettingDeclaration<S> & { default: z.output<S> },
): Setting<z.ZodDefault<S>>;
export function setting<S extends z.ZodType>(
  declaration: SettingDeclaration<S> & { optional: true },
): Setting<z.ZodOptional<S>>;
export function setting<S extends z.ZodType>(declaration: SettingDeclaration<S>): Setting<S>;
export function setting(declaration: SettingDeclaration<z.ZodType>): Setting {
  const { schema } = declaration;
  if (declaration.default !== undefined)
    return new Setting(declaration, schema.default(declaration.default as never));
  return new Setting(declaration, declaration.optional ? schema.optional() : schema);
}

/**
 * Alternatives told apart by one key (InfluxDB 1.x or 2.x): a discriminated union. Every variant's
 * variables are read; a key that several variants share must read the same variable.
 */
export class OneOf<V extends readonly SettingsTree[] = readonly SettingsTree[]> {
  readonly key: string;
  readonly variants: V;
  constructor(key: string, variants: V) {
    this.key = key;
    this.variants = variants;
  }
}

export function oneOf<const V extends readonly [SettingsTree, ...SettingsTree[]]>(
  key: string,
  variants: V,
): OneOf<V> {
  return new OneOf(key, variants);
}

/**
 * Variables handed on untouched, as a record keyed by their names (the flows pass their notification
 * settings to a Node-RED node, which validates them). Only the ones set to a non-empty value appear.
 */
export class PassThrough {
  readonly settings: readonly Setting[];
  constructor(settings: readonly Setting[]) {
    this.settings = settings;
  }
}

export function passThrough(settings: readonly Setting[]): PassThrough {
  return new PassThrough(settings);
}

/** A zod schema as a leaf is a field no variable sets (code or a CLI option does). */
export type SettingsNode = Setting | OneOf | PassThrough | z.ZodType | SettingsTree;
export interface SettingsTree {
  readonly [key: string]: SettingsNode;
}

/** Each setting with its path in the config object, in declaration order. */
export function settingPaths(tree: SettingsTree, prefix = ''): { path: string; setting: Setting }[] {
  return Object.entries(tree).flatMap(([key, node]) => {
    const path = prefix + key;
    if (node instanceof Setting) return [{ path, setting: node }];
    if (node instanceof PassThrough)
      return node.settings.map((s) => ({ path: `${path}.${s.env}`, setting: s }));
    if (node instanceof OneOf) return node.variants.flatMap((variant) => settingPaths(variant, `${path}.`));
    if (node instanceof z.ZodType) return [];
    return settingPaths(node, `${path}.`);
  });
}

/**
 * Variables only an alternative variant reads (InfluxDB 2.x's token when 1.x is the default): required
 * when that variant is chosen, not by a deployment on the default one.
 */
export function alternativeOnly(tree: SettingsTree): Set<string> {
  const found = new Set<string>();
  for (const node of Object.values(tree)) {
    if (node instanceof OneOf) {
      const [first, ...rest] = node.variants;
      const inFirst = new Set(settingPaths(first ?? {}).map((p) => p.setting.env));
      for (const variant of rest)
        for (const { setting } of settingPaths(variant))
          if (!inFirst.has(setting.env)) found.add(setting.env);
    } else if (!(node instanceof Setting || node instanceof PassThrough || node instanceof z.ZodType)) {
      for (const env of alternativeOnly(node)) found.add(env);
    }
  }
  return found;
}

/** The settings of a tree, one per variable (variants that share a variable list it once). */
export function settingsOf(tree: SettingsTree): Setting[] {
  const byVariable = new Map<string, Setting>();
  for (const { setting } of settingPaths(tree))
    if (!byVariable.has(setting.env)) byVariable.set(setting.env, setting);
  return [...byVariable.values()];
}
