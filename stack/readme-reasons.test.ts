import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Reasons } from '../ingest/core/reasons.ts';

const README = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');

describe('README: rejection reasons', () => {
  it('lists exactly the reasons of ingest/core/reasons.ts, in their order', () => {
    const item = README.match(/\*\*Rejection reasons\*\*:([\s\S]*?)\(`ingest\/core\/reasons\.ts`/);
    expect(item, 'the README has its "Rejection reasons" item').not.toBeNull();
    const listed = Array.from(item?.[1]?.matchAll(/`([a-z_]+)`/g) ?? [], (m) => m[1]);
    expect(listed).toEqual(Object.values(Reasons));
  });
});
