import { describe, expect, it } from 'vitest';
import { assignedNames, onlyAssigns, queryCounts, shellBlocks } from './readme-commands.ts';

const FENCE = '```';

describe('shellBlocks', () => {
  it('takes each sh block line as a command, joins continued lines and skips comments', () => {
    const markdown = [
      'Text `npm nope` outside a block.',
      `${FENCE}sh`,
      '# a comment line',
      'npm start      # trailing comments stay',
      '',
      'curl -s -X POST $B/x \\',
      '  -d \'{"a":1}\'',
      '# -> 201 (what it answers)',
      FENCE,
      `${FENCE}json`,
      '{"not": "a command"}',
      FENCE,
      `${FENCE}sh`,
      'npm run devices -- list',
      FENCE,
    ].join('\n');
    expect(shellBlocks('X.md', markdown)).toEqual([
      {
        file: 'X.md',
        index: 0,
        commands: ['npm start      # trailing comments stay', 'curl -s -X POST $B/x \\\n  -d \'{"a":1}\''],
      },
      { file: 'X.md', index: 1, commands: ['npm run devices -- list'] },
    ]);
  });

  it("finds the README's own blocks", () => {
    const blocks = shellBlocks('README.md');
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    expect(blocks.flatMap((b) => b.commands).some((c) => c.startsWith('npm start'))).toBe(true);
  });
});

describe('onlyAssigns', () => {
  it('tells a line of variable assignments from a command', () => {
    expect(onlyAssigns('T="Authorization: Bearer $BROKER_ADMIN_TOKEN"; B=http://127.0.0.1:9101')).toBe(true);
    expect(onlyAssigns('A=1 npm run broker')).toBe(false);
    expect(onlyAssigns('curl -s $B')).toBe(false);
  });
});

describe('queryCounts', () => {
  it('reads one count per statement, 0 for a statement without series', () => {
    const out = JSON.stringify({
      results: [
        { statement_id: 0, series: [{ name: 'air_quality', columns: ['time', 'count'], values: [[0, 12]] }] },
        { statement_id: 1 },
      ],
    });
    expect(queryCounts(out)).toEqual([12, 0]);
  });
});

describe('assignments', () => {
  it('takes command substitutions and export lines as assignments, and names what they set', () => {
    const token = 'TOKEN=$(npm run -s users -- add-token ops --role operator)   # printed once';
    expect(onlyAssigns(token)).toBe(true);
    expect(assignedNames(token)).toEqual(['TOKEN']);
    const pair = 'export INFLUX_USERNAME=reader INFLUX_PASSWORD=$(cat state/influxdb-reader-password)';
    expect(assignedNames(pair)).toEqual(['INFLUX_USERNAME', 'INFLUX_PASSWORD']);
    expect(assignedNames('T="Authorization: Bearer $X"; B=http://127.0.0.1:9101')).toEqual(['T', 'B']);
    expect(onlyAssigns('CODE=$(curl -s x | jq -r .code) && curl y')).toBe(false);
    expect(onlyAssigns('X=$(date +%F) npm run qa')).toBe(false);
  });
});
